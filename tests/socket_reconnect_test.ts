import assert from "node:assert/strict";
import { socketFixture } from "./_socket_fixture.ts";

Deno.test("socket: after a 1000 'idle' close it reconnects, and a polling pass brings what was said in between, once", async () => {
  await using f = await socketFixture();
  await f.connected();
  f.say("before");
  assert.equal(await f.nextText(), "before");
  // The device loses its socket: what is said now reaches no socket.
  f.webex.socket.closeAll(1000, "idle");
  await f.webex.socket.waitFor(() => f.webex.socket.connections === 0);
  f.say("in between");
  await f.connected(2);
  assert.equal(await f.nextText(), "in between");
  f.say("after");
  assert.equal(await f.nextText(), "after");
  assert.equal(f.ears.size, 0);
  assert.ok(f.logs.some((line) => line.includes("closed with 1000 'idle'")));
  assert.equal(f.webex.socket.devices().length, 1);
});

Deno.test("socket: envelopes handled but not acked come again after a reconnect and are not handled twice", async () => {
  await using f = await socketFixture();
  await f.connected();
  f.webex.socket.dropAcks();
  f.say("one");
  assert.equal(await f.nextText(), "one");
  const envelope = f.webex.socket.sent.at(-1)!;
  f.webex.socket.dropAcks(false);
  f.webex.socket.closeAll(1000, "idle");
  await f.connected(2);
  // The redelivery is acked once the pipeline found it a duplicate.
  await f.webex.socket.waitFor(() => f.webex.socket.acks.includes(envelope.id));
  assert.equal(
    f.webex.socket.sent.filter((sent) => sent.id === envelope.id).length,
    2,
  );
  f.say("two");
  assert.equal(await f.nextText(), "two");
  assert.equal(f.ears.size, 0);
});

Deno.test("socket: a dropped connection (no pong) is closed and replaced; what it swallowed arrives once", async () => {
  await using f = await socketFixture();
  await f.connected();
  f.webex.socket.stall();
  f.say("into the void");
  await f.connected(2);
  assert.equal(await f.nextText(), "into the void");
  f.say("next");
  assert.equal(await f.nextText(), "next");
  assert.equal(f.ears.size, 0);
  assert.ok(f.logs.some((line) => line.includes("pong not received")));
});

import assert from "node:assert/strict";
import type { Message } from "../mod.ts";
import { parseFakeWebexId } from "../testing.ts";
import { socketFixture } from "./_socket_fixture.ts";

Deno.test("socket: a message comes over the websocket, is fetched by its REST id, and its envelope is acked", async () => {
  await using f = await socketFixture();
  await f.connected();
  const sent = f.say("status?");
  const event = await f.ears.get() as Message;
  assert.equal(event.type, "message");
  assert.equal(event.text, "status?");
  assert.equal(
    parseFakeWebexId(event.id ?? "")?.uuid,
    parseFakeWebexId(sent.id)?.uuid,
  );
  const envelope = f.webex.socket.sent.at(-1)!;
  assert.equal(envelope.data.activity?.verb, "post");
  await f.webex.socket.waitFor(() => f.webex.socket.acks.includes(envelope.id));
  assert.equal(f.webex.socket.devices()[0].unacked, 0);
});

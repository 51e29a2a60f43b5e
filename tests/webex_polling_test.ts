import assert from "node:assert/strict";
import {
  Context,
  type DedupeStore,
  EventQueue,
  MemoryDedupeStore,
  type Message,
  type SpaceEvent,
  WebexSpace,
} from "../mod.ts";
import { messageDelivery, webexFixture } from "./_webex.ts";

async function takeAll(queue: EventQueue<SpaceEvent>): Promise<string[]> {
  const texts: string[] = [];
  while (queue.size > 0) texts.push(((await queue.get()) as Message).text);
  return texts;
}

Deno.test("the first pull sets the start; later pulls bring each new message once, oldest first", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  const other = f.webex.addRoom({ title: "Other", members: [f.alice, f.bob] });
  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "old",
    mentions: [f.webex.bot],
  });
  await f.space.pull();
  assert.equal(ears.size, 0);

  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "one",
    mentions: [f.webex.bot],
  });
  f.webex.simulateMessage({
    from: f.bob,
    roomId: String(other.id),
    text: "two",
    mentions: [f.webex.bot],
  });
  f.webex.simulateMessage({
    from: f.bob,
    roomId: String(other.id),
    text: "not for the bot",
  });
  f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: "shelly@webex.bot",
    text: "three",
  });
  await f.space.pull();
  const first = await takeAll(ears);
  assert.deepEqual(first.map((text) => text.replace(/^Shelly /, "")).sort(), [
    "one",
    "three",
    "two",
  ]);

  await f.space.pull();
  assert.equal(ears.size, 0);

  f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: "shelly@webex.bot",
    text: "four",
  });
  f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: "shelly@webex.bot",
    text: "five",
  });
  await f.space.postMessage(f.roomId, "the bot's own words");
  await f.space.pull();
  assert.deepEqual(await takeAll(ears), ["four", "five"]);
});

Deno.test("polling many rooms over many pulls misses nothing and doubles nothing", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  const rooms = [f.roomId];
  for (let index = 0; index < 7; index++) {
    rooms.push(
      String(
        f.webex.addRoom({ title: `Room ${index}`, members: [f.alice] }).id,
      ),
    );
  }
  await f.space.pull();
  const expected: string[] = [];
  let counter = 0;
  for (let round = 0; round < 6; round++) {
    for (let index = 0; index < 25; index++) {
      const roomId = rooms[(index * 3 + round) % rooms.length];
      const text = `m${counter++}`;
      expected.push(text);
      f.webex.simulateMessage({
        from: f.alice,
        roomId,
        text,
        mentions: [f.webex.bot],
      });
    }
    await f.space.pull();
  }
  const seen = (await takeAll(ears)).map((text) =>
    text.replace(/^Shelly /, "")
  );
  assert.equal(seen.length, expected.length);
  assert.deepEqual([...seen].sort(), [...expected].sort());
});

Deno.test("run keeps polling through injected 429s", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  f.space.context.set("general.switch", "on");
  await f.space.pull();
  for (let index = 0; index < 10; index++) {
    f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: `t${index}`,
      mentions: [f.webex.bot],
    });
  }
  f.webex.injectFault({ status: 429, retryAfter: 0, rate: 0.3 });
  f.webex.injectFault({
    endpoint: "GET /rooms",
    status: 429,
    retryAfter: 0,
    times: 6,
  });
  const received: string[] = [];
  const controller = new AbortController();
  const interval = WebexSpace.PULL_INTERVAL;
  WebexSpace.PULL_INTERVAL = 0.01;
  const consumer = (async () => {
    for await (const event of ears) {
      received.push((event as Message).text.replace(/^Shelly /, ""));
      if (received.length === 10) controller.abort();
    }
  })();
  try {
    await f.space.run({ signal: controller.signal });
  } finally {
    WebexSpace.PULL_INTERVAL = interval;
  }
  ears.close();
  await consumer;
  assert.deepEqual(
    received.sort(),
    Array.from({ length: 10 }, (_, index) => `t${index}`).sort(),
  );
  assert.ok(f.webex.requests.some((request) => request.status === 429));
});

Deno.test("a message the bot refuses while polling is logged and passed, not retried for ever", async () => {
  const seen: string[] = [];
  const ears = {
    put(event: SpaceEvent) {
      const text = (event as Message).text;
      seen.push(text);
      if (text.includes("boom")) throw new Error("the bot cannot take it");
    },
  };
  await using f = await webexFixture({}, {
    ears: ears as unknown as EventQueue<SpaceEvent>,
  });
  await f.space.pull();
  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "boom",
    mentions: [f.webex.bot],
  });
  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "after",
    mentions: [f.webex.bot],
  });
  await f.space.pull();
  await f.space.pull();
  assert.deepEqual(seen, ["boom", "after"]);
  assert.ok(
    f.logs.some((line) => /skipped/.test(line) && /cannot take it/.test(line)),
  );
});

Deno.test("a message a webhook handled is a duplicate for a pull of another instance: both paths build one dedupe key", async () => {
  // A shared record of handled events that keeps no cursors, so only the
  // dedupe key can stop the second instance's pull.
  const handled = new MemoryDedupeStore();
  const shared: DedupeStore = {
    claim: (key) => handled.claim(key),
    complete: (key) => handled.complete(key),
    release: (key) => handled.release(key),
  };
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears, dedupe: shared });
  const otherEars = new EventQueue<SpaceEvent>();
  const other = new WebexSpace({
    context: new Context({ space: { room: "Ops" } }, { env: () => undefined }),
    token: f.webex.bot.token,
    apiUrl: f.webex.url,
    ears: otherEars,
    dedupe: shared,
  });
  await other.pull();
  const message = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "once",
    mentions: [f.webex.bot],
  });
  // The delivery drops any base64 padding the list keeps: one key still.
  const delivery = messageDelivery(message);
  delivery.data.id = String(message.id).replace(/=+$/, "");
  const response = await f.space.webhook(delivery);
  assert.deepEqual(await response.json(), { status: "queued" });
  assert.equal(ears.size, 1);
  await other.pull();
  assert.equal(otherEars.size, 0);
});

Deno.test("a pull drops the bot's own messages", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: "shelly@webex.bot",
    text: "hello",
  });
  await f.space.pull();
  await f.space.postMessage({ person: "alice@acme.com", text: "my own words" });
  f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: "shelly@webex.bot",
    text: "yours",
  });
  await f.space.pull();
  assert.deepEqual(await takeAll(ears), ["yours"]);
});

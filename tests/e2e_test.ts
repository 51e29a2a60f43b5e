import assert from "node:assert/strict";
import type { BotHandler, SpaceEvent } from "../mod.ts";
import { startServer } from "../server.ts";
import { FakeWebex } from "../testing.ts";
import { frontDoor } from "./_program.ts";

const SECRET = "test-secret-e2e";

/** A bot that answers messages and tells when it has seen `count` events. */
function recordingBot() {
  const events: SpaceEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const bot: BotHandler = async (event, space) => {
    events.push(event);
    if (event.type === "message" && event.channelId) {
      await space.postMessage(event.channelId, `echo: ${event.text}`);
    }
    for (const waiter of waiters) {
      if (events.length >= waiter.count) waiter.resolve();
    }
  };
  const seen = (count: number) => {
    if (events.length >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    waiters.push({ count, resolve });
    return promise;
  };
  return { bot, events, seen };
}

async function setUp() {
  const webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const recorder = recordingBot();
  const door = frontDoor();
  const running = await startServer({
    bot: recorder.bot,
    settings: {
      space: {
        room: "Ops",
        token: webex.bot.token,
        api_url: webex.url,
        webhook_secret: SECRET,
      },
      server: { url: door.url },
    },
    env: () => undefined,
    kv: ":memory:",
    hostname: "127.0.0.1",
    port: 0,
  });
  door.forwardTo(running.address);
  return {
    webex,
    alice,
    roomId: String(room.id),
    running,
    ...recorder,
    async [Symbol.asyncDispose]() {
      await running.stop();
      await door.close();
      await webex.close();
    },
  };
}

Deno.test("a message goes FakeWebex → signed delivery → server → bot → reply in FakeWebex", async () => {
  await using t = await setUp();
  assert.equal(t.running.mode, "webhook");
  t.webex.simulateMessage({
    from: t.alice,
    roomId: t.roomId,
    text: "hello",
    mentions: [t.webex.bot],
  });
  await t.seen(1);
  await t.webex.settled();
  const replies = t.webex.postedByBot();
  assert.deepEqual(replies.map((message) => message.text), [
    "echo: hello",
  ]);
  const delivered = t.webex.deliveries.filter((delivery) =>
    delivery.webhookName === "shellbot-messages"
  );
  assert.equal(
    delivered.length,
    2,
    "the user's message and the bot's reply are both delivered",
  );
  assert.ok(delivered.every((delivery) => delivery.ok && delivery.signature));
  assert.equal(t.events.length, 1, "the bot's own reply never reaches it");
});

Deno.test("an event delivered twice reaches the bot once", async () => {
  await using t = await setUp();
  t.webex.deliverTwice(true);
  for (let index = 0; index < 5; index++) {
    t.webex.simulateMessage({
      from: t.alice,
      roomId: t.roomId,
      text: `twice ${index}`,
      mentions: [t.webex.bot],
    });
  }
  await t.seen(5);
  await t.webex.settled();
  await t.running.stop();
  assert.equal(t.events.length, 5);
  assert.equal(t.webex.postedByBot().length, 5);
  assert.ok(t.webex.deliveryCount("shellbot-messages") >= 20);
});

Deno.test("joins and leaves reach the bot", async () => {
  await using t = await setUp();
  const bob = t.webex.addUser({ email: "bob@acme.com", displayName: "Bob" });
  t.webex.simulateJoin({ person: bob, roomId: t.roomId });
  t.webex.simulateLeave({ person: bob, roomId: t.roomId });
  await t.seen(2);
  await t.webex.settled();
  await t.running.stop();
  assert.deepEqual(t.events.map((event) => event.type), ["join", "leave"]);
  const join = t.events[0];
  assert.ok(join.type === "join");
  assert.equal(join.actorAddress, "bob@acme.com");
  assert.equal(join.hook, "shellbot-memberships");
});

Deno.test("a forged or unsigned delivery is refused and never reaches the bot", async () => {
  await using t = await setUp();
  const hook = t.webex.webhooks().find((item) =>
    item.name === "shellbot-messages"
  )!;
  const sent = t.webex.simulateMessage({
    from: t.alice,
    roomId: t.roomId,
    text: "real",
    mentions: [t.webex.bot],
  });
  await t.seen(1);
  await t.webex.settled();
  const body = JSON.stringify({
    ...hook,
    resource: "messages",
    event: "created",
    data: { id: sent.id, roomId: t.roomId },
  });
  for (const signature of [undefined, "0".repeat(40)]) {
    const headers: Record<string, string> = {
      "content-type": "application/json",
    };
    if (signature) headers["x-spark-signature"] = signature;
    const response = await fetch(String(hook.targetUrl), {
      method: "POST",
      headers,
      body,
    });
    assert.equal(response.status, 401);
    await response.body?.cancel();
  }
  await t.running.stop();
  assert.equal(t.events.length, 1);
});

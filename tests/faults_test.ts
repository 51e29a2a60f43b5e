import assert from "node:assert/strict";
import {
  type BotHandler,
  Context,
  EventQueue,
  runBot,
  type SpaceEvent,
  WebexSpace,
} from "../mod.ts";
import { createHookHandler } from "../server.ts";
import { FakeWebex } from "../testing.ts";

const SECRET = "test-secret-faults";

class QuickPollingSpace extends WebexSpace {
  static override PULL_INTERVAL = 0.005;
}

/** A bot that answers each message and counts what it saw, by message id. */
function countingBot(expected: number) {
  const seen = new Map<string, number>();
  const done = Promise.withResolvers<void>();
  const bot: BotHandler = async (event, space) => {
    if (event.type !== "message" || !event.id || !event.channelId) return;
    await space.postMessage(event.channelId, `echo: ${event.text}`);
    seen.set(event.id, (seen.get(event.id) ?? 0) + 1);
    if (seen.size >= expected) done.resolve();
  };
  return { bot, seen, done: done.promise };
}

async function world(
  options: { polling?: boolean; redeliveryRate?: number } = {},
) {
  const webex = await FakeWebex.start({
    seed: 20261127,
    redeliveryRate: options.redeliveryRate ?? 0,
  });
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const roomId = String(webex.addRoom({ title: "Ops", members: [alice] }).id);
  const ears = new EventQueue<SpaceEvent>();
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const spaceClass = options.polling ? QuickPollingSpace : WebexSpace;
  const space = new spaceClass({
    context: new Context(
      { space: { room: "Ops", webhook_secret: SECRET } },
      { env: () => undefined },
    ),
    token: webex.bot.token,
    apiUrl: webex.url,
    ears,
    logger: { debug: log, info: log, warn: log, error: log },
    clientOptions: { maxAttempts: 12, backoff: { base: 1, max: 4 } },
  });
  await space.connect();
  return { webex, alice, roomId, ears, space, logs };
}

/** Waits for a promise, failing the test instead of hanging. */
async function within<T>(
  promise: Promise<T>,
  seconds: number,
  what: string,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`Timed out after ${seconds} s waiting for ${what}`)),
      seconds * 1000,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function injectFaults(webex: FakeWebex) {
  webex.injectFault({ status: 429, retryAfter: 0, rate: 0.2 });
  webex.injectFault({ status: 503, rate: 0.1 });
  webex.setLatency(1);
}

function assertEachOnce(
  seen: Map<string, number>,
  webex: FakeWebex,
  count: number,
) {
  assert.equal(seen.size, count);
  assert.ok(
    [...seen.values()].every((times) => times === 1),
    "each message reached the bot once",
  );
  const replies = new Map<string, number>();
  for (const message of webex.postedByBot()) {
    replies.set(
      String(message.text),
      (replies.get(String(message.text)) ?? 0) + 1,
    );
  }
  assert.equal(replies.size, count, "one reply per message");
  assert.ok(
    [...replies.values()].every((times) => times === 1),
    "each reply posted once",
  );
}

Deno.test("with 20% 429, 10% 503 and 30% repeated deliveries, 500 webhook messages reach the bot once and are answered once", async () => {
  // Webex repeats deliveries: only the dedupe record keeps them from the bot.
  const w = await world({ redeliveryRate: 0.3 });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHookHandler(w.space),
  );
  const counter = countingBot(500);
  const consumer = runBot(counter.bot, w.space, w.ears, {
    retries: 8,
    backoff: 1,
  });
  try {
    await w.space.register(`http://127.0.0.1:${server.addr.port}/hook`);
    injectFaults(w.webex);
    for (let index = 0; index < 500; index++) {
      w.webex.simulateMessage({
        from: w.alice,
        roomId: w.roomId,
        text: `m${index}`,
        mentions: [w.webex.bot],
      });
    }
    await within(counter.done, 60, "500 messages at the bot");
    await within(w.webex.settled(), 30, "the deliveries");
    assert.ok(w.webex.requests.some((request) => request.status === 503));
    assert.ok(w.webex.requests.some((request) => request.status === 429));
    const messageDeliveries = w.webex.deliveries.filter((delivery) =>
      delivery.resource === "messages"
    );
    assert.ok(
      messageDeliveries.length > 550,
      `some deliveries repeated (${messageDeliveries.length} for 500 messages)`,
    );
  } finally {
    w.webex.clearFaults();
    await w.space.deregister();
    await server.shutdown();
    w.ears.close();
    await consumer;
    await w.webex.close();
  }
  assertEachOnce(counter.seen, w.webex, 500);
});

Deno.test("with the same faults, polling loses nothing and doubles nothing", async () => {
  const w = await world({ polling: true });
  const counter = countingBot(500);
  const consumer = runBot(counter.bot, w.space, w.ears, {
    retries: 8,
    backoff: 1,
  });
  const controller = new AbortController();
  await w.space.pull();
  const polling = w.space.run({ signal: controller.signal });
  try {
    injectFaults(w.webex);
    for (let index = 0; index < 500; index++) {
      w.webex.simulateMessage({
        from: w.alice,
        roomId: w.roomId,
        text: `p${index}`,
        mentions: [w.webex.bot],
      });
      if (index % 50 === 49) {
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
    await within(counter.done, 60, "500 polled messages at the bot");
  } finally {
    controller.abort();
    await polling;
    w.webex.clearFaults();
    w.ears.close();
    await consumer;
    await w.webex.close();
  }
  assertEachOnce(counter.seen, w.webex, 500);
});

Deno.test("a bot whose webhooks went inactive catches up on register, each message once", async () => {
  const w = await world();
  const counter = countingBot(15);
  const consumer = runBot(counter.bot, w.space, w.ears);
  let server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHookHandler(w.space),
  );
  const port = server.addr.port;
  const hookUrl = `http://127.0.0.1:${port}/hook`;
  try {
    await w.space.register(hookUrl);
    for (let index = 0; index < 3; index++) {
      w.webex.simulateMessage({
        from: w.alice,
        roomId: w.roomId,
        text: `before ${index}`,
        mentions: [w.webex.bot],
      });
    }
    await w.webex.settled();

    await server.shutdown();
    for (let index = 0; index < 10; index++) {
      w.webex.simulateMessage({
        from: w.alice,
        roomId: w.roomId,
        text: `while down ${index}`,
        mentions: [w.webex.bot],
      });
    }
    await w.webex.settled();
    const messagesHook = w.webex.webhooks().find((hook) =>
      hook.name === "shellbot-messages"
    )!;
    assert.equal(messagesHook.status, "inactive");

    server = Deno.serve(
      { hostname: "127.0.0.1", port, onListen() {} },
      createHookHandler(w.space),
    );
    await w.space.register(hookUrl);
    assert.equal(
      w.webex.webhooks().find((hook) => hook.name === "shellbot-messages")!
        .status,
      "active",
    );
    for (let index = 0; index < 2; index++) {
      w.webex.simulateMessage({
        from: w.alice,
        roomId: w.roomId,
        text: `after ${index}`,
        mentions: [w.webex.bot],
      });
    }
    await w.webex.settled();
    await within(counter.done, 30, "15 messages at the bot");
  } finally {
    await w.space.deregister();
    await server.shutdown();
    w.ears.close();
    await consumer;
    await w.webex.close();
  }
  assertEachOnce(counter.seen, w.webex, 15);
  const texts = w.webex.postedByBot().map((message) => String(message.text));
  assert.ok(texts.some((text) => text.includes("while down 9")));
});

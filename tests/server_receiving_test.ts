import assert from "node:assert/strict";
import { startServer } from "../server.ts";
import { withDeadline } from "../spaces/_sleep.ts";
import { quietLogger } from "../spaces/log.ts";
import { FakeWebex } from "../testing.ts";
import { openFrontDoor } from "./_ports.ts";

// After a downtime the server catches up on the messages it missed, which
// runs the bot on each: that must not hold the start (and "Listening on")
// until the bot has seen them all.
Deno.test("startServer returns while the catch-up is still running the bot on what was missed; the catch-up then delivers all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_catch_up_" });
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  await using front = openFrontDoor();
  const settings = {
    space: {
      room: "Ops",
      token: webex.bot.token,
      api_url: webex.url,
      webhook_secret: "catch-up-secret",
    },
    server: { url: front.url },
  };
  const start = (
    bot: (event: { type: string; text?: string }) => void | Promise<void>,
  ) =>
    startServer({
      bot,
      settings,
      env: () => undefined,
      kv: `${dir}/kv.sqlite3`,
      logger: quietLogger,
      hostname: "127.0.0.1",
      port: 0,
    });
  try {
    const first = await start(() => {});
    front.route(first.address);
    await first.stop();
    // Down: Webex's deliveries fail.
    front.route(() => Promise.resolve(new Response(null, { status: 503 })));
    // Posted while down: their deliveries fail, the catch-up finds them.
    for (const text of ["one", "two", "three"]) {
      webex.simulateMessage({
        from: alice,
        roomId: String(room.id),
        text,
        mentions: [webex.bot],
      });
    }
    await webex.settled();
    // A bot that holds the first message until released.
    const release = Promise.withResolvers<void>();
    const seen: string[] = [];
    const all = Promise.withResolvers<void>();
    const second = await withDeadline(
      start(async (event) => {
        if (event.type !== "message") return;
        seen.push(String(event.text));
        if (seen.length === 3) all.resolve();
        await release.promise;
      }),
      30_000,
      "the start waited for the catch-up to run the bot on every message",
    );
    try {
      assert.ok(
        seen.length <= 1,
        `the bot saw ${seen.length} before the start returned`,
      );
      release.resolve();
      await withDeadline(all.promise, 30_000, () => new Error(`saw ${seen}`));
      assert.deepEqual(seen.toSorted(), ["one", "three", "two"]);
    } finally {
      release.resolve();
      await second.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

// The queue begins fetching a delivery's message while it writes the claim;
// the handling takes that answer: one GET per message, not two.
Deno.test("the server fetches each queued message once: the fetch begun with the claim is the one the handling uses", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_prefetch_" });
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  await using front = openFrontDoor();
  const seen: string[] = [];
  const all = Promise.withResolvers<void>();
  const running = await startServer({
    bot: (event) => {
      if (event.type !== "message") return;
      seen.push(String(event.text));
      if (seen.length === 5) all.resolve();
    },
    settings: {
      space: {
        room: "Ops",
        token: webex.bot.token,
        api_url: webex.url,
        webhook_secret: "prefetch-secret",
      },
      server: { url: front.url },
    },
    env: () => undefined,
    kv: `${dir}/kv.sqlite3`,
    logger: quietLogger,
    hostname: "127.0.0.1",
    port: 0,
  });
  front.route(running.address);
  try {
    const before = webex.requestCount("GET /messages/{id}");
    for (let index = 0; index < 5; index++) {
      webex.simulateMessage({
        from: alice,
        roomId: String(room.id),
        text: `m${index}`,
        mentions: [webex.bot],
      });
    }
    await withDeadline(all.promise, 30_000, () => new Error(`saw ${seen}`));
    assert.deepEqual(seen.toSorted(), ["m0", "m1", "m2", "m3", "m4"]);
    assert.equal(webex.requestCount("GET /messages/{id}") - before, 5);
  } finally {
    await running.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

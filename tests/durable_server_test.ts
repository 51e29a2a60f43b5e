import assert from "node:assert/strict";
import type { BotHandler, SpaceEvent } from "../mod.ts";
import { type RunningServer, startServer } from "../server.ts";
import { ConfigurationError } from "../spaces/errors.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";
import { openFrontDoor } from "./_ports.ts";

/** A temp dir with a KV file path in it, removed on dispose. */
async function tempKv() {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_durable_" });
  return {
    dir,
    path: `${dir}/kv.sqlite3`,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Events the bot saw, and a wait for the next one that matches. */
function watchingBot(hold?: Promise<void>) {
  const events: SpaceEvent[] = [];
  let changed = Promise.withResolvers<void>();
  const bot: BotHandler = async (event) => {
    events.push(event);
    changed.resolve();
    changed = Promise.withResolvers<void>();
    await hold;
  };
  const until = async (test: (events: SpaceEvent[]) => boolean) => {
    const limit = AbortSignal.timeout(20_000);
    while (!test(events)) {
      if (limit.aborted) throw new Error("The bot did not see it in 20 s");
      await Promise.race([
        changed.promise,
        new Promise((resolve) =>
          limit.addEventListener("abort", resolve, { once: true })
        ),
      ]);
    }
  };
  return { events, bot, until };
}

/** A server on a KV file in webhook mode behind a front door; its log lines. */
async function serve(
  webex: FakeWebex,
  kv: string,
  options: {
    bot?: BotHandler;
    secret?: string;
    server?: Record<string, unknown>;
  } = {},
) {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  const front = openFrontDoor();
  let running: RunningServer;
  try {
    running = await startServer({
      bot: options.bot ?? (() => {}),
      settings: {
        space: {
          room: "Ops",
          token: webex.bot.token,
          api_url: webex.url,
          ...(options.secret ? { webhook_secret: options.secret } : {}),
        },
        server: { url: front.url, ...options.server },
      },
      env: () => undefined,
      kv,
      logger: { debug: log, info: log, warn: log, error: log },
      hostname: "127.0.0.1",
      port: 0,
    });
  } catch (error) {
    await front[Symbol.asyncDispose]();
    throw error;
  }
  front.route(running.address);
  return {
    running,
    lines,
    url: `${running.address}/hook`,
    async [Symbol.asyncDispose]() {
      await running.stop();
      await front[Symbol.asyncDispose]();
    },
  };
}

async function post(url: string, body: string, secret?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (secret) headers["x-spark-signature"] = await signBody(body, secret);
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.json() };
}

function membership(
  roomId: string,
  personId: string,
  extra: Record<string, unknown> = {},
  created = new Date().toISOString(),
) {
  return JSON.stringify({
    name: "shellbot-memberships",
    resource: "memberships",
    event: "created",
    data: {
      id: crypto.randomUUID(),
      roomId,
      personId,
      personEmail: "ceo@victim.example",
      created,
      ...extra,
    },
  });
}

Deno.test("without a secret, the server makes one, signs its webhooks with it, shares it in the KV, and refuses unsigned deliveries", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const room = webex.addRoom({ title: "Ops" });
  const watch = watchingBot();
  let secret: string;
  {
    await using first = await serve(webex, file.path, { bot: watch.bot });
    secret = String(first.running.space.context.get("space.webhook_secret"));
    assert.match(secret, /^[0-9a-f]{64}$/);
    assert.ok(
      first.lines.some((line) => /generated one and kept it/.test(line)),
    );
    assert.equal(first.lines.some((line) => line.includes(secret)), false);
    const forged = await post(
      first.url,
      membership(String(room.id), webex.bot.id),
    );
    assert.equal(forged.status, 401);
    const alice = webex.addUser({ email: "alice@acme.com" });
    webex.simulateJoin({ roomId: String(room.id), person: alice });
    await watch.until((events) => events.some((e) => e.type === "join"));
    assert.ok(webex.deliveries.every((item) => item.signature));
  }
  // A second start (or another instance) on the same KV: the same secret.
  await using second = await serve(webex, file.path);
  assert.equal(
    second.running.space.context.get("space.webhook_secret"),
    secret,
  );
  assert.ok(second.lines.some((line) => /using the one kept/.test(line)));
  assert.equal(
    watch.events.filter((event) => event.type === "join").length,
    1,
    "the forged membership never reached the bot",
  );
});

Deno.test("a space that must verify signatures but has no secret answers 503, never takes the delivery", async () => {
  const { Context, WebexSpace } = await import("../mod.ts");
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  const space = new WebexSpace({
    context: new Context({ space: { room: "Ops", token: "t" } }, {
      env: () => undefined,
    }),
    logger: { debug: log, info: log, warn: log, error: log },
    requireSignature: true,
  });
  space.context.set("bot.id", "B");
  const request = new Request("http://h/hook", {
    method: "POST",
    body: membership("R1", "P1"),
  });
  assert.equal((await space.webhook(request)).status, 503);
  assert.equal(
    (await space.webhook(JSON.parse(membership("R", "P")))).status,
    503,
  );
  assert.equal(
    lines.filter((line) => /no webhook secret/.test(line)).length,
    1,
  );
});

Deno.test("signed deliveries of 80 KiB and 900 KiB, and deep nesting, never get a 5xx: queued small", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const room = webex.addRoom({ title: "Ops" });
  const watch = watchingBot();
  await using server = await serve(webex, file.path, {
    bot: watch.bot,
    secret: "s3cret",
  });
  const space = server.running.space;
  const alice = webex.addUser({ email: "alice@acme.com" });
  for (const size of [80 * 1024, 900 * 1024]) {
    const body = membership(String(room.id), String(alice.id), {
      junk: "x".repeat(size),
      personDisplayName: "A".repeat(size),
    });
    // Straight to the space: the body limit of the route is not the point.
    const answer = await space.webhook(
      new Request("http://h/hook", {
        method: "POST",
        headers: { "x-spark-signature": await signBody(body, "s3cret") },
        body,
      }),
    );
    assert.equal(answer.status, 200, `${size} bytes`);
    assert.deepEqual(await answer.json(), { status: "accepted" });
  }
  await watch.until((events) =>
    events.filter((event) => event.type === "join").length === 2
  );
  const nested = "[".repeat(100_000) + "]".repeat(100_000);
  const deep = membership(String(room.id), String(alice.id)).replace(
    '"personEmail"',
    `"deep":${nested},"personEmail"`,
  );
  // Valid, and signed: accepted, and only flat fields reach the queue.
  const accepted = await space.webhook(
    new Request("http://h/hook", {
      method: "POST",
      headers: { "x-spark-signature": await signBody(deep, "s3cret") },
      body: deep,
    }),
  );
  assert.equal(accepted.status, 200);
  await accepted.body?.cancel();
  await watch.until((events) =>
    events.filter((event) => event.type === "join").length === 3
  );
  const fair = membership(String(room.id), String(alice.id), {
    nested: JSON.parse("[".repeat(20) + "1" + "]".repeat(20)),
  });
  assert.equal((await post(server.url, fair, "s3cret")).status, 200);
  await watch.until((events) =>
    events.filter((event) => event.type === "join").length === 4
  );
});

Deno.test("replays: a signed delivery older than the record's window, or far behind its room's cursor, is dropped", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const watch = watchingBot();
  await using server = await serve(webex, file.path, {
    bot: watch.bot,
    secret: "s3cret",
  });
  const old = new Date(Date.now() - 610_000).toISOString();
  const stale = await post(
    server.url,
    membership(String(room.id), String(alice.id), {}, old),
    "s3cret",
  );
  assert.deepEqual(stale.body, { status: "ignored", reason: "replay" });
  // A message handled now moves the room's cursor; one 5 minutes older,
  // inside the window but long behind the cursor, is a replay.
  const sent = webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "now",
    mentions: [webex.bot],
  });
  await watch.until((events) => events.some((e) => e.type === "message"));
  await webex.settled();
  const earlier = webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "captured",
    mentions: [webex.bot],
  });
  await webex.settled();
  await watch.until((events) => events.length === 2);
  const replay = JSON.stringify({
    name: "shellbot-messages",
    resource: "messages",
    event: "created",
    data: {
      id: earlier.id,
      roomId: room.id,
      personId: alice.id,
      created: new Date(Date.parse(String(sent.created)) - 300_000)
        .toISOString(),
    },
  });
  const answer = await post(server.url, replay, "s3cret");
  assert.deepEqual(answer.body, { status: "ignored", reason: "replay" });
  assert.equal(watch.events.length, 2);
});

Deno.test("the queue is bounded: past it the hook answers 503 with Retry-After, and the events come later", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const held = Promise.withResolvers<void>();
  const watch = watchingBot(held.promise);
  await using server = await serve(webex, file.path, {
    bot: watch.bot,
    secret: "s3cret",
    server: { queue_bound: 2 },
  });
  const answers = [];
  for (let index = 0; index < 4; index++) {
    const body = membership(String(room.id), String(alice.id));
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "x-spark-signature": await signBody(body, "s3cret") },
      body,
    });
    answers.push([response.status, response.headers.get("retry-after")]);
    await response.body?.cancel();
  }
  assert.deepEqual(answers.slice(0, 2).map(([status]) => status), [200, 200]);
  assert.deepEqual(answers.slice(2), [[503, "10"], [503, "10"]]);
  held.resolve();
  await watch.until((events) => events.length === 2);
  assert.ok(server.lines.some((line) => /bound/.test(line)));
});

Deno.test("a webhook that Webex turned inactive is noticed, revived, and what was missed is caught up", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const watch = watchingBot();
  await using server = await serve(webex, file.path, {
    bot: watch.bot,
    secret: "s3cret",
    server: { webhook_check: 0.2 },
  });
  const hook = webex.webhooks().find((h) => h.name === "shellbot-messages")!;
  const turnedOff = await fetch(`${webex.url}/webhooks/${hook.id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name: hook.name,
      targetUrl: hook.targetUrl,
      status: "inactive",
    }),
  });
  assert.equal(turnedOff.status, 200);
  await turnedOff.body?.cancel();
  webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "while inactive",
    mentions: [webex.bot],
  });
  await watch.until((events) =>
    events.some((e) => e.type === "message" && /while inactive/.test(e.text))
  );
  assert.ok(server.lines.some((line) => /was inactive/.test(line)));
  assert.equal(
    webex.webhooks().find((h) => h.id === hook.id)?.status,
    "active",
  );
});

Deno.test("a corrupt KV file is named at start, with what to do", async () => {
  await using file = await tempKv();
  await Deno.writeTextFile(file.path, "not a database ".repeat(1000));
  await using webex = await FakeWebex.start();
  webex.addRoom({ title: "Ops" });
  await assert.rejects(
    () => serve(webex, file.path, { secret: "s" }),
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.ok(error.message.includes(file.path), error.message);
      assert.match(error.message, /not a Deno KV database.*move it away/);
      return true;
    },
  );
});

const hasSqlite = await new Deno.Command("sqlite3", { args: ["-version"] })
  .output().then((out) => out.success, () => false);

Deno.test({
  name:
    "a KV file locked by another process: a bounded wait, a log line naming the file, and 503",
  ignore: !hasSqlite,
  async fn() {
    await using file = await tempKv();
    await using webex = await FakeWebex.start();
    const alice = webex.addUser({ email: "alice@acme.com" });
    const room = webex.addRoom({ title: "Ops", members: [alice] });
    await using server = await serve(webex, file.path, { secret: "s3cret" });
    const locker = new Deno.Command("sqlite3", {
      args: [file.path],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = locker.stdin.getWriter();
    await writer.write(
      new TextEncoder().encode("BEGIN EXCLUSIVE;\nSELECT 'locked';\n"),
    );
    // Wait for the lock to be held: sqlite3 prints once it ran BEGIN.
    const reader = locker.stdout.getReader();
    await reader.read();
    try {
      const answer = await post(
        server.url,
        membership(String(room.id), String(alice.id)),
        "s3cret",
      );
      assert.equal(answer.status, 503);
      assert.ok(
        server.lines.some((line) =>
          line.includes(file.path) && /locked/.test(line)
        ),
        server.lines.join("\n"),
      );
    } finally {
      await writer.write(new TextEncoder().encode("ROLLBACK;\n"));
      await writer.close();
      reader.releaseLock();
      await locker.stdout.cancel();
      await locker.status;
    }
  },
});

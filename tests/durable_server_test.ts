import assert from "node:assert/strict";
import { signBody } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";

/** A temp dir with a KV file path in it, removed on dispose. */
import { membership, post, serve, tempKv, watchingBot } from "./_durable.ts";

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

// FakeWebex as Webex throttles and repeats: per-room read limit, Retry-After dates, redeliveries.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { assertErrorBody, call } from "./_fake_webex_calls.ts";
import { hook, Receiver } from "./_fake_webex_receiver.ts";

async function world(options: Parameters<typeof FakeWebex.start>[0] = {}) {
  const webex = await FakeWebex.start(options);
  const alice = webex.addUser({ email: "alice@example.com" });
  const ops = webex.addRoom({ title: "Ops", members: [alice] });
  const dev = webex.addRoom({ title: "Dev", members: [alice] });
  const inOps = webex.simulateMessage({
    from: alice,
    roomId: ops.id,
    text: "a",
  });
  const inDev = webex.simulateMessage({
    from: alice,
    roomId: dev.id,
    text: "b",
  });
  return { webex, alice, ops, dev, inOps, inDev };
}

Deno.test("FakeWebex answers 429 to a fourth concurrent read of one room, without injection", async () => {
  const { webex, alice, ops, inOps, inDev } = await world();
  await using _ = webex;
  // Latency keeps the reads in flight together; the limit counts them from
  // arrival to answer, so the outcome does not depend on the machine's speed.
  webex.setLatency(1000);
  const answers = await Promise.all([
    call(webex, "GET", `/messages/${inOps.id}`),
    call(webex, "GET", `/messages?roomId=${ops.id}`, { token: alice.token }),
    call(webex, "GET", `/rooms/${ops.id}`),
    call(webex, "GET", `/memberships?roomId=${ops.id}`),
    call(webex, "GET", `/messages/${inOps.id}`),
    // Another room, and a call that reads no room, are not held back.
    call(webex, "GET", `/messages/${inDev.id}`),
    call(webex, "GET", "/people/me"),
  ]);
  const statuses = answers.map((answer) => answer.status);
  assert.equal(statuses.filter((status) => status === 429).length, 2);
  assert.deepEqual(statuses.slice(5), [200, 200]);
  for (const answer of answers.filter((answer) => answer.status === 429)) {
    assertErrorBody(answer, 429);
    assert.equal(answer.headers.get("retry-after"), "1");
  }
  // Once answered, the reads no longer count.
  webex.setLatency(0);
  assert.equal((await call(webex, "GET", `/messages/${inOps.id}`)).status, 200);
  assert.equal(
    webex.requests.filter((request) => request.status === 429).length,
    2,
  );
});

Deno.test("FakeWebex takes a read limit per room, or none", async () => {
  for (const [limit, throttled] of [[false, 0], [1, 3]] as const) {
    const { webex, inOps } = await world({ roomReadConcurrency: limit });
    await using _ = webex;
    webex.setLatency(1000);
    const answers = await Promise.all(
      Array.from(
        { length: 4 },
        () => call(webex, "GET", `/messages/${inOps.id}`),
      ),
    );
    assert.equal(
      answers.filter((answer) => answer.status === 429).length,
      throttled,
      `limit ${limit}`,
    );
  }
  for (const bad of [0, 1.5, -1, true as unknown as number]) {
    await assert.rejects(
      () => FakeWebex.start({ roomReadConcurrency: bad }),
      RangeError,
    );
  }
});

Deno.test("FakeWebex writes Retry-After as seconds or as an HTTP date", async () => {
  await using webex = await FakeWebex.start();
  webex.injectFault({
    endpoint: "GET /people/me",
    status: 429,
    retryAfter: 30,
    retryAfterFormat: "date",
    times: 1,
  });
  webex.injectFault({
    endpoint: "GET /people/me",
    status: 503,
    retryAfter: 4,
    retryAfterFormat: "seconds",
    times: 1,
  });
  const before = Date.now();
  const dated = await call(webex, "GET", "/people/me");
  assertErrorBody(dated, 429);
  const header = dated.headers.get("retry-after")!;
  assert.match(
    header,
    /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/,
  );
  // Whole seconds, rounded up: never sooner than asked.
  assert.ok(Date.parse(header) >= before + 30_000 - 1000);
  assert.ok(Date.parse(header) <= Date.now() + 31_000);
  const seconds = await call(webex, "GET", "/people/me");
  assertErrorBody(seconds, 503);
  assert.equal(seconds.headers.get("retry-after"), "4");
  assert.throws(
    () =>
      webex.injectFault({
        status: 429,
        retryAfter: 1,
        retryAfterFormat: "minutes" as "date",
      }),
    RangeError,
  );
});

async function repeats(seed: number, redeliveryRate: number) {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start({ seed, redeliveryRate });
  const alice = webex.addUser({ email: "alice@example.com" });
  await hook(webex, webex.bot, {
    name: "bot",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
    secret: "k",
  });
  const ids = [];
  for (let i = 0; i < 20; i++) {
    ids.push(
      webex.simulateMessage({
        from: alice,
        toPersonEmail: webex.bot.emails[0],
        text: `m${i}`,
      }).id,
    );
  }
  await webex.settled();
  const seen = receiver.received.map((item) => item.json.data.id);
  // Every event comes, in order; a repeat comes right after its first copy,
  // with the same signature.
  assert.deepEqual([...new Set(seen)], ids);
  for (let i = 1; i < seen.length; i++) {
    if (seen[i] === seen[i - 1]) {
      assert.equal(
        receiver.received[i].headers.get("x-spark-signature"),
        receiver.received[i - 1].headers.get("x-spark-signature"),
      );
    }
  }
  assert.equal(webex.deliveryCount(), seen.length);
  return ids.map((id) => seen.filter((item) => item === id).length);
}

Deno.test("FakeWebex repeats deliveries at redeliveryRate, the same way for the same seed", async () => {
  assert.deepEqual(await repeats(1, 0), Array(20).fill(1));
  assert.deepEqual(await repeats(1, 1), Array(20).fill(2));
  const half = await repeats(7, 0.5);
  assert.ok(half.includes(1) && half.includes(2), String(half));
  assert.deepEqual(await repeats(7, 0.5), half);
  for (const bad of [-0.1, 1.5, Number.NaN]) {
    await assert.rejects(
      () => FakeWebex.start({ redeliveryRate: bad }),
      RangeError,
    );
  }
});

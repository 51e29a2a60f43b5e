// FakeWebex controls: fault rules, seeds, request counts, latency, helpers, stop.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";

Deno.test("FakeWebex fails requests by rule before processing them, then recovers", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  webex.injectFault({
    endpoint: "POST /messages",
    status: 429,
    retryAfter: 2,
    times: 2,
  });
  for (let i = 0; i < 2; i++) {
    const refused = await call(webex, "POST", "/messages", {
      json: { roomId, text: "hi" },
    });
    assertErrorBody(refused, 429);
    assert.equal(refused.headers.get("retry-after"), "2");
  }
  assert.equal(
    webex.postedByBot().length,
    0,
    "a faulted POST is never processed",
  );
  assert.equal(
    (await call(webex, "GET", "/rooms")).status,
    200,
    "other endpoints are not affected",
  );
  assert.equal(
    (await call(webex, "POST", "/messages", { json: { roomId, text: "hi" } }))
      .status,
    200,
  );
  assert.equal(webex.postedByBot().length, 1);
  webex.injectFault({ status: 503 });
  assertErrorBody(await call(webex, "GET", "/people/me", { token: null }), 503);
  webex.clearFaults();
  assert.equal((await call(webex, "GET", "/people/me")).status, 200);
  webex.injectFault({ endpoint: "GET /contents/{id}", status: 502, times: 1 });
  const url = webex.addContent(roomId, {
    name: "a.txt",
    bytes: new Uint8Array(1),
  });
  assertErrorBody(await call(webex, "GET", url), 502);
  const ok = await fetch(url, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal((await ok.arrayBuffer()).byteLength, 1);
  assert.throws(() => webex.injectFault({ status: 500 as 502 }), RangeError);
  assert.throws(() => webex.injectFault({ status: 503, rate: 2 }), RangeError);
});

Deno.test("FakeWebex draws fault rates from its seed, so runs replay", async () => {
  const statuses = async (seed: number) => {
    await using webex = await FakeWebex.start({ seed });
    webex.injectFault({ endpoint: "GET /people/me", status: 503, rate: 0.5 });
    const seen = [];
    for (let i = 0; i < 24; i++) {
      seen.push((await call(webex, "GET", "/people/me")).status);
    }
    return seen;
  };
  const first = await statuses(42);
  assert.deepEqual(await statuses(42), first);
  assert.ok(
    first.includes(200) && first.includes(503),
    `both outcomes occur: ${first}`,
  );
  assert.notDeepEqual(await statuses(43), first);
});

Deno.test("FakeWebex counts and records requests per endpoint, with latency switched on", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  webex.setLatency(5);
  await call(webex, "GET", "/rooms");
  await call(webex, "GET", `/rooms/${roomId}`);
  await call(webex, "GET", `/rooms/${roomId}`);
  await call(webex, "POST", "/messages", { json: { roomId, text: "x" } });
  const message = webex.postedByBot()[0];
  await call(webex, "GET", `/messages/${message.id}`);
  webex.setLatency(0);
  assert.equal(webex.requestCount(), 5);
  assert.equal(webex.requestCount("GET /rooms"), 1);
  assert.equal(webex.requestCount("GET /rooms/{id}"), 2);
  assert.equal(webex.requestCount("POST /messages"), 1);
  assert.equal(webex.requestCount("GET /messages/{id}"), 1);
  assert.equal(webex.requestCount("DELETE /rooms/{id}"), 0);
  assert.deepEqual(webex.requests[1], {
    method: "GET",
    path: `/rooms/${roomId}`,
    endpoint: "GET /rooms/{id}",
    status: 200,
  });
  webex.clearRequests();
  assert.equal(webex.requestCount(), 0);
  assert.throws(() => webex.setLatency(-1), RangeError);
});

Deno.test("FakeWebex test helpers refuse unknown people and rooms with a TypeError", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  assert.throws(() => webex.addUser({ email: "alice@example.com" }), TypeError);
  assert.throws(
    () =>
      webex.simulateMessage({
        from: "ghost@example.com",
        toPersonEmail: alice.emails[0],
        text: "x",
      }),
    TypeError,
  );
  assert.throws(
    () => webex.simulateMessage({ from: alice, roomId: "nope", text: "x" }),
    /Cannot simulate a message/,
  );
  assert.throws(
    () => webex.addRoom({ title: "x", botIsMember: false }),
    TypeError,
  );
  const hidden = webex.addRoom({
    title: "Hidden",
    members: [alice],
    botIsMember: false,
  });
  assertErrorBody(await call(webex, "GET", `/rooms/${hidden.id}`), 404);
  assert.equal(webex.memberships(hidden.id as string).length, 1);
});

Deno.test("FakeWebex stops when its start signal aborts, and close() after that is harmless", async () => {
  const controller = new AbortController();
  const webex = await FakeWebex.start({ signal: controller.signal });
  assert.equal((await call(webex, "GET", "/people/me")).status, 200);
  controller.abort();
  await webex.close();
  await assert.rejects(fetch(`${webex.url}/people/me`), TypeError);
});

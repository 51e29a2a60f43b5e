import assert from "node:assert/strict";
import { ApiError, NetworkError } from "../spaces/errors.ts";
import {
  clientFor,
  errorBody,
  recordingLogger,
  startServer,
  TOKEN,
} from "./_scripted_server.ts";

Deno.test("WebexClient retries a POST answered 429 after Retry-After", async () => {
  await using server = startServer([
    errorBody(429, { message: "Too many requests" }, { "retry-after": "0" }),
    Response.json({ id: "m1" }),
  ]);
  const logger = recordingLogger();
  const client = clientFor(server, { logger });
  const message = await client.post("/messages", { text: "once" });
  assert.deepEqual(message, { id: "m1" });
  assert.equal(server.seen.length, 2);
  assert.deepEqual(server.seen.map((seen) => JSON.parse(seen.body)), [
    { text: "once" },
    { text: "once" },
  ]);
  assert.equal(logger.lines.length, 1);
  assert.match(logger.lines[0], /429.*POST \/messages.*0\.0 s/);
  assert.ok(!logger.lines[0].includes(TOKEN));
});

Deno.test("WebexClient never re-sends a POST answered 503", async () => {
  await using server = startServer([
    errorBody(503, { message: "Service unavailable" }),
    Response.json({ id: "m2" }),
  ]);
  const client = clientFor(server);
  await assert.rejects(
    client.post("/messages", { text: "maybe posted" }),
    (error) => error instanceof ApiError && error.status === 503,
  );
  assert.equal(server.seen.length, 1);
});

Deno.test("WebexClient retries a GET answered 502, 503, 504 or 423", async () => {
  await using server = startServer([
    errorBody(503, {}),
    new Response("<html>bad gateway</html>", { status: 502 }),
    errorBody(504, {}),
    errorBody(423, { message: "Still scanning" }, { "retry-after": "0" }),
    Response.json({ id: "r1" }),
  ]);
  const logger = recordingLogger();
  const client = clientFor(server, { logger });
  assert.deepEqual(await client.get("/rooms/r1"), { id: "r1" });
  assert.equal(server.seen.length, 5);
  assert.deepEqual(
    logger.lines.map((line) => line.match(/answered (\d+)/)?.[1]),
    ["503", "502", "504", "423"],
  );
});

Deno.test("WebexClient stops after maxAttempts", async () => {
  await using server = startServer(
    Array.from({ length: 5 }, () => errorBody(503, { message: "Down" })),
  );
  const client = clientFor(server, { maxAttempts: 3 });
  await assert.rejects(
    client.get("/rooms"),
    (error) => error instanceof ApiError && error.status === 503,
  );
  assert.equal(server.seen.length, 3);
});

Deno.test("WebexClient reads Retry-After as an HTTP date", async () => {
  await using server = startServer([
    errorBody(429, {}, {
      "retry-after": new Date(Date.now() - 5_000).toUTCString(),
    }),
    Response.json({ id: "p1" }),
    errorBody(429, {}, {
      "retry-after": new Date(Date.now() + 3_600_000).toUTCString(),
    }),
  ]);
  const client = clientFor(server);
  assert.deepEqual(await client.get("/people/me"), { id: "p1" });
  assert.equal(server.seen.length, 2);
  const error = await client.get("/people/me").then(
    () => assert.fail("expected an ApiError"),
    (error) => error,
  );
  assert.ok(error instanceof ApiError);
  // Milliseconds: an hour, less the time the test took to get here.
  assert.ok(error.retryAfter! > 3_500_000 && error.retryAfter! <= 3_600_000);
  assert.equal(server.seen.length, 3);
});

Deno.test("WebexClient does not wait for a Retry-After above maxRetryAfter", async () => {
  await using server = startServer([
    errorBody(429, { message: "Slow down" }, { "retry-after": "120" }),
  ]);
  const client = clientFor(server, { maxRetryAfter: 60_000 });
  await assert.rejects(
    client.post("/messages", { text: "hi" }),
    (error) =>
      error instanceof ApiError && error.status === 429 &&
      error.retryAfter === 120_000,
  );
  assert.equal(server.seen.length, 1);
});

Deno.test("WebexClient stops a Retry-After wait on abort", async () => {
  await using server = startServer([
    errorBody(429, {}, { "retry-after": "30" }),
  ]);
  const controller = new AbortController();
  const reason = new Error("the bot is stopping");
  const logger = recordingLogger();
  // The retry is logged just before the wait starts: abort once it has.
  logger.warn = (message) => {
    logger.lines.push(message);
    setTimeout(() => controller.abort(reason), 0);
  };
  const client = clientFor(server, { logger });
  await assert.rejects(
    client.get("/rooms", { signal: controller.signal }),
    (error) => error === reason,
  );
  assert.equal(server.seen.length, 1);
  assert.equal(logger.lines.length, 1);

  await assert.rejects(
    client.get("/rooms", { signal: controller.signal }),
    (error) => error === reason,
  );
  assert.equal(server.seen.length, 1, "an aborted signal sends nothing");
});

Deno.test("WebexClient retries a network failure for GET only", async () => {
  const closed = startServer();
  const url = closed.url;
  await closed[Symbol.asyncDispose]();
  let calls = 0;
  const counting: typeof fetch = (input, init) => {
    calls++;
    return fetch(input, init);
  };
  const client = clientFor({ url }, { fetch: counting, maxAttempts: 3 });

  const error = await client.get("/rooms").then(
    () => assert.fail("expected a NetworkError"),
    (error) => error,
  );
  assert.ok(error instanceof NetworkError);
  assert.equal(error.method, "GET");
  assert.equal(error.path, "/rooms");
  assert.ok(error.cause instanceof Error);
  assert.equal(calls, 3);

  calls = 0;
  await assert.rejects(
    client.post("/messages", { text: "hi" }),
    (error) => error instanceof NetworkError && error.method === "POST",
  );
  assert.equal(calls, 1);
});

Deno.test("WebexClient calls a body factory again on each attempt", async () => {
  await using server = startServer([
    errorBody(503, {}),
    Response.json({ uploaded: true }),
  ]);
  const client = clientFor(server);
  let made = 0;
  const response = await client.request("PUT", "/upload", {
    headers: { "content-type": "application/octet-stream" },
    body: () => {
      made++;
      return ReadableStream.from([new TextEncoder().encode("chunk")]);
    },
  });
  assert.deepEqual(await response.json(), { uploaded: true });
  assert.equal(made, 2);
  assert.deepEqual(server.seen.map((seen) => seen.body), ["chunk", "chunk"]);
  assert.equal(
    server.seen[1].headers.get("content-type"),
    "application/octet-stream",
  );
});

Deno.test("WebexClient never retries a plain stream body", async () => {
  await using server = startServer([
    errorBody(429, {}, { "retry-after": "0" }),
    errorBody(503, {}),
  ]);
  const client = clientFor(server);
  const stream = () => ReadableStream.from([new TextEncoder().encode("once")]);
  await assert.rejects(
    client.request("POST", "/messages", { body: stream() }),
    (error) =>
      error instanceof ApiError && error.status === 429 &&
      error.retryAfter === 0,
  );
  await assert.rejects(
    client.request("PUT", "/upload", { body: stream() }),
    (error) => error instanceof ApiError && error.status === 503,
  );
  assert.deepEqual(server.seen.map((seen) => seen.body), ["once", "once"]);
});

import assert from "node:assert/strict";
import { ApiError, NetworkError } from "../spaces/errors.ts";
import type { Logger } from "../spaces/log.ts";
import {
  WebexClient,
  type WebexClientOptions,
} from "../spaces/webex/client.ts";
import { parseNextLink } from "../spaces/webex/_link.ts";
import { backoffDelay, parseRetryAfter } from "../spaces/webex/_retry.ts";

const TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NQ";

/** What a scripted server saw of one request. */
interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

type Reply = Response | ((request: Request) => Response | Promise<Response>);

/** A server on 127.0.0.1 answering each request with the next reply. */
function startServer(replies: Reply[] = []) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: await request.text(),
      });
      const reply = replies.shift();
      if (reply === undefined) {
        return new Response("no reply scripted", { status: 500 });
      }
      return typeof reply === "function" ? await reply(request) : reply;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(message),
    info: (message) => lines.push(message),
    warn: (message) => lines.push(message),
    error: (message) => lines.push(message),
  };
}

function clientFor(
  server: { url: string },
  options: Partial<WebexClientOptions> = {},
): WebexClient {
  return new WebexClient({
    token: TOKEN,
    apiUrl: `${server.url}/v1`,
    backoff: { base: 0.001, max: 0.001 },
    logger: recordingLogger(),
    ...options,
  });
}

function errorBody(status: number, body: unknown, headers?: HeadersInit) {
  return Response.json(body, { status, headers });
}

Deno.test("WebexClient sends the token, Accept, JSON and the query", async () => {
  await using server = startServer([Response.json({ id: "m1" })]);
  const client = clientFor(server);
  const message = await client.post<{ id: string }>(
    "/messages",
    { roomId: "r1", text: "héllo & co" },
    { query: { a: "x y&z", n: 3, b: true, skipped: undefined } },
  );
  assert.deepEqual(message, { id: "m1" });
  const [request] = server.seen;
  assert.equal(request.method, "POST");
  assert.equal(request.path, "/v1/messages?a=x+y%26z&n=3&b=true");
  assert.equal(request.headers.get("authorization"), `Bearer ${TOKEN}`);
  assert.equal(request.headers.get("accept"), "application/json");
  assert.match(request.headers.get("content-type")!, /^application\/json/);
  assert.deepEqual(JSON.parse(request.body), {
    roomId: "r1",
    text: "héllo & co",
  });
});

Deno.test("WebexClient tolerates a trailing slash and a path without one", async () => {
  await using server = startServer([Response.json({ id: "p1" })]);
  const client = clientFor(server, { apiUrl: `${server.url}/v1/` });
  assert.equal(client.apiUrl, `${server.url}/v1`);
  assert.deepEqual(await client.get("people/me"), { id: "p1" });
  assert.equal(server.seen[0].path, "/v1/people/me");
});

Deno.test("WebexClient sends the token only to the API's origin", async () => {
  await using api = startServer([
    Response.json({ ok: true }),
    () => Response.redirect(`${other.url}/elsewhere`, 302),
  ]);
  await using other = startServer([
    new Response("file bytes"),
    new Response("after redirect"),
  ]);
  const client = clientFor(api);
  const content = await client.request("GET", `${other.url}/contents/c1`);
  assert.equal(await content.text(), "file bytes");
  assert.equal(other.seen[0].headers.get("authorization"), null);

  await client.get(`${api.url}/v1/contents/c2`);
  assert.equal(api.seen[0].headers.get("authorization"), `Bearer ${TOKEN}`);

  // A redirect to another origin must not carry the token along either.
  const moved = await client.request("GET", "/contents/c3");
  assert.equal(await moved.text(), "after redirect");
  assert.equal(other.seen[1].headers.get("authorization"), null);
});

Deno.test("WebexClient gives undefined for a 204", async () => {
  await using server = startServer([
    new Response(null, { status: 204 }),
    new Response(null, { status: 204 }),
  ]);
  const client = clientFor(server);
  assert.equal(await client.json("DELETE", "/messages/m1"), undefined);
  assert.equal(await client.delete("/rooms/r1"), undefined);
  assert.deepEqual(server.seen.map((seen) => seen.method), [
    "DELETE",
    "DELETE",
  ]);
  assert.equal(server.seen[1].path, "/v1/rooms/r1");
});

Deno.test("WebexClient turns an error answer into an ApiError", async () => {
  await using server = startServer([
    errorBody(404, {
      message: "The requested resource could not be found.",
      errors: [{ description: "ignored when message is set" }],
      trackingId: "ROUTER_BODY",
    }, { trackingid: "ROUTER_HEADER" }),
    errorBody(400, { errors: [{ description: "Invalid roomId" }] }, {
      trackingid: "ROUTER_HEADER",
    }),
  ]);
  const client = clientFor(server);
  const notFound = await client.get("/rooms/x", { query: { max: 1 } }).then(
    () => assert.fail("expected an ApiError"),
    (error) => error,
  );
  assert.ok(notFound instanceof ApiError);
  assert.equal(notFound.status, 404);
  assert.equal(notFound.method, "GET");
  assert.equal(notFound.path, "/rooms/x?max=1");
  assert.equal(notFound.trackingId, "ROUTER_BODY");
  assert.equal(
    notFound.serverMessage,
    "The requested resource could not be found.",
  );
  assert.equal(notFound.retryAfter, undefined);
  assert.ok(!notFound.message.includes("127.0.0.1"));

  const invalid = await client.post("/messages", { roomId: "bad" }).then(
    () => assert.fail("expected an ApiError"),
    (error) => error,
  );
  assert.ok(invalid instanceof ApiError);
  assert.equal(invalid.status, 400);
  assert.equal(invalid.trackingId, "ROUTER_HEADER");
  assert.equal(invalid.serverMessage, "Invalid roomId");
});

Deno.test("WebexClient never puts the token in an error", async () => {
  await using server = startServer([
    (request) =>
      errorBody(401, {
        message: `Bad credentials: ${request.headers.get("authorization")}`,
        trackingId: `T-${request.headers.get("authorization")}`,
      }),
  ]);
  const client = clientFor(server);
  const error = await client.get("/people/me").then(
    () => assert.fail("expected an ApiError"),
    (error) => error,
  );
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 401);
  assert.match(error.serverMessage!, /Bad credentials/);
  for (const text of [String(error), error.message, JSON.stringify(error)]) {
    assert.ok(!text.includes(TOKEN), `the token leaked into: ${text}`);
  }
  assert.throws(
    () => new WebexClient({ token: "  " }),
    (error) =>
      error instanceof TypeError && /token is empty/.test(error.message),
  );
  assert.throws(
    () => new WebexClient({ token: `${TOKEN}\n${TOKEN}` }),
    (error) => error instanceof TypeError && !error.message.includes(TOKEN),
  );
});

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
  assert.ok(error.retryAfter! > 3_500 && error.retryAfter! <= 3_600);
  assert.equal(server.seen.length, 3);
});

Deno.test("WebexClient does not wait for a Retry-After above maxRetryAfter", async () => {
  await using server = startServer([
    errorBody(429, { message: "Slow down" }, { "retry-after": "120" }),
  ]);
  const client = clientFor(server, { maxRetryAfter: 60 });
  await assert.rejects(
    client.post("/messages", { text: "hi" }),
    (error) =>
      error instanceof ApiError && error.status === 429 &&
      error.retryAfter === 120,
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

Deno.test("WebexClient.list follows Link next URLs verbatim", async () => {
  await using server = startServer([
    (request) =>
      Response.json({ items: [1, 2] }, {
        headers: {
          link: `<${
            new URL(request.url).origin
          }/v1/rooms?max=2&cursor=a%2Fb,c>; rel="next"`,
        },
      }),
    () =>
      Response.json({ items: [3, 4] }, {
        headers: {
          link:
            `</v1/rooms?max=2&cursor=first>; rel=prev, </v1/rooms?max=2&cursor=z;q>; title="a, b"; rel="next last"`,
        },
      }),
    Response.json({ items: [5] }),
  ]);
  const client = clientFor(server);
  const items: number[] = [];
  for await (
    const item of client.list<number>("/rooms", { query: { max: 2 } })
  ) {
    items.push(item);
  }
  assert.deepEqual(items, [1, 2, 3, 4, 5]);
  assert.deepEqual(server.seen.map((seen) => seen.path), [
    "/v1/rooms?max=2",
    "/v1/rooms?max=2&cursor=a%2Fb,c",
    "/v1/rooms?max=2&cursor=z;q",
  ]);
  for (const seen of server.seen) {
    assert.equal(seen.headers.get("authorization"), `Bearer ${TOKEN}`);
  }
});

Deno.test("WebexClient.list fetches a page only when asked for it", async () => {
  await using server = startServer(
    [1, 2, 3].map((page) =>
      Response.json({ items: [`${page}a`, `${page}b`] }, {
        headers: { link: `</v1/rooms?page=${page + 1}>; rel="next"` },
      })
    ),
  );
  const client = clientFor(server);
  const items: string[] = [];
  for await (const item of client.list<string>("/rooms")) {
    items.push(item);
    if (item === "1b") break;
  }
  assert.deepEqual(items, ["1a", "1b"]);
  assert.equal(server.seen.length, 1);
});

Deno.test("WebexClient.list refuses an answer without items", async () => {
  await using server = startServer([Response.json({ id: "not a list" })]);
  const client = clientFor(server);
  const rooms = client.list("/rooms/r1");
  await assert.rejects(
    rooms.next(),
    (error) => error instanceof ApiError && /no items/.test(error.message),
  );
});

Deno.test("WebexClient times out while waiting for headers", async () => {
  // Headers are held back until the client has given up.
  const release = Promise.withResolvers<void>();
  await using server = startServer(
    [1, 2].map(() => async () => {
      await release.promise;
      return new Response("too late");
    }),
  );
  const client = clientFor(server, { timeout: 20, maxAttempts: 2 });
  try {
    const error = await client.get("/people/me").then(
      () => assert.fail("expected a NetworkError"),
      (error) => error,
    );
    assert.ok(error instanceof NetworkError);
    assert.equal((error.cause as DOMException).name, "TimeoutError");
    assert.match(error.message, /no response headers within 20 ms/);
    assert.equal(server.seen.length, 2, "a timed-out GET is tried again");
  } finally {
    release.resolve();
  }
});

Deno.test("WebexClient does not time out a body that streams slowly", async () => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await using server = startServer([
    () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("first "));
            // Outlast the header timeout before the rest of the body.
            timer = setTimeout(() => {
              controller.enqueue(new TextEncoder().encode("last"));
              controller.close();
            }, 100);
          },
          cancel() {
            clearTimeout(timer);
          },
        }),
      ),
  ]);
  const client = clientFor(server, { timeout: 10 });
  const response = await client.request("GET", "/contents/c1");
  assert.equal(await response.text(), "first last");
});

Deno.test("parseNextLink reads RFC 8288 lists", () => {
  assert.equal(parseNextLink(null), undefined);
  assert.equal(parseNextLink(""), undefined);
  assert.equal(parseNextLink('<https://a/x>; rel="prev"'), undefined);
  assert.equal(parseNextLink("<https://a/x?y=1>; rel=next"), "https://a/x?y=1");
  assert.equal(
    parseNextLink(
      '<https://a/1>; rel="prev", <https://a/2?c=x,y>; rel="NEXT"',
    ),
    "https://a/2?c=x,y",
  );
  assert.equal(
    parseNextLink('<https://a/3>; title="rel=next, ok"; rel="prev next"'),
    "https://a/3",
  );
  assert.equal(
    parseNextLink('<https://a/4>; rel="nextpage", <https://a/5>;rel=next'),
    "https://a/5",
  );
});

Deno.test("parseRetryAfter reads seconds and HTTP dates", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("25", now), 25);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), 30);
  assert.equal(parseRetryAfter("Wed, 21 Oct 2015 07:27:00 GMT", now), 0);
  assert.equal(parseRetryAfter("1.5", now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
});

Deno.test("backoffDelay grows, is capped, and keeps a random half", () => {
  const backoff = { base: 0.5, max: 30 };
  assert.equal(backoffDelay(1, backoff, () => 0), 250);
  assert.equal(backoffDelay(1, backoff, () => 1), 500);
  assert.equal(backoffDelay(3, backoff, () => 1), 2_000);
  assert.equal(backoffDelay(20, backoff, () => 1), 30_000);
  assert.equal(backoffDelay(20, backoff, () => 0), 15_000);
});

Deno.test("WebexClient refuses settings out of range", () => {
  assert.throws(
    () => new WebexClient({ token: TOKEN, maxAttempts: 0 }),
    RangeError,
  );
  assert.throws(
    () => new WebexClient({ token: TOKEN, timeout: -1 }),
    RangeError,
  );
  assert.throws(
    () => new WebexClient({ token: TOKEN, apiUrl: "ftp://example.com" }),
    TypeError,
  );
});

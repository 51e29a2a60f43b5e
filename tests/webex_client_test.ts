import assert from "node:assert/strict";
import { ApiError, NetworkError } from "../spaces/errors.ts";
import { WebexClient } from "../spaces/webex/client.ts";
import { parseNextLink } from "../spaces/webex/_link.ts";
import {
  clientFor,
  errorBody,
  startServer,
  TOKEN,
} from "./_scripted_server.ts";

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
  // A second: a loaded machine cannot mistake it for an answer.
  const client = clientFor(server, { timeout: 1_000, maxAttempts: 2 });
  try {
    const error = await client.get("/people/me").then(
      () => assert.fail("expected a NetworkError"),
      (error) => error,
    );
    assert.ok(error instanceof NetworkError);
    assert.equal((error.cause as DOMException).name, "TimeoutError");
    assert.match(error.message, /no response headers within 1000 ms/);
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
            }, 1_500);
          },
          cancel() {
            clearTimeout(timer);
          },
        }),
      ),
  ]);
  // Headers come at once, well within the second; the body outlasts it.
  const client = clientFor(server, { timeout: 1_000 });
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

import assert from "node:assert/strict";
import { NetworkError } from "../spaces/errors.ts";
import { clientFor, startServer, TOKEN } from "./_scripted_server.ts";
import { stallingAnswer } from "./_stalling.ts";

Deno.test("WebexClient gives up on a JSON body that stalls after the headers", async () => {
  const stall = stallingAnswer('{"id":', {
    "content-type": "application/json",
  });
  await using server = startServer([stall.response]);
  // A second: a loaded machine cannot mistake it for a stall.
  const client = clientFor(server, { timeout: 1_000, bodyTimeout: 1_000 });
  try {
    const error = await client.get("/people/me").then(
      () => assert.fail("expected a NetworkError"),
      (error) => error,
    );
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.path, "/people/me");
    assert.equal((error.cause as DOMException).name, "TimeoutError");
    assert.match(error.message, /body .*stalled: not read within 1000 ms/);
    assert.ok(!error.message.includes(TOKEN));
    assert.equal(server.seen.length, 1, "a stalled body is not retried");
    // The client hung up instead of keeping the connection open.
    await stall.cancelled;
  } finally {
    stall.release();
  }
});

Deno.test("WebexClient.list gives up on a page that stalls", async () => {
  const stall = stallingAnswer('{"items":[', {
    "content-type": "application/json",
  });
  await using server = startServer([stall.response]);
  const client = clientFor(server, { bodyTimeout: 1_000 });
  try {
    await assert.rejects(
      client.list("/rooms").next(),
      (error) => error instanceof NetworkError && /stalled/.test(error.message),
    );
    await stall.cancelled;
  } finally {
    stall.release();
  }
});

Deno.test("WebexClient reads a whole JSON body that comes in pieces", async () => {
  const bytes = new TextEncoder().encode('{"id":"p1","name":"café"}');
  // The cut falls inside the two bytes of "é".
  const cut = bytes.indexOf(0xc3) + 1;
  await using server = startServer([
    new Response(ReadableStream.from([bytes.slice(0, cut), bytes.slice(cut)])),
  ]);
  const client = clientFor(server, { bodyTimeout: 1_000 });
  assert.deepEqual(await client.get("/people/me"), { id: "p1", name: "café" });
});

Deno.test("WebexClient refuses a bodyTimeout out of range", () => {
  for (const bodyTimeout of [0, -1, Number.NaN]) {
    assert.throws(
      () => clientFor({ url: "http://127.0.0.1:1" }, { bodyTimeout }),
      RangeError,
    );
  }
});

import assert from "node:assert/strict";
import { NetworkError } from "../spaces/errors.ts";
import {
  downloadAttachment,
  getAttachment,
} from "../spaces/webex/attachments.ts";
import { clientFor, startServer, TOKEN } from "./_scripted_server.ts";
import { rawServer, stallingAnswer } from "./_stalling.ts";

/** The error `promise` rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(
    () => assert.fail("expected an error"),
    (error) => error,
  );
}

Deno.test("getAttachment fails a body that stalls between chunks", async () => {
  const stall = stallingAnswer("hel", { "content-length": "100" });
  await using server = startServer([stall.response]);
  const client = clientFor(server);
  try {
    const body = await getAttachment(client, `${server.url}/v1/contents/c1`, {
      idleTimeout: 1_000,
    });
    const reader = body.getReader();
    assert.deepEqual(
      new TextDecoder().decode((await reader.read()).value),
      "hel",
    );
    const error = await rejection(reader.read());
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.path, "/v1/contents/c1");
    assert.match(error.message, /stalled: no bytes for 1000 ms/);
    // The connection is closed, not left to the server.
    await stall.cancelled;
  } finally {
    stall.release();
  }
});

Deno.test("downloadAttachment fails a body that stalls, and leaves no file", async () => {
  const stall = stallingAnswer("hel", {
    "content-length": "100",
    "content-disposition": 'attachment; filename="b.txt"',
  });
  await using server = startServer([stall.response]);
  const client = clientFor(server);
  const dir = await Deno.makeTempDir();
  try {
    const error = await rejection(
      downloadAttachment(client, `${server.url}/v1/contents/c2`, {
        dir,
        idleTimeout: 1_000,
      }),
    );
    assert.ok(error instanceof NetworkError, String(error));
    assert.match(error.message, /\/v1\/contents\/c2: the download stalled/);
    await stall.cancelled;
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    stall.release();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a download shorter than its Content-Length is a NetworkError naming the path", async () => {
  await using server = rawServer(
    'HTTP/1.1 200 OK\r\ncontent-length: 100\r\ncontent-disposition: attachment; filename="b.txt"\r\n\r\n',
    "hello",
  );
  const client = clientFor(server);
  const dir = await Deno.makeTempDir();
  try {
    const error = await rejection(
      downloadAttachment(client, `${server.url}/v1/contents/c3?x=1`, { dir }),
    );
    assert.ok(error instanceof NetworkError, String(error));
    assert.equal(error.path, "/v1/contents/c3");
    assert.ok(!error.message.includes(TOKEN));
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a body that ends before its announced length is a NetworkError", async () => {
  // An injected fetch can end a body cleanly short of its Content-Length.
  const client = clientFor({ url: "http://127.0.0.1:1" }, {
    fetch: () =>
      Promise.resolve(
        new Response("hello", { headers: { "content-length": "100" } }),
      ),
  });
  const body = await getAttachment(client, "http://127.0.0.1:1/v1/contents/c4");
  const error = await rejection(new Response(body).arrayBuffer());
  assert.ok(error instanceof NetworkError, String(error));
  assert.match(error.message, /ended after 5 of the 100 bytes announced/);
});

Deno.test("an idleTimeout out of range is refused before reading", async () => {
  for (const idleTimeout of [0, -5, Number.NaN, Infinity]) {
    const client = clientFor({ url: "http://127.0.0.1:1" }, {
      fetch: () => Promise.resolve(new Response("bytes")),
    });
    await assert.rejects(
      getAttachment(client, "http://127.0.0.1:1/v1/contents/c5", {
        idleTimeout,
      }),
      RangeError,
    );
  }
});

import assert from "node:assert/strict";
import { ConfigurationError, Context, WebexSpace } from "../mod.ts";
import { createHookHandler, type HookHandlerOptions } from "../server.ts";
import { buildHookApp } from "../spaces/server/_hook_app.ts";
import { ReadingBudget } from "../spaces/server/_intake_body.ts";
import { hookConfig } from "../spaces/server/hook_handler.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { webexFixture } from "./_webex.ts";

const SECRET = "test-secret-intake";
const encoder = new TextEncoder();
/** Longest a raw connection may wait: a hung server fails, never stalls CI. */
const SAFETY_MS = 20_000;

/** A connection that sent a request's head and `sent` bytes of its body, then stalls. */
async function stalledPost(
  port: number,
  contentLength: number,
  sent = "{",
): Promise<Deno.TcpConn> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encoder.encode(
    `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${contentLength}\r\n\r\n${sent}`,
  ));
  return conn;
}

/**
 * Serves the hook route as `createHookHandler` does, with a reading budget
 * the test can watch.
 */
async function withServer(
  options: HookHandlerOptions,
  run: (
    port: number,
    f: Awaited<ReturnType<typeof webexFixture>>,
    budget: ReadingBudget,
  ) => Promise<void>,
): Promise<string[]> {
  await using f = await webexFixture({ webhook_secret: SECRET });
  const config = hookConfig(f.space, options);
  const budget = new ReadingBudget(config.limits.readingLimit);
  const app = buildHookApp(f.space, { ...config, budget });
  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen() {},
  }, app.fetch);
  try {
    await run(server.addr.port, f, budget);
  } finally {
    await server.shutdown();
  }
  return f.logs;
}

/** Waits until the bytes of bodies being read are `wanted` (no sleep). */
async function until(
  budget: ReadingBudget,
  wanted: (used: number) => boolean,
): Promise<void> {
  let safety: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    safety = setTimeout(
      () => reject(new Error(`still ${budget.used} bytes being read`)),
      SAFETY_MS,
    );
  });
  try {
    while (!wanted(budget.used)) await Promise.race([budget.changed(), late]);
  } finally {
    clearTimeout(safety);
  }
}

/** A signed delivery the bot ignores. */
async function signedPost(url: string): Promise<Response> {
  const body = JSON.stringify({
    resource: "rooms",
    event: "created",
    data: { id: "x" },
  });
  const headers = { "x-spark-signature": await signBody(body, SECRET) };
  return await fetch(url, { method: "POST", headers, body });
}

/** The head of the server's answer on a raw connection. */
async function readHead(conn: Deno.TcpConn): Promise<string> {
  const buffer = new Uint8Array(4096);
  const safety = setTimeout(() => conn.close(), SAFETY_MS);
  try {
    const n = await conn.read(buffer);
    return new TextDecoder().decode(buffer.subarray(0, n ?? 0));
  } finally {
    clearTimeout(safety);
  }
}

Deno.test("a body that stalls past the deadline gets 408 and Connection: close, and no longer counts in the cap", async () => {
  const limit = 16_384;
  const logs = await withServer(
    { maxBodyBytes: limit, maxReadingBytes: limit, bodyTimeout: 1_000 },
    async (port, _f, budget) => {
      const url = `http://127.0.0.1:${port}/hook`;
      // All of the body but one byte: it holds the cap but a byte.
      const conn = await stalledPost(port, limit, "x".repeat(limit - 1));
      try {
        await until(budget, (used) => used === limit - 1);
        // The answer comes at the deadline, while the body is still missing.
        const head = await readHead(conn);
        assert.match(head, /^HTTP\/1\.1 408 /);
        assert.match(head, /connection: close/i);
        // Its read is cancelled: the cap is free with the client still there.
        assert.equal(budget.used, 0);
        const signed = await signedPost(url);
        assert.equal(signed.status, 200);
        assert.deepEqual(await signed.json(), { status: "ignored" });
      } finally {
        conn.close();
      }
    },
  );
  assert.ok(
    logs.some((line) => /1 too slow \(body not in within 1000 ms\)/.test(line)),
    logs.join("\n"),
  );
});

Deno.test("256 stalled bodies that declare 64 KiB and send 1 byte hold 256 bytes of the cap, and a signed delivery still gets 200", async () => {
  await withServer({}, async (port, _f, budget) => {
    const stalled = await Promise.all(
      Array.from({ length: 256 }, () => stalledPost(port, 65_536)),
    );
    try {
      // All 256 are in the handler, each holding the one byte it sent.
      await until(budget, (used) => used === 256);
      assert.equal(budget.used, 256);
      const signed = await signedPost(`http://127.0.0.1:${port}/hook`);
      assert.equal(signed.status, 200);
      assert.deepEqual(await signed.json(), { status: "ignored" });
    } finally {
      for (const conn of stalled) conn.close();
    }
  });
});

Deno.test("a Content-Length over the limit gets 413 before a byte of the body is read", async () => {
  await withServer({ maxBodyBytes: 4096 }, async (port) => {
    // Ten MiB announced, none sent: the answer cannot wait for the body.
    const conn = await stalledPost(port, 10 * 1_048_576, "");
    try {
      const buffer = new Uint8Array(4096);
      const n = await conn.read(buffer);
      assert.match(
        new TextDecoder().decode(buffer.subarray(0, n ?? 0)),
        /^HTTP\/1\.1 413 /,
      );
    } finally {
      conn.close();
    }
    // Chunked, so only counting the stream finds it too large.
    const chunked = await fetch(`http://127.0.0.1:${port}/hook`, {
      method: "POST",
      body: ReadableStream.from([encoder.encode("x".repeat(5000))]),
    });
    assert.equal(chunked.status, 413);
    await chunked.body?.cancel();
  });
});

Deno.test("bodies over the reading cap get 503 with Retry-After, and the cap frees once the stalled ones are gone", async () => {
  const limit = 16_384;
  await withServer(
    { maxBodyBytes: limit, maxReadingBytes: 4 * limit },
    async (port, f, budget) => {
      const url = `http://127.0.0.1:${port}/hook`;
      // Four stalled bodies that sent all but one byte hold all of the cap
      // but 4 bytes; the default deadline (10 s) does not end them during
      // the test.
      const stalled = await Promise.all(
        Array.from(
          { length: 4 },
          () => stalledPost(port, limit, "x".repeat(limit - 1)),
        ),
      );
      try {
        await until(budget, (used) => used === 4 * (limit - 1));
        const answers = await Promise.all(
          Array.from(
            { length: 12 },
            () => fetch(url, { method: "POST", body: "x".repeat(limit) }),
          ),
        );
        for (const answer of answers) {
          assert.equal(answer.status, 503);
          assert.equal(answer.headers.get("retry-after"), "1");
          await answer.body?.cancel();
        }
        const signed = await signedPost(url);
        assert.equal(signed.status, 503);
        await signed.body?.cancel();
      } finally {
        for (const conn of stalled) conn.close();
      }
      // Deno fails the stalled reads once their clients hung up.
      await until(budget, (used) => used === 0);
      const signed = await signedPost(url);
      assert.equal(signed.status, 200);
      await signed.body?.cancel();
      assert.ok(
        f.logs.some((line) => /busy \(over 65536 bytes being read/.test(line)),
        f.logs.join("\n"),
      );
    },
  );
});

Deno.test("refused deliveries are counted per reason and logged in one line per interval", async () => {
  const lines: string[] = [];
  let seen: (() => void) | undefined;
  const log = (line: string) => {
    if (/^Refused/.test(line)) lines.push(line);
    seen?.();
  };
  const space = new WebexSpace({
    context: new Context({
      space: { room: "Ops", token: "t", webhook_secret: SECRET },
    }, { env: () => undefined }),
    logger: { debug() {}, info: log, warn: log, error: log },
  });
  space.context.set("bot.id", "bot");
  const handler = createHookHandler(space, {
    maxBodyBytes: 1024,
    refusalLogInterval: 1_000,
  });
  const post = async (body: string, signature?: string) => {
    const headers = new Headers({ "content-length": String(body.length) });
    if (signature) headers.set("x-spark-signature", signature);
    const response = await handler(
      new Request("http://h/hook", { method: "POST", headers, body }),
    );
    await response.body?.cancel();
    return response.status;
  };
  assert.equal(await post("{}"), 401);
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^Refused a webhook delivery: 1 bad signature;/);
  const next = new Promise<void>((resolve) => seen = resolve);
  assert.equal(await post("{}", "0".repeat(40)), 401);
  assert.equal(await post("{}"), 401);
  assert.equal(await post("x".repeat(2000)), 413);
  assert.equal(await post("x".repeat(3000)), 413);
  assert.equal(await post("{oops", await signBody("{oops", SECRET)), 400);
  assert.equal(lines.length, 1, "counted, not logged, within the interval");
  // The log's own timer does not keep a process alive: this one does,
  // and fails the test if the line never comes.
  const safety = setTimeout(() => seen?.(), SAFETY_MS);
  await next;
  clearTimeout(safety);
  assert.equal(lines.length, 2);
  assert.match(
    lines[1],
    /^Refused 5 webhook deliveries in [\d.]+ s: 2 bad signature, 2 too large \(over 1024 bytes\), 1 malformed;/,
  );
});

Deno.test("the limits come from server.* settings, and bad ones are refused by name", async () => {
  const space = (server: Record<string, unknown>) =>
    new WebexSpace({
      context: new Context({ space: { room: "Ops", token: "t" }, server }, {
        env: () => undefined,
      }),
    });
  const handler = createHookHandler(space({ body_limit: "100" }));
  const response = await handler(
    new Request("http://h/hook", { method: "POST", body: "x".repeat(101) }),
  );
  assert.equal(response.status, 413);
  await response.body?.cancel();
  assert.throws(
    () => createHookHandler(space({ body_timeout: "soon" })),
    (error) =>
      error instanceof ConfigurationError &&
      error.key === "server.body_timeout" &&
      /SERVER_BODY_TIMEOUT/.test(error.message),
  );
  assert.throws(
    () => createHookHandler(space({}), { maxReadingBytes: 0 }),
    RangeError,
  );
});

import assert from "node:assert/strict";
import {
  Context,
  EventQueue,
  type Message,
  type SpaceEvent,
  WebexSpace,
} from "../mod.ts";
import { createHookHandler } from "../server.ts";
import { buildHookApp } from "../spaces/server/_hook_app.ts";
import { FixedDeadlines } from "../spaces/_deadlines.ts";
import { readBody, ReadingBudget } from "../spaces/server/_intake_body.ts";
import { hookConfig } from "../spaces/server/hook_handler.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";
import { messageDelivery, webexFixture } from "./_webex.ts";

const SECRET = "test-secret-direct";
const encoder = new TextEncoder();
/** Longest a raw connection may wait: a hung server fails, never stalls CI. */
const SAFETY_MS = 20_000;

/** Serves `handler` on 127.0.0.1 while `run` runs. */
async function serving(
  handler: (request: Request) => Response | Promise<Response>,
  run: (url: string, port: number) => Promise<void>,
): Promise<void> {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  try {
    await run(`http://127.0.0.1:${server.addr.port}/hook`, server.addr.port);
  } finally {
    await server.shutdown();
  }
}

async function post(
  url: string,
  body: string,
  signature?: string,
): Promise<[number, unknown]> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (signature !== undefined) headers["x-spark-signature"] = signature;
  const response = await fetch(url, { method: "POST", headers, body });
  return [response.status, await response.json()];
}

/** The whole answer of the server on a raw connection, until it closes. */
async function readAll(conn: Deno.TcpConn): Promise<string> {
  const safety = setTimeout(() => conn.close(), SAFETY_MS);
  const decoder = new TextDecoder();
  let text = "";
  const buffer = new Uint8Array(4096);
  try {
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) return text;
      text += decoder.decode(buffer.subarray(0, n));
      // One answer is all that is wanted: its body is a JSON object.
      if (/\r\n\r\n\{.*\}$/s.test(text)) return text;
    }
  } finally {
    clearTimeout(safety);
  }
}

Deno.test("through the hook route a WebexSpace gets the bytes the intake read: signed deliveries are queued, forged and malformed ones refused and counted", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
  await serving(
    createHookHandler(f.space, { refusalLogInterval: 60_000 }),
    async (url) => {
      const sent = f.webex.simulateMessage({
        from: f.alice,
        roomId: f.roomId,
        text: "straight in",
        mentions: [f.webex.bot],
      });
      const body = JSON.stringify(messageDelivery(sent));
      assert.deepEqual(await post(url, body, await signBody(body, SECRET)), [
        200,
        { status: "queued" },
      ]);
      assert.equal(((await ears.get()) as Message).text, "straight in");
      // The same bytes again: the dedupe store drops it.
      assert.deepEqual(await post(url, body, await signBody(body, SECRET)), [
        200,
        { status: "duplicate" },
      ]);
      assert.deepEqual(await post(url, body, "0".repeat(40)), [
        401,
        { error: "Invalid or missing X-Spark-Signature" },
      ]);
      assert.deepEqual(await post(url, body), [
        401,
        { error: "Invalid or missing X-Spark-Signature" },
      ]);
      const notJson = "{not json";
      assert.deepEqual(
        await post(url, notJson, await signBody(notJson, SECRET)),
        [400, { error: "The body is not JSON" }],
      );
      const own = JSON.stringify({
        ...messageDelivery(sent),
        data: { id: sent.id, personId: f.webex.bot.id },
      });
      assert.deepEqual(await post(url, own, await signBody(own, SECRET)), [
        200,
        { status: "ignored", reason: "own message" },
      ]);
      assert.equal(ears.size, 0);
    },
  );
  // The first refusal is logged at once, with its reason; the secret never.
  assert.ok(
    f.logs.some((line) =>
      /Refused a webhook delivery: 1 bad signature/.test(line)
    ),
    f.logs.join("\n"),
  );
  assert.ok(!f.logs.some((line) => line.includes(SECRET)));
});

Deno.test("a WebexSpace whose webhook() is replaced gets every delivery through it, as a request with the same bytes and headers", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
  const seen: { body: string; signature: string | null }[] = [];
  const original = f.space.webhook.bind(f.space);
  f.space.webhook = async (input) => {
    if (input instanceof Request) {
      const copy = input.clone();
      seen.push({
        body: await copy.text(),
        signature: input.headers.get("x-spark-signature"),
      });
    }
    return await original(input);
  };
  await serving(createHookHandler(f.space), async (url) => {
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: "through webhook()",
      mentions: [f.webex.bot],
    });
    const body = JSON.stringify(messageDelivery(sent));
    const signature = await signBody(body, SECRET);
    assert.deepEqual(await post(url, body, signature), [
      200,
      { status: "queued" },
    ]);
    assert.deepEqual(seen, [{ body, signature }]);
    assert.equal(((await ears.get()) as Message).text, "through webhook()");
  });
});

Deno.test("a subclass of WebexSpace that overrides webhook() gets the deliveries of the hook route", async () => {
  const webex = await FakeWebex.start();
  try {
    const calls: string[] = [];
    class Counting extends WebexSpace {
      override async webhook(
        input: Request | Record<string, unknown>,
      ): Promise<Response> {
        calls.push(input instanceof Request ? input.method : "json");
        return await super.webhook(input);
      }
    }
    const space = new Counting({
      context: new Context(
        { space: { room: "Ops", webhook_secret: SECRET } },
        { env: () => undefined },
      ),
      ears: new EventQueue<SpaceEvent>(),
      token: webex.bot.token,
      apiUrl: webex.url,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    webex.addRoom({ title: "Ops", members: [] });
    await serving(createHookHandler(space), async (url) => {
      const body = '{"resource":"rooms","event":"created","data":{"id":"x"}}';
      assert.deepEqual(await post(url, body, await signBody(body, SECRET)), [
        200,
        { status: "ignored" },
      ]);
    });
    assert.deepEqual(calls, ["POST"]);
  } finally {
    await webex.close();
  }
});

Deno.test("before the space is connected, a forged delivery through the hook route gets 401 and costs no call to Webex; a signed one connects and is queued", async () => {
  const webex = await FakeWebex.start();
  try {
    const alice = webex.addUser({ email: "alice@acme.com" });
    const room = webex.addRoom({ title: "Ops", members: [alice] });
    const ears = new EventQueue<SpaceEvent>();
    const space = new WebexSpace({
      context: new Context(
        { space: { room: "Ops", webhook_secret: SECRET } },
        { env: () => undefined },
      ),
      ears,
      token: webex.bot.token,
      apiUrl: webex.url,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    await serving(createHookHandler(space), async (url) => {
      const sent = webex.simulateMessage({
        from: alice,
        roomId: String(room.id),
        text: "first",
        mentions: [webex.bot],
      });
      const body = JSON.stringify(messageDelivery(sent));
      webex.clearRequests();
      assert.deepEqual(await post(url, body, "f".repeat(40)), [
        401,
        { error: "Invalid or missing X-Spark-Signature" },
      ]);
      assert.equal(webex.requestCount(), 0);
      assert.equal(space.context.get("bot.id"), undefined);
      assert.deepEqual(await post(url, body, await signBody(body, SECRET)), [
        200,
        { status: "queued" },
      ]);
      assert.ok(webex.requestCount("GET /people/me") >= 1);
      assert.equal(((await ears.get()) as Message).text, "first");
    });
  } finally {
    await webex.close();
  }
});

Deno.test("a signed delivery whose body comes in pieces is reserved piece by piece, joined, checked and queued", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
  const config = hookConfig(f.space, {});
  const budget = new ReadingBudget(config.limits.readingLimit);
  const app = buildHookApp(f.space, { ...config, budget });
  await serving(app.fetch, async (_url, port) => {
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: "in pieces",
      mentions: [f.webex.bot],
    });
    const body = encoder.encode(JSON.stringify(messageDelivery(sent)));
    const signature = await signBody(body, SECRET);
    const half = body.length >> 1;
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(encoder.encode(
        `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\nconnection: close\r\ncontent-type: application/json\r\nx-spark-signature: ${signature}\r\ncontent-length: ${body.length}\r\n\r\n`,
      ));
      await conn.write(body.subarray(0, half));
      // The first piece is in, and reserved, before the second is sent.
      while (budget.used < half) await budget.changed();
      assert.equal(budget.used, half);
      await conn.write(body.subarray(half));
      const answer = await readAll(conn);
      assert.match(answer, /^HTTP\/1\.1 200 /);
      assert.match(answer, /\{"status":"queued"\}$/);
    } finally {
      conn.close();
    }
    assert.equal(budget.used, 0);
    assert.equal(((await ears.get()) as Message).text, "in pieces");
  });
});

Deno.test("readBody: a body in one chunk is that chunk, not a copy; a small view on a large buffer is copied", async () => {
  const limits = {
    bodyLimit: 65_536,
    readingLimit: 1 << 24,
    bodyTimeout: 10_000,
  };
  const budget = new ReadingBudget(limits.readingLimit);
  const deadlines = new FixedDeadlines(limits.bodyTimeout);
  const requestOf = (chunk: Uint8Array) =>
    new Request("http://127.0.0.1/hook", {
      method: "POST",
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(chunk);
          controller.close();
        },
      }),
    });
  const whole = encoder.encode('{"resource":"rooms"}');
  assert.equal(
    await readBody(requestOf(whole), limits, budget, deadlines),
    whole,
  );
  const large = new Uint8Array(4096);
  large.set(whole, 100);
  const view = large.subarray(100, 100 + whole.length);
  const read = await readBody(requestOf(view), limits, budget, deadlines);
  assert.ok(read instanceof Uint8Array);
  assert.notEqual(read, view);
  assert.deepEqual(read, whole);
  assert.equal(read.buffer.byteLength, whole.length);
  assert.equal(budget.used, 0);
  assert.equal(deadlines.size, 0);
});

Deno.test("FixedDeadlines: reads that end in time never expire, one still under way at its deadline does, in the order they started", async () => {
  const deadlines = new FixedDeadlines(1);
  const expired: string[] = [];
  const ended = deadlines.start(() => expired.push("ended"));
  deadlines.end(ended);
  let wake!: () => void;
  const both = new Promise<void>((resolve) => wake = resolve);
  deadlines.start(() => expired.push("first"));
  deadlines.start(() => {
    expired.push("second");
    wake();
  });
  assert.equal(deadlines.size, 2);
  // The sweep's timer is unref'd (in a server, the connection keeps the
  // process alive): this one stands for the connection, and fails a hang.
  const safety = setTimeout(() => wake(), SAFETY_MS);
  await both;
  clearTimeout(safety);
  assert.deepEqual(expired, ["first", "second"]);
  assert.equal(deadlines.size, 0);
  // Ending a read twice, or after it expired, changes nothing.
  deadlines.end(ended);
  assert.equal(deadlines.size, 0);
});

Deno.test("createHookHandler: a delivery straight to the intake that fails gets the app's 500, without internals, and a log line; other paths still go through the app", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET });
  f.space.webhook = () => Promise.reject(new Error("internal detail"));
  await serving(createHookHandler(f.space), async (url) => {
    assert.deepEqual(await post(url, "{}"), [500, {
      error: "Internal error",
    }]);
    assert.deepEqual(await post(`${url}?x=1`, "{}"), [500, {
      error: "Internal error",
    }]);
    assert.deepEqual(await post(`${url}/more`, "{}"), [404, {
      error: "Not found",
    }]);
    const get = await fetch(url);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get("allow"), "POST");
    await get.body?.cancel();
    const health = await fetch(url.replace("/hook", "/health"));
    assert.deepEqual(await health.json(), { status: "ok" });
  });
  const failures = f.logs.filter((line) =>
    line.startsWith("The webhook server failed on POST /hook: ")
  );
  assert.equal(failures.length, 2, f.logs.join("\n"));
  assert.ok(failures.every((line) => line.endsWith("internal detail")));
});

/**
 * The playground serves this machine only, and keeps bounded memory: the
 * Host and Origin checks (against DNS rebinding and other sites' pages),
 * the cap on the hook's body and on the wire log, and live feeds whose
 * page does not read.
 */
import assert from "node:assert/strict";

/** Reads the live feed until the bot's post to the API is on the wire. */
async function answered(body: ReadableStream<Uint8Array>): Promise<void> {
  let buffer = "";
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The feed ended; it said: ${buffer}`);
      buffer += value;
      if (
        /"method":"POST","path":"\/v1\/messages"[^}]*"status":200/.test(buffer)
      ) {
        return;
      }
    }
  } finally {
    await reader.cancel();
  }
}
import { startPlayground } from "../playground.ts";
import {
  BODY_PREVIEW,
  KEEP_CHARS,
  STREAM_BACKLOG,
  Wire,
} from "../spaces/server/playground/_wire.ts";

const WRITE = { "x-playground": "1" };
const encoder = new TextEncoder();

/**
 * One request over a raw socket, since fetch sets Host itself: the status
 * of the answer.
 */
async function rawStatus(
  port: number,
  host: string,
  request: { method?: string; path?: string; headers?: string[] } = {},
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const method = request.method ?? "GET";
    const lines = [
      `${method} ${request.path ?? "/api/state"} HTTP/1.1`,
      `host: ${host}`,
      "connection: close",
      ...(request.headers ?? []),
      ...(method === "GET" ? [] : ["content-length: 0"]),
    ];
    await conn.write(encoder.encode(`${lines.join("\r\n")}\r\n\r\n`));
    const head = await readHead(conn);
    return Number(head.match(/^HTTP\/1\.1 (\d{3})/)?.[1]);
  } finally {
    conn.close();
  }
}

async function readHead(conn: Deno.Conn): Promise<string> {
  let text = "";
  const buffer = new Uint8Array(4096);
  const decoder = new TextDecoder();
  while (!text.includes("\r\n\r\n")) {
    const read = await conn.read(buffer);
    if (read === null) break;
    text += decoder.decode(buffer.subarray(0, read), { stream: true });
  }
  return text;
}

Deno.test("playground security: only a loopback Host with the page's port is served, on every route", async () => {
  await using playground = await startPlayground();
  const port = Number(new URL(playground.url).port);
  for (
    const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `[::1]:${port}`,
      `LOCALHOST:${port}`,
    ]
  ) {
    assert.equal(await rawStatus(port, host), 200, host);
  }
  const foreign = [
    `evil.example:${port}`,
    "evil.example",
    `127.0.0.1:${port + 1}`,
    "127.0.0.1",
    `127.0.0.1.evil.example:${port}`,
  ];
  for (const host of foreign) {
    for (
      const path of [
        "/",
        "/api/state",
        "/api/stream",
        "/api/wire",
        "/v1/people/me",
      ]
    ) {
      assert.equal(
        await rawStatus(port, host, { path }),
        403,
        `${host} ${path}`,
      );
    }
    assert.equal(
      await rawStatus(port, host, { method: "POST", path: "/hook" }),
      403,
      `${host} POST /hook`,
    );
    // A rebinding page is same-origin, so it may set the write header.
    assert.equal(
      await rawStatus(port, host, {
        method: "POST",
        path: "/api/actions",
        headers: ["x-playground: 1", "content-type: application/json"],
      }),
      403,
      `${host} POST /api/actions`,
    );
  }
  assert.equal(playground.webex.messages().length, 0);
  assert.deepEqual(
    (await (await fetch(`${playground.url}api/wire`)).json())
      .filter((entry: { kind: string }) => entry.kind === "event"),
    [],
  );
});

Deno.test("playground security: a write from another origin is refused; the page's own origin and programs without Origin write", async () => {
  await using playground = await startPlayground();
  const port = Number(new URL(playground.url).port);
  const [alice] = playground.people;
  const send = (origin?: string) => {
    const form = new FormData();
    form.set("from", alice.id);
    form.set("roomId", playground.roomId);
    form.set("text", "hi");
    return fetch(`${playground.url}api/messages`, {
      method: "POST",
      headers: { ...WRITE, ...(origin ? { origin } : {}) },
      body: form,
    });
  };
  for (
    const origin of [
      "https://evil.example",
      "null",
      `http://evil.example:${port}`,
      `https://127.0.0.1:${port}`,
    ]
  ) {
    const answer = await send(origin);
    assert.equal(answer.status, 403, origin);
    await answer.body?.cancel();
  }
  const hook = await fetch(`${playground.url}hook`, {
    method: "POST",
    headers: { origin: "https://evil.example", "content-type": "text/plain" },
    body: "{}",
  });
  assert.equal(hook.status, 403);
  await hook.body?.cancel();
  assert.equal(playground.webex.messages().length, 0);

  // Reads are not writes: another origin may not read them in a browser anyway.
  const read = await fetch(`${playground.url}api/state`, {
    headers: { origin: "https://evil.example" },
  });
  assert.equal(read.status, 200);
  await read.body?.cancel();

  for (
    const origin of [
      `http://127.0.0.1:${port}`,
      `http://localhost:${port}`,
      undefined,
    ]
  ) {
    const answer = await send(origin);
    assert.equal(answer.status, 201, origin);
    await answer.body?.cancel();
  }
  await playground.webex.settled();
  assert.equal(
    playground.webex.messages().filter((m) => m.text === "hi").length,
    3,
  );
});

Deno.test("playground security: the hook takes at most 64 KiB, keeps nothing of a larger body, and keeps only the start of a smaller one", async () => {
  await using playground = await startPlayground();
  const hook = `${playground.url}hook`;
  const events = async () =>
    (await (await fetch(`${playground.url}api/wire`)).json())
      .filter((entry: { kind: string }) => entry.kind === "event");

  const big = await fetch(hook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "x".repeat(65_537),
  });
  assert.equal(big.status, 413);
  await big.body?.cancel();
  // Without Content-Length: counted as it comes.
  const chunks = ReadableStream.from(
    Array.from({ length: 40 }, () => encoder.encode("y".repeat(4096))),
  );
  const streamed = await fetch(hook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chunks,
  });
  assert.equal(streamed.status, 413);
  await streamed.body?.cancel();
  assert.deepEqual(await events(), []);

  // Under the cap: forwarded (the bot refuses it unsigned), and previewed.
  const body = JSON.stringify({
    resource: "messages",
    pad: "z".repeat(60_000),
  });
  const taken = await fetch(hook, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  assert.equal(taken.status, 401);
  await taken.body?.cancel();
  const [entry] = await events();
  assert.equal(entry.status, 401);
  assert.ok(entry.body.length < BODY_PREVIEW + 100, `${entry.body.length}`);
  assert.ok(entry.body.startsWith(body.slice(0, BODY_PREVIEW)));
  assert.match(entry.body, new RegExp(`${body.length} bytes in all\\)$`));

  // The fake's own deliveries still reach the bot: its answer goes out
  // through the playground (the delivery is answered once queued, before
  // the bot has it, so wait for the answer on the live feed).
  const [alice] = playground.people;
  const stream = await fetch(`${playground.url}api/stream`);
  playground.webex.simulateMessage({
    from: alice,
    roomId: playground.roomId,
    text: "hello",
    mentions: [playground.webex.bot],
  });
  await answered(stream.body!);
  assert.ok(
    playground.webex.messages().some((m) => m.text === "Hello!"),
    "the demo bot answered",
  );
});

Deno.test("playground security: the wire log is capped by size as well as by count", () => {
  const wire = new Wire();
  const body = "b".repeat(BODY_PREVIEW);
  for (let i = 0; i < 900; i++) {
    wire.record({
      kind: "event",
      method: "POST",
      path: "/hook",
      status: 200,
      body,
    });
  }
  const entries = wire.entries();
  const chars = entries.reduce(
    (sum, entry) => sum + (entry.body?.length ?? 0),
    0,
  );
  assert.ok(chars <= KEEP_CHARS, `${chars} characters kept`);
  assert.equal(entries.at(-1)?.seq, 900);
  assert.ok(entries.length > 100);
});

Deno.test("playground security: a live feed that is not read is closed, not filled", async () => {
  const wire = new Wire();
  const stalled = wire.stream().body!;
  const reading = wire.stream().body!.getReader();
  const body = "b".repeat(BODY_PREVIEW);
  let read = 0;
  for (let i = 0; i < 400; i++) {
    wire.record({
      kind: "event",
      method: "POST",
      path: "/hook",
      status: 200,
      body,
    });
    // The page that reads keeps up.
    for (;;) {
      const chunk = await reading.read();
      read += chunk.value?.byteLength ?? 0;
      if (new TextDecoder().decode(chunk.value).includes(`"seq":${i + 1}`)) {
        break;
      }
    }
  }
  wire.close();
  let held = 0;
  for await (const chunk of stalled) held += chunk.byteLength;
  assert.ok(read > 400 * BODY_PREVIEW, `${read} bytes read`);
  // What was waiting when it was let go, and no more.
  assert.ok(held <= STREAM_BACKLOG + 2 * BODY_PREVIEW, `${held} bytes held`);
});

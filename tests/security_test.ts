import assert from "node:assert/strict";
import {
  ApiError,
  ConfigurationError,
  Context,
  NetworkError,
  verifySignature,
  WebexSpace,
} from "../mod.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { createHookHandler } from "../server.ts";
import { FAKE_TOKEN_PREFIX } from "../testing.ts";
import { openRefusingPort } from "./_ports.ts";
import { deliveryRequest, messageDelivery, webexFixture } from "./_webex.ts";

// Test secrets start with "test-secret-" so CI can scan the output for them.
const SECRET = `test-secret-security-${crypto.randomUUID()}`;
const SECRET_MARK = "test-secret-";
const LIMIT = 65_536;
const encoder = new TextEncoder();

/** The body of `verifySignature` in signature.ts, comments removed. */
async function sourceOf(file: string, name: string): Promise<string> {
  const text = await Deno.readTextFile(new URL(file, import.meta.url));
  const start = text.indexOf(`function ${name}(`);
  assert.ok(start >= 0, `${name} not found in ${file}`);
  const end = text.indexOf("\n}\n", start);
  return text.slice(start, end).replace(/\/\/.*$/gm, "").replace(
    /\/\*[\s\S]*?\*\//g,
    "",
  );
}

Deno.test("verifySignature compares MACs in constant time, never with a string compare", async () => {
  // A timing measurement would be flaky on a shared CI machine, so this
  // checks what makes the comparison constant-time: every well-formed
  // signature, right or wrong in any position, is decided by comparing the
  // whole MAC in sameHex, which folds every character into one difference
  // with no early exit, and verifySignature has no compare (===,
  // startsWith, a loop) of MACs or hex of its own.
  const body = encoder.encode('{"data":{"id":"x"}}');
  const right = await signBody(body, SECRET);
  const flip = (index: number) =>
    right.slice(0, index) + (right[index] === "a" ? "b" : "a") +
    right.slice(index + 1);
  for (const wrong of [flip(0), flip(19), flip(39), "0".repeat(40)]) {
    assert.equal(await verifySignature(body, wrong, SECRET), false, wrong);
  }
  assert.equal(await verifySignature(body, right, SECRET), true);
  // Malformed ones need no MAC compare: their length or alphabet is public.
  assert.equal(await verifySignature(body, right.slice(1), SECRET), false);
  const verify = await sourceOf(
    "../spaces/webex/signature.ts",
    "verifySignature",
  );
  assert.match(
    verify,
    /sameHex\(await hmacHex\(body, secret\), text\.toLowerCase\(\)\)/,
  );
  assert.doesNotMatch(verify, /[!=]==?|signBody|localeCompare|for \(|while/);
  const same = await sourceOf("../spaces/webex/signature.ts", "sameHex");
  const loop = same.slice(
    same.indexOf("for ("),
    same.indexOf("return difference"),
  );
  // Lengths are public (40 hex digits, checked before); then each
  // character goes into the difference, and the loop never leaves early.
  assert.match(
    loop,
    /difference \|= a\.charCodeAt\(index\) \^ b\.charCodeAt\(index\)/,
  );
  assert.doesNotMatch(loop, /return false|break|===? |!==? |startsWith/);
  assert.match(same, /return difference === 0;$/m);
  const inbound = await Deno.readTextFile(
    new URL("../spaces/webex/_inbound.ts", import.meta.url),
  );
  assert.match(inbound, /verifySignature\(/);
  assert.doesNotMatch(inbound, /signBody/);
});

Deno.test("the hook route takes exactly 64 KiB (the default limit) to parsing and refuses 64 KiB + 1 with 413", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    createHookHandler(f.space),
  );
  const url = `http://127.0.0.1:${server.addr.port}/hook`;
  // An unknown resource, so a parsed body answers 200 "ignored".
  const sized = (size: number) => {
    const head =
      '{"resource":"rooms","event":"created","data":{"id":"x"},"p":"';
    return head + "x".repeat(size - head.length - 2) + '"}';
  };
  const post = async (body: BodyInit, signature?: string) => {
    const headers = new Headers({ "content-type": "application/json" });
    if (signature) headers.set("x-spark-signature", signature);
    const response = await fetch(url, { method: "POST", headers, body });
    return [response.status, await response.text()] as const;
  };
  try {
    const exact = sized(LIMIT);
    assert.equal(encoder.encode(exact).length, LIMIT);
    assert.deepEqual(await post(exact, await signBody(exact, SECRET)), [
      200,
      '{"status":"ignored"}',
    ]);
    const over = sized(LIMIT + 1);
    assert.equal((await post(over, await signBody(over, SECRET)))[0], 413);
    assert.equal((await post(over))[0], 413);
    // Without Content-Length the limit is counted on the stream.
    const stream = ReadableStream.from([encoder.encode(over)]);
    assert.equal((await post(stream))[0], 413);
    assert.equal((await post(exact))[0], 401);
  } finally {
    await server.shutdown();
  }
  // The first refusal is logged at once; the others are counted for later.
  assert.ok(
    f.logs.some((line) => /1 too large \(over 65536 bytes\)/.test(line)),
    f.logs.join("\n"),
  );
});

/** Every text an error shows: message, stack, inspect, JSON, causes. */
function errorTexts(error: unknown): string[] {
  const texts = [String(error), Deno.inspect(error, { depth: 8 })];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    texts.push(current.message, String(current.stack), JSON.stringify(current));
    current = current.cause;
  }
  return texts;
}

/** Captures console.* into `lines` until `restore()`. */
function captureConsole(lines: string[]) {
  const methods = ["log", "info", "warn", "error", "debug"] as const;
  const saved = methods.map((name) => console[name]);
  for (const name of methods) {
    console[name] = (...args: unknown[]) =>
      void lines.push(
        args.map((arg) => typeof arg === "string" ? arg : Deno.inspect(arg))
          .join(" "),
      );
  }
  return () => methods.forEach((name, index) => console[name] = saved[index]);
}

Deno.test("no token or webhook secret appears in any log line, error or server.ts output of failing scenarios", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET }, {
    auditToken: true,
  });
  const wrongToken = `${FAKE_TOKEN_PREFIX}wrong-${crypto.randomUUID()}`;
  const secrets = [f.webex.bot.token, f.auditor.token, wrongToken, SECRET];
  const lines: string[] = [];
  const errors: unknown[] = [];
  const log = (line: string) => void lines.push(line);
  const logger = { debug: log, info: log, warn: log, error: log };
  const space = (settings: Record<string, unknown>, apiUrl = f.webex.url) =>
    new WebexSpace({
      context: new Context({ space: { room: "Ops", ...settings } }, {
        env: () => undefined,
      }),
      apiUrl,
      logger,
      clientOptions: { backoff: { base: 1, max: 10 }, maxAttempts: 3 },
    });
  const failing = async (
    expected: new (...args: never[]) => Error,
    run: () => unknown,
  ) => {
    try {
      await run();
    } catch (error) {
      errors.push(error);
      assert.ok(error instanceof expected, String(error));
      return;
    }
    assert.fail(`expected a ${expected.name}`);
  };
  const restore = captureConsole(lines);
  try {
    // A wrong bot token: 401 from Webex.
    await failing(
      ApiError,
      () =>
        space({
          token: wrongToken,
          audit_token: f.auditor.token,
          webhook_secret: SECRET,
        }).connect(),
    );
    // No bot token at all.
    await failing(
      ConfigurationError,
      () =>
        space({ audit_token: f.auditor.token, webhook_secret: SECRET }).check(),
    );
    // A wrong and a missing signature.
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: "x",
    });
    for (const secret of ["test-secret-wrong", undefined]) {
      const response = await f.space.webhook(
        await deliveryRequest(messageDelivery(sent), secret),
      );
      assert.equal(response.status, 401);
      await response.body?.cancel();
    }
    // 429 and 503 retried with warnings, then a 503 that outlasts the retries.
    const retried = space({
      token: f.webex.bot.token,
      audit_token: f.auditor.token,
    });
    f.webex.injectFault({
      endpoint: "GET /people/me",
      status: 429,
      retryAfter: 0,
      times: 1,
    });
    f.webex.injectFault({ endpoint: "GET /people/me", status: 503, times: 1 });
    await retried.connect();
    assert.ok(
      lines.filter((line) => /trying again/.test(line)).length >= 2,
      lines.join("\n"),
    );
    f.webex.injectFault({ endpoint: "GET /rooms", status: 503 });
    await failing(ApiError, () => retried.getByTitle("Ops"));
    // A delivery whose message cannot be fetched: 503 and an error line.
    f.webex.injectFault({ endpoint: "GET /messages/{id}", status: 503 });
    const request = await deliveryRequest(messageDelivery(sent), SECRET);
    const unavailable = await f.space.webhook(request);
    assert.equal(unavailable.status, 503);
    await unavailable.body?.cancel();
    f.webex.clearFaults();
    // Webex refusing POST /webhooks with a 400 that echoes the body it got,
    // secret included: the error shows "[secret]" instead.
    const echoing = new WebexSpace({
      context: new Context({
        space: {
          room: "Ops",
          token: f.webex.bot.token,
          webhook_secret: SECRET,
        },
      }, { env: () => undefined }),
      apiUrl: f.webex.url,
      logger,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        if (
          request.method === "POST" &&
          new URL(request.url).pathname.endsWith("/webhooks")
        ) {
          const body = await request.text();
          return Response.json({
            message: `Invalid targetUrl in ${body}`,
            trackingId: `echo_${SECRET}`,
          }, { status: 400 });
        }
        return await fetch(request);
      },
    });
    await echoing.connect();
    await failing(ApiError, () => echoing.register("https://bot.example/hook"));
    assert.match(String(errors.at(-1)), /"secret":"\[secret\]"/);
    // Webex out of reach: a port kept for the test cuts every connection.
    await using refusing = openRefusingPort();
    await failing(
      NetworkError,
      () =>
        space(
          { token: f.webex.bot.token },
          `http://127.0.0.1:${refusing.port}/v1`,
        ).connect(),
    );
    // Failed downloads: an unknown content and a removed one.
    const dir = await Deno.makeTempDir();
    try {
      await failing(
        ApiError,
        () =>
          f.space.downloadAttachment(`${f.webex.url}/contents/nope`, { dir }),
      );
      const posted = await f.space.postMessage({
        id: f.roomId,
        file: new File(["x"], "a.txt"),
      });
      f.webex.setContentState(posted.url!, "removed");
      await failing(
        ApiError,
        () => f.space.downloadAttachment(posted.url!, { dir }),
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  } finally {
    restore();
  }

  // server.ts as a program, with a wrong bot token.
  const child = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("../server.ts", import.meta.url).pathname,
      "--port",
      "0",
      "--hostname",
      "127.0.0.1",
    ],
    env: {
      NO_COLOR: "1",
      WEBEX_BOT_TOKEN: wrongToken,
      WEBEX_AUDIT_TOKEN: f.auditor.token,
      WEBEX_WEBHOOK_SECRET: SECRET,
      WEBEX_API_URL: f.webex.url,
      SPACE_ROOM: "Ops",
      DENO_KV_PATH: ":memory:",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const output = new TextDecoder().decode(child.stdout) +
    new TextDecoder().decode(child.stderr);
  assert.equal(child.code, 1, output);
  assert.match(output, /401|token/i);

  const texts = [...lines, ...f.logs, ...errors.flatMap(errorTexts), output];
  assert.equal(errors.length, 7);
  assert.ok(lines.length >= 3, lines.join("\n"));
  assert.ok(f.logs.length >= 3, f.logs.join("\n"));
  for (const text of texts) {
    for (const secret of [...secrets, FAKE_TOKEN_PREFIX, SECRET_MARK]) {
      // The message names the leak without printing it: CI scans for them.
      assert.equal(
        text.includes(secret),
        false,
        `leaked in: ${
          [...secrets, FAKE_TOKEN_PREFIX, SECRET_MARK].reduce(
            (line, hidden) => line.replaceAll(hidden, "<secret>"),
            text,
          )
        }`,
      );
    }
  }
});

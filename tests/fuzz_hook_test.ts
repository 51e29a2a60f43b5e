import assert from "node:assert/strict";
import { EventQueue, type SpaceEvent } from "../mod.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { createHookHandler } from "../server.ts";
import { pool, Rng, withSeed } from "./_fuzz.ts";
import { buildCase, pickKind, type World } from "./_fuzz_hook_cases.ts";
import { SECRET } from "./_fuzz_hook_payloads.ts";
import { webexFixture } from "./_webex.ts";

const CASES = 10_000;
const IN_FLIGHT = 16;
/** Longest a single request may take: a hung server fails, it never stalls CI. */
const REQUEST_TIMEOUT_MS = 15_000;

Deno.test("fuzz: 10,000 hostile requests to the hook route never give a 5xx nor enqueue an unsigned event", () =>
  withSeed("fuzz_hook", async (seed) => {
    const ears = new EventQueue<SpaceEvent>();
    await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
    const plan = Array.from({ length: CASES }, (_, index) => {
      const rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
      return { rng, kind: pickKind(rng) };
    });
    const validCount = plan.filter((item) => item.kind === "valid").length;
    const makeMessage = (text: string) =>
      f.webex.simulateMessage({
        from: f.alice,
        roomId: f.roomId,
        text,
        mentions: [f.webex.bot],
      });
    const world: World = {
      valid: Array.from({ length: validCount }, (_, n) => makeMessage(`v${n}`)),
      decoys: Array.from({ length: 50 }, (_, n) => makeMessage(`decoy ${n}`)),
      roomId: f.roomId,
      aliceId: f.alice.id,
      botId: f.webex.bot.id,
    };
    const validIndexes = new Map<number, number>();
    plan.forEach((item, index) => {
      if (item.kind === "valid") validIndexes.set(index, validIndexes.size);
    });

    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      createHookHandler(f.space),
    );
    const base = `http://127.0.0.1:${server.addr.port}`;
    // How many validly signed deliveries named each data.id.
    const signedIds = new Map<string, number>();
    let signedMessageDeliveries = 0;
    const statuses = new Map<string, number>();
    // Collected rather than thrown, so that one run shows every kind of failure.
    const failures: string[] = [];
    try {
      await pool(CASES, IN_FLIGHT, async (index) => {
        const { rng, kind } = plan[index];
        const test = await buildCase(
          rng,
          kind,
          index,
          world,
          validIndexes.get(index) ?? 0,
        );
        if (test.signedId !== undefined) {
          const id = test.signedId;
          if (id) signedIds.set(id, (signedIds.get(id) ?? 0) + 1);
          signedMessageDeliveries++;
        }
        const response = await fetch(base + test.path, {
          method: test.method,
          headers: test.headers,
          body: test.body,
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        const text = await response.text();
        const key = `${kind} ${response.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        const problem = response.status >= 500
          ? "a 5xx"
          : !test.accept.includes(response.status)
          ? `not in ${test.accept}`
          : /\bat \S+:\d+/.test(text)
          ? "a stack trace in the answer"
          : undefined;
        if (problem) {
          failures.push(
            `case ${index} (${kind}): ${response.status} ${text}: ${problem}; body ${
              JSON.stringify(String(test.body).slice(0, 200))
            }`,
          );
        }
      });
      const health = await fetch(`${base}/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(await health.json(), { status: "ok" });
    } finally {
      await server.shutdown();
    }
    assert.deepEqual(
      failures.slice(0, 5),
      [],
      `${failures.length} bad answers (seed ${seed}); answers by kind: ${
        JSON.stringify(Object.fromEntries([...statuses].sort()))
      }`,
    );

    // Every event on ears comes from a validly signed delivery, and the
    // deliberate ones (each with its own id, some sent twice) came once.
    ears.close();
    const seen = new Map<string, number>();
    for await (const event of ears) {
      const id = event.type === "message" ? event.id! : String(event.raw?.id);
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    for (const [id, times] of seen) {
      const signed = signedIds.get(id) ?? 0;
      assert.ok(
        times <= signed,
        `enqueued ${times} times, signed ${signed}: ${id}`,
      );
    }
    for (const message of world.valid) {
      assert.equal(seen.get(String(message.id)), 1, String(message.id));
    }
    for (const message of world.decoys) {
      assert.equal(seen.has(String(message.id)), false);
    }
    plan.forEach((item, index) => {
      if (item.kind === "membership") {
        assert.equal(seen.get(`membership-${index}`), 1);
      }
    });
    // Unsigned deliveries never reach the Webex API.
    assert.ok(
      f.webex.requestCount("GET /messages/{id}") <= signedMessageDeliveries,
    );
    assert.equal(f.logs.some((line) => /failed on/.test(line)), false);
    assert.equal(f.logs.some((line) => line.includes(SECRET)), false);
  }));

Deno.test("a signed delivery whose data.id cannot be a Webex id is refused with a 4xx, not retried with a 503", async () => {
  // Found by the fuzz test above: a lone surrogate makes encodeURIComponent
  // throw, and a huge id makes the message fetch fail; both gave 503, so
  // Webex would deliver them again and again until it disables the webhook.
  await using f = await webexFixture({ webhook_secret: SECRET });
  for (const id of ["\ud800", `abc\udfffdef`, "x".repeat(100_000)]) {
    const body = JSON.stringify({
      resource: "messages",
      event: "created",
      data: { id },
    });
    const response = await f.space.webhook(
      new Request("http://127.0.0.1/hook", {
        method: "POST",
        headers: { "x-spark-signature": await signBody(body, SECRET) },
        body,
      }),
    );
    await response.body?.cancel();
    assert.ok(
      response.status >= 400 && response.status < 500,
      `id of ${id.length} chars: ${response.status}`,
    );
  }
  assert.ok(f.logs.every((line) => line.length < 2_000), "a huge log line");
});

import assert from "node:assert/strict";
import { EventQueue, signBody, type SpaceEvent } from "../mod.ts";
import { createHookHandler } from "../server.ts";
import { fakeWebexId as webexId } from "../testing.ts";
import { deepJson, fuzzSeed, pool, Rng } from "./_fuzz.ts";
import { messageDelivery, webexFixture } from "./_webex.ts";

// Test secrets start with "test-secret-" so CI can scan the output for them.
const SECRET = "test-secret-fuzz-hook";
const CASES = 10_000;
const IN_FLIGHT = 16;
const LIMIT = 1_048_576;
/** Longest a single request may take: a hung server fails, it never stalls CI. */
const REQUEST_TIMEOUT_MS = 15_000;

const KINDS = {
  valid: 4,
  duplicate: 2,
  membership: 3,
  own: 1,
  unknownId: 6,
  badSignature: 20,
  invalidJson: 12,
  wrongTypes: 24,
  deep: 4,
  huge: 0.4,
  chunked: 0.3,
  unknownResource: 8,
  route: 3,
} as const;
type Kind = keyof typeof KINDS;

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
  undefined,
];

/** One generated request, and the statuses it may get. */
interface Case {
  kind: Kind;
  method: string;
  path: string;
  headers: Headers;
  body?: BodyInit;
  accept: number[];
  /** Set for a validly signed delivery: what it may enqueue. */
  signedId?: string;
}

function pickKind(rng: Rng): Kind {
  const total = Object.values(KINDS).reduce((sum, weight) => sum + weight, 0);
  let draw = rng.next() * total;
  for (const [kind, weight] of Object.entries(KINDS)) {
    draw -= weight;
    if (draw < 0) return kind as Kind;
  }
  return "wrongTypes";
}

/** Ways to get a signature wrong, from the right one. */
function badSignature(rng: Rng, right: string, body: string): Promise<string> {
  const flip = rng.int(40);
  const variants: (() => string | Promise<string>)[] = [
    () => "",
    () => right.slice(0, 39),
    () => right.slice(0, rng.int(40)),
    () => right + "0",
    () =>
      right.slice(0, flip) + (right[flip] === "0" ? "1" : "0") +
      right.slice(flip + 1),
    () => signBody(body, "test-secret-other"),
    () => signBody(body + " ", SECRET),
    () => `sha1=${right}`,
    () => rng.chars(40, "0123456789abcdef"),
    () => rng.chars(40, "0123456789ABCDEF"),
    () => rng.chars(1 + rng.int(80), "ghijklmnop!#$%&*+-.^_|~ "),
    () => `${right}, ${right}`,
    () => SECRET,
    () => right.replace(/[0-9a-f]/, "g"),
  ];
  return Promise.resolve(rng.pick(variants)());
}

/** A right signature, sometimes in uppercase hex: the same 20 bytes. */
async function goodSignature(rng: Rng, body: string): Promise<string> {
  const right = await signBody(body, SECRET);
  return rng.chance(0.1) ? right.toUpperCase() : right;
}

function membershipPayload(id: string, roomId: string, personId: string) {
  return {
    id: "WEBHOOK",
    name: "shellbot-memberships",
    resource: "memberships",
    event: "created",
    data: {
      id,
      roomId,
      personId,
      personEmail: "someone@acme.com",
      created: "2024-01-01T00:00:00.000Z",
    },
  };
}

/** The `data.id` a signed body names, which may end up on ears. */
function dataId(text: string): string | undefined {
  try {
    const id = JSON.parse(text)?.data?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

function unknownMessageId(rng: Rng): string {
  const id = webexId("MESSAGE", crypto.randomUUID());
  return rng.chance(0.5) ? id.replace(/=+$/, "") : id;
}

/** Sets or deletes one field of a delivery to a random JSON value. */
function mutate(rng: Rng, payload: Record<string, unknown>): void {
  const data = payload.data;
  const nested = typeof data === "object" && data !== null &&
      !Array.isArray(data)
    ? data as Record<string, unknown>
    : payload;
  const [target, key] = rng.pick([
    [payload, "resource"],
    [payload, "event"],
    [payload, "data"],
    [payload, "name"],
    [payload, "id"],
    [nested, "id"],
    [nested, "roomId"],
    [nested, "personId"],
    [nested, "personEmail"],
    [nested, "created"],
    [nested, rng.string()],
  ] as [Record<string, unknown>, string][]);
  if (rng.chance(0.15)) delete target[key];
  // defineProperty, so that "__proto__" becomes a key like any other.
  else {
    Object.defineProperty(target, key, {
      value: rng.json(3),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/** The world the cases refer to: real messages, decoys, the bot. */
interface World {
  valid: Record<string, unknown>[];
  decoys: Record<string, unknown>[];
  roomId: string;
  aliceId: string;
  botId: string;
}

async function buildCase(
  rng: Rng,
  kind: Kind,
  index: number,
  world: World,
  validIndex: number,
): Promise<Case> {
  const headers = new Headers();
  const contentType = rng.pick(CONTENT_TYPES);
  if (contentType !== undefined) headers.set("content-type", contentType);
  const post = (body: BodyInit, accept: number[], signedId?: string): Case => ({
    kind,
    method: "POST",
    path: "/hook",
    headers,
    body,
    accept,
    signedId,
  });
  const signed = async (text: string, accept: number[], id?: string) => {
    headers.set("x-spark-signature", await goodSignature(rng, text));
    return post(text, accept, id ?? dataId(text) ?? "");
  };
  const decoy = rng.pick(world.decoys);
  switch (kind) {
    case "valid":
    case "duplicate": {
      const message = kind === "valid"
        ? world.valid[validIndex]
        : rng.pick(world.valid);
      const payload = messageDelivery(message);
      if (rng.chance(0.3)) {
        payload.data.id = String(message.id).replace(/=+$/, "");
      }
      return await signed(JSON.stringify(payload), [200], String(message.id));
    }
    case "membership": {
      const payload = membershipPayload(
        `membership-${index}`,
        world.roomId,
        world.aliceId,
      );
      return await signed(JSON.stringify(payload), [200], payload.data.id);
    }
    case "own": {
      const payload = messageDelivery({ ...decoy, personId: world.botId });
      return await signed(JSON.stringify(payload), [200]);
    }
    case "unknownId": {
      const payload = messageDelivery(decoy);
      payload.data.id = rng.chance(0.8) ? unknownMessageId(rng) : rng.string();
      const text = JSON.stringify(payload);
      if (rng.chance(0.3)) return post(text, [401]);
      // A random string may be refused as no Webex id (400), or looked up
      // and not found (200); it may never be a 5xx.
      return await signed(text, payload.data.id === "" ? [400] : [200, 400]);
    }
    case "badSignature": {
      const payload = rng.chance(0.6)
        ? messageDelivery(decoy)
        : membershipPayload(`decoy-membership-${index}`, world.roomId, "p");
      const text = JSON.stringify(payload);
      if (rng.chance(0.15)) return post(text, [401]);
      const right = await signBody(text, SECRET);
      headers.set("x-spark-signature", await badSignature(rng, right, text));
      return post(text, [401]);
    }
    case "invalidJson": {
      const valid = JSON.stringify(messageDelivery(decoy));
      const text = rng.pick([
        () => valid.slice(0, rng.int(valid.length)),
        () => valid + rng.pick(["}", ",", "x", "]"]),
        () => valid.replace(":", ""),
        () => rng.nasty(),
        () => "{",
        () => "",
        () => "undefined",
        () => "{'resource':'messages'}",
        () => '{"a":1,}',
        () => "NaN",
      ])();
      if (rng.chance(0.3)) return post(text, [401]);
      return await signed(text, [400]);
    }
    case "wrongTypes": {
      const payload: Record<string, unknown> = rng.chance(0.5)
        ? messageDelivery({ ...decoy, id: unknownMessageId(rng) })
        : membershipPayload(`typed-${index}`, world.roomId, "p");
      for (let round = 1 + rng.int(3); round > 0; round--) {
        mutate(rng, payload);
      }
      const text = JSON.stringify(payload);
      if (rng.chance(0.2)) return post(text, [401]);
      return await signed(text, [200, 400]);
    }
    case "deep": {
      const levels = rng.pick([1_000, 10_000, 100_000]);
      const deep = deepJson(levels, rng.chance(0.5) ? "array" : "object");
      const where = rng.int(3);
      const text = where === 0
        ? deep
        : where === 1
        ? `{"resource":"memberships","event":"created","data":{"id":"deep-${index}","roomId":"r","personId":"p","x":${deep}}}`
        : `{"resource":"messages","event":"created","data":{"id":"${
          unknownMessageId(rng)
        }","x":${deep}}}`;
      if (rng.chance(0.3)) return post(text, [401]);
      return await signed(text, where === 0 ? [400] : [200]);
    }
    case "huge": {
      const size = rng.pick([
        LIMIT,
        LIMIT + 1,
        LIMIT - 1,
        LIMIT + rng.int(4096),
        LIMIT - rng.int(4096),
        LIMIT * 2,
        LIMIT >> 1,
      ]);
      const field = rng.pick(["pad", "resource", "id"]);
      const head = field === "resource"
        ? `{"event":"created","data":{"id":"x"},"resource":"`
        : field === "id"
        ? `{"resource":"messages","event":"created","data":{"id":"`
        : `{"resource":"messages","event":"created","data":{"id":"${
          unknownMessageId(rng)
        }","pad":"`;
      const tail = field === "resource" ? `"}` : `"}}`;
      const fill = Math.max(0, size - head.length - tail.length);
      const text = head + "x".repeat(fill) + tail;
      if (text.length > LIMIT) return post(text, [413]);
      if (rng.chance(0.4)) return post(text, [401]);
      return await signed(text, field === "id" ? [200, 400] : [200]);
    }
    case "chunked": {
      const size = rng.pick([LIMIT + 1, LIMIT * 2, 4096]);
      const chunk = new TextEncoder().encode("z".repeat(65_536));
      let left = size;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (left <= 0) return controller.close();
          const piece = chunk.subarray(0, Math.min(left, chunk.length));
          left -= piece.length;
          controller.enqueue(piece);
        },
      });
      return post(body, size > LIMIT ? [413] : [401]);
    }
    case "unknownResource": {
      let resource: string, event: string;
      do {
        resource = rng.pick([
          "rooms",
          "attachmentActions",
          "meetings",
          "messages",
          "memberships",
          rng.string(),
        ]);
        event = rng.pick(["created", "updated", "deleted", rng.string()]);
      } while (
        // Handled deliveries: what remains must be acknowledged and dropped.
        (resource === "messages" &&
          (event === "created" || event === "deleted")) ||
        (resource === "attachmentActions" && event === "created") ||
        (resource === "memberships" &&
          (event === "created" || event === "deleted"))
      );
      const payload = { resource, event, data: { id: `other-${index}` } };
      return await signed(JSON.stringify(payload), [200]);
    }
    case "route": {
      // Unsigned, so that nothing may be enqueued whatever the route does.
      const [method, path] = rng.pick([
        ["GET", "/hook"],
        ["PUT", "/hook"],
        ["DELETE", "/hook"],
        ["PATCH", "/hook"],
        ["OPTIONS", "/hook"],
        ["POST", "/hook/"],
        ["POST", "/HOOK"],
        ["POST", "/health"],
        ["POST", "/"],
        ["POST", "/%68ook"],
        ["POST", "/hook?x=1"],
        ["GET", `/${rng.chars(8, "abc%/.")}`],
      ]);
      const hasBody = method !== "GET";
      return {
        kind,
        method,
        path,
        headers,
        body: hasBody ? JSON.stringify(messageDelivery(decoy)) : undefined,
        accept: [401, 404, 405],
      };
    }
  }
}

Deno.test("fuzz: 10,000 hostile requests to the hook route never give a 5xx nor enqueue an unsigned event", async () => {
  const seed = fuzzSeed();
  console.log(`fuzz_hook seed ${seed} (rerun with FUZZ_SEED=${seed})`);
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
  const started = performance.now();
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
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `fuzz_hook: ${CASES} requests in ${seconds.toFixed(1)} s;`,
    JSON.stringify(Object.fromEntries([...statuses].sort())),
  );

  assert.deepEqual(
    failures.slice(0, 5),
    [],
    `${failures.length} bad answers (seed ${seed})`,
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
});

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

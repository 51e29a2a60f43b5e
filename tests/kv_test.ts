import assert from "node:assert/strict";
import { startServer } from "../server.ts";
import { ConfigurationError, SpacesError } from "../spaces/errors.ts";
import { KvDedupeStore, KvQueue } from "../spaces/kv.ts";
import { FakeWebex } from "../testing.ts";
import { openFrontDoor } from "./_ports.ts";

/** A temp dir with a KV file path in it, removed on dispose. */
async function tempKv() {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_kv_" });
  return {
    path: `${dir}/test.kv`,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Resolves when `count` items were seen, or rejects after `ms`. */
function collector<T>(count: number, ms = 10_000) {
  const items: T[] = [];
  const { promise, resolve, reject } = Promise.withResolvers<T[]>();
  const timer = setTimeout(
    () => reject(new Error(`Saw ${items.length} of ${count} items in time`)),
    ms,
  );
  const done = promise.finally(() => clearTimeout(timer));
  return {
    items,
    done,
    add(item: T) {
      items.push(item);
      if (items.length >= count) resolve(items);
    },
  };
}

Deno.test("KvQueue: put and listen round trip on a KV file, as JSON", async () => {
  await using file = await tempKv();
  const queue = await KvQueue.open<{ n: number; gone?: string }>(file.path);
  const seen = collector<{ n: number; gone?: string }>(20);
  const listening = queue.listen((item) => seen.add(item));
  for (let n = 0; n < 20; n++) await queue.put({ n, gone: undefined });
  const items = await seen.done;
  assert.deepEqual(
    items.map((item) => item.n).sort((a, b) => a - b),
    [...Array(20).keys()],
  );
  assert.ok(items.every((item) => !("gone" in item)), "JSON drops undefined");
  await queue.close();
  await listening;
});

Deno.test("KvQueue: a throwing handler is retried, and an item that always fails is kept", async () => {
  await using file = await tempKv();
  using kv = await Deno.openKv(file.path);
  // The key each item is kept under when it fails every attempt, read from
  // the enqueue options, so that the test can watch it being written.
  const undeliveredKeys: Deno.KvKey[] = [];
  const spy = new Proxy(kv, {
    get(target, property) {
      if (property === "enqueue") {
        return (
          value: unknown,
          options: { keysIfUndelivered: Deno.KvKey[] },
        ) => {
          undeliveredKeys.push(...options.keysIfUndelivered);
          return target.enqueue(value, options);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  const queue = new KvQueue<string>(spy, {
    backoffSchedule: [0, 0],
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  const attempts = new Map<string, number>();
  const handled = collector<string>(1);
  const failedThrice = collector<string>(1);
  // Deno prints "Exception in queue handler" for each throw below, from
  // inside the runtime: the test cannot silence it.
  const listening = queue.listen((item) => {
    const attempt = (attempts.get(item) ?? 0) + 1;
    attempts.set(item, attempt);
    if (item === "flaky" && attempt === 1) throw new Error("not yet");
    if (item === "broken") {
      if (attempt === 3) failedThrice.add(item);
      throw new Error("never");
    }
    handled.add(item);
  });
  await queue.put("flaky");
  await queue.put("broken");
  assert.deepEqual(await handled.done, ["flaky"]);
  assert.equal(attempts.get("flaky"), 2);
  await failedThrice.done;
  // KV stores the item once the last attempt has been acknowledged.
  const kept = collector<unknown>(1);
  const watching = (async () => {
    for await (const [entry] of kv.watch([undeliveredKeys[1]])) {
      if (entry.value !== null) return kept.add(entry.value);
    }
  })();
  await kept.done;
  await watching;
  assert.deepEqual(await Array.fromAsync(queue.undelivered()), ["broken"]);
  assert.equal(attempts.get("broken"), 3, "1 attempt + 2 retries");
  await queue.close();
  kv.close();
  await listening;
});

Deno.test("KvQueue: close waits for the jobs under way, then refuses puts", async () => {
  await using file = await tempKv();
  const queue = await KvQueue.open<string>(file.path);
  const started = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  let finished = false;
  const listening = queue.listen(async () => {
    started.resolve();
    await release.promise;
    finished = true;
  });
  await queue.put("slow");
  await started.promise;
  let closed = false;
  const closing = queue.close().then(() => closed = true);
  await Promise.resolve();
  assert.equal(closed, false, "close waits for the job");
  release.resolve();
  await closing;
  assert.equal(finished, true);
  await listening;
  await assert.rejects(queue.put("late"), SpacesError);
  assert.throws(() => queue.listen(() => {}), SpacesError);
});

Deno.test("KvQueue: other users of the KV are left out; one listener per handle", async () => {
  await using file = await tempKv();
  using kv = await Deno.openKv(file.path);
  const queue = new KvQueue<string>(kv, { name: "mine" });
  const other = new KvQueue<string>(kv, { name: "theirs" });
  const seen = collector<string>(2);
  const listening = queue.listen((item) => seen.add(item));
  assert.throws(() => other.listen(() => {}), /already listens/);
  await kv.enqueue("a foreign message");
  await kv.enqueue({ shellbotQueue: "theirs", item: "not mine" });
  await queue.put("one");
  await queue.put("two");
  assert.deepEqual((await seen.done).sort(), ["one", "two"]);
  await queue.close();
  assert.deepEqual(seen.items.sort(), ["one", "two"]);
  // A borrowed KV stays open: listening ends when its owner closes it.
  assert.equal((await kv.get(["nothing"])).value, null);
  await listening;
});

Deno.test("KvQueue: items wait in the file for a listener that starts later", async () => {
  await using file = await tempKv();
  const producer = await KvQueue.open<number>(file.path);
  for (let n = 0; n < 30; n++) await producer.put(n);
  await producer.close();
  const consumer = await KvQueue.open<number>(file.path);
  const seen = collector<number>(30);
  const listening = consumer.listen((n) => seen.add(n));
  assert.deepEqual(
    (await seen.done).sort((a, b) => a - b),
    [...Array(30).keys()],
  );
  await consumer.close();
  await listening;
});

Deno.test("KvQueue: a job left by a process that died is handled by another", async () => {
  await using file = await tempKv();
  // The child takes the item and dies holding it, without acknowledging it.
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      "--unstable-kv",
      `const kv = await Deno.openKv(${JSON.stringify(file.path)});
       await kv.enqueue({ shellbotQueue: "shellbot", item: "orphan" });
       kv.listenQueue(() => { console.log("taken"); return new Promise(() => {}); });`,
    ],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value?.trim(), "taken");
  child.kill("SIGKILL");
  await child.status;
  await reader.cancel();
  const queue = await KvQueue.open<string>(file.path, { sweepInterval: 200 });
  // Deno marks a job dead 5 s after its process stopped renewing it.
  const seen = collector<string>(1, 20_000);
  const listening = queue.listen((item) => seen.add(item));
  assert.deepEqual(await seen.done, ["orphan"]);
  await queue.close();
  await listening;
});

Deno.test("KvDedupeStore: claim, complete, release; a live claim elsewhere throws", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  assert.equal(await store.claim("a"), true);
  await assert.rejects(store.claim("a"), (error: Error) => {
    assert.ok(error instanceof SpacesError);
    assert.match(error.message, /'a' is being handled elsewhere/);
    return true;
  });
  await store.complete("a");
  assert.equal(await store.claim("a"), false);
  await store.release("a");
  assert.equal(await store.claim("a"), false, "a handled event stays handled");
  assert.equal(await store.claim("b"), true);
  await store.release("b");
  assert.equal(await store.claim("b"), true, "a released claim is free again");
  const record = await kv.get<{ state: string; until: number }>([
    "shellbot",
    "dedupe",
    "event",
    "a",
  ]);
  assert.equal(record.value?.state, "done");
});

Deno.test("KvDedupeStore: leases and records expire by the clock", async () => {
  using kv = await Deno.openKv(":memory:");
  let now = 1_000_000;
  const store = new KvDedupeStore(kv, { lease: 5_000, now: () => now });
  assert.equal(await store.claim("crashed"), true);
  now += 4_999;
  await assert.rejects(store.claim("crashed"), SpacesError);
  now += 2;
  assert.equal(await store.claim("crashed"), true, "the lease lapsed");
  await store.complete("crashed");
  now += 599_999;
  assert.equal(await store.claim("crashed"), false);
  now += 2;
  assert.equal(await store.claim("crashed"), true, "forgotten after 10 min");
  assert.throws(() => new KvDedupeStore(kv, { ttl: 60_000 }), RangeError);
  assert.throws(() => new KvDedupeStore(kv, { lease: 0 }), RangeError);
});

Deno.test("KvDedupeStore: two handles on one file racing on claim, exactly one wins", async () => {
  await using file = await tempKv();
  using first = await Deno.openKv(file.path);
  using second = await Deno.openKv(file.path);
  const stores = [new KvDedupeStore(first), new KvDedupeStore(second)];
  for (let round = 0; round < 50; round++) {
    const key = `message:${round}`;
    const outcomes = await Promise.allSettled(
      [stores[round % 2], stores[(round + 1) % 2]].map((store) =>
        store.claim(key)
      ),
    );
    const won = outcomes.filter((outcome) =>
      outcome.status === "fulfilled" && outcome.value === true
    );
    assert.equal(won.length, 1, `one winner for ${key}`);
    const lost = outcomes.find((outcome) => outcome !== won[0])!;
    assert.ok(
      lost.status === "rejected" && lost.reason instanceof SpacesError,
      "the loser is told to try later",
    );
  }
  await stores[0].complete("message:0");
  assert.equal(await stores[1].claim("message:0"), false);
});

Deno.test("KvDedupeStore: polling cursors are shared through the KV", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  assert.equal(await store.loadCursor("room:R1"), undefined);
  await store.saveCursor("room:R1", '{"stamp":1}');
  assert.equal(
    await new KvDedupeStore(kv).loadCursor("room:R1"),
    '{"stamp":1}',
  );
});

Deno.test("startServer with DENO_KV_PATH: accepted at once, answered by the KV worker, webhooks left for others", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  // Webex delivers to the front door, which forwards to the server once
  // it listens: the URL must be known before the server starts.
  await using front = openFrontDoor();
  const env: Record<string, string> = { DENO_KV_PATH: file.path };
  const replied = Promise.withResolvers<void>();
  const running = await startServer({
    bot: async (event, space) => {
      if (event.type === "message" && event.channelId) {
        await space.postMessage(event.channelId, `echo: ${event.text}`);
        replied.resolve();
      }
    },
    settings: {
      space: {
        room: "Ops",
        token: webex.bot.token,
        api_url: webex.url,
        webhook_secret: "kv-secret",
      },
      server: { url: front.url },
    },
    env: (name) => env[name],
    hostname: "127.0.0.1",
    port: 0,
  });
  front.route(running.address);
  try {
    const hook = webex.webhooks().find((item) =>
      item.name === "shellbot-messages"
    )!;
    const sent = webex.simulateMessage({
      from: alice,
      roomId: String(room.id),
      text: "via kv",
      mentions: [webex.bot],
    });
    // The same delivery again, by hand, to read the receiver's answer.
    const body = JSON.stringify({
      ...hook,
      resource: "messages",
      event: "created",
      data: { id: sent.id, roomId: room.id, personId: alice.id },
    });
    const { signBody } = await import("../spaces/webex/signature.ts");
    const answer = await fetch(`${running.address}/hook`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-spark-signature": await signBody(body, "kv-secret"),
      },
      body,
    });
    assert.deepEqual(await answer.json(), { status: "accepted" });
    await replied.promise;
    await webex.settled();
    assert.deepEqual(webex.postedByBot().map((message) => message.text), [
      "echo: via kv",
    ]);
  } finally {
    await running.stop();
  }
  assert.equal(webex.webhooks().length, 3, "the webhooks stay registered");
});

Deno.test("startServer refuses a lease that is not a positive number of seconds", async () => {
  await using webex = await FakeWebex.start();
  webex.addRoom({ title: "Ops" });
  await assert.rejects(
    startServer({
      settings: {
        space: {
          room: "Ops",
          token: webex.bot.token,
          api_url: webex.url,
          kv: ":memory:",
          kv_lease: "soon",
        },
      },
      env: () => undefined,
      hostname: "127.0.0.1",
      port: 0,
    }),
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.equal(error.key, "space.kv_lease");
      return true;
    },
  );
});

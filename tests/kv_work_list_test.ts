import assert from "node:assert/strict";
import { KvWorkList, QueueFullError } from "../spaces/kv/_work_list.ts";
import { quietLogger } from "../spaces/log.ts";
import { withDeadline } from "../spaces/_sleep.ts";

const logger = quietLogger;

Deno.test("KvWorkList: items are handled once each, oldest first, and leave the count at 0", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<number>(kv, { logger, concurrency: 1 });
  const seen: number[] = [];
  const all = Promise.withResolvers<void>();
  for (let item = 0; item < 20; item++) await list.put(item);
  assert.equal(await list.size(), 20);
  list.start(async (item) => {
    seen.push(item);
    if (seen.length === 20) all.resolve();
  });
  await all.promise;
  assert.equal(await list.drain(5_000), true);
  assert.deepEqual(seen, Array.from({ length: 20 }, (_, index) => index));
  assert.equal(await list.size(), 0);
});

Deno.test("KvWorkList: past its bound, put throws QueueFullError; a handled item frees room", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<string>(kv, { logger, bound: 2 });
  await list.put("a");
  await list.put("b");
  await assert.rejects(() => list.put("c"), QueueFullError);
  const done = Promise.withResolvers<void>();
  list.start(async (item) => void (item === "a" && done.resolve()));
  await done.promise;
  assert.equal(await list.drain(5_000), true);
  await list.put("c");
  assert.equal(await list.size(), 1);
});

Deno.test("KvWorkList: a burst into a queue with room for some takes those and refuses only the rest", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<number>(kv, { logger, bound: 5 });
  // 50 puts at once are committed together: the bound must cut the batch,
  // not refuse it whole (found by an attack: 1 taken, 49 refused).
  const results = await Promise.allSettled(
    Array.from({ length: 50 }, (_, index) => list.put(index)),
  );
  const taken = results.filter((result) => result.status === "fulfilled");
  const refused = results.filter((result) => result.status === "rejected");
  assert.equal(taken.length, 5);
  assert.equal(refused.length, 45);
  assert.ok(
    refused.every((result) =>
      (result as PromiseRejectedResult).reason instanceof QueueFullError
    ),
  );
  assert.equal(await list.size(), 5);
});

Deno.test("KvWorkList: a job abandoned by stop() goes back to the list, for the next worker at once", async () => {
  await using file = {
    dir: await Deno.makeTempDir({ prefix: "shellbot_work_" }),
    async [Symbol.asyncDispose]() {
      await Deno.remove(this.dir, { recursive: true });
    },
  };
  const path = `${file.dir}/kv.sqlite3`;
  {
    using kv = await Deno.openKv(path);
    const list = new KvWorkList<string>(kv, { logger });
    await list.put("stuck");
    const started = Promise.withResolvers<void>();
    list.start(() => {
      started.resolve();
      return new Promise<void>(() => {}); // a bot that never returns
    });
    await started.promise;
    await list.stop();
  }
  using kv = await Deno.openKv(path);
  const list = new KvWorkList<string>(kv, { logger });
  assert.equal(await list.size(), 1);
  const again = Promise.withResolvers<string>();
  list.start(async (item) => again.resolve(item));
  assert.equal(await again.promise, "stuck");
  assert.equal(await list.drain(5_000), true);
});

Deno.test("KvWorkList: a failing item is tried again, then set aside", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<string>(kv, { logger, attempts: 1 });
  await list.put("bad");
  const failed = Promise.withResolvers<void>();
  list.start(() => {
    failed.resolve();
    throw new Error("never");
  });
  await failed.promise;
  assert.equal(await list.drain(5_000), true);
  const aside = await Array.fromAsync(
    kv.list({ prefix: ["shellbot", "work", "undelivered"] }),
  );
  assert.deepEqual(aside.map((entry) => entry.value), ["bad"]);
});

Deno.test("KvWorkList: items it did not put (left by a restart, or past what it keeps in memory) are all taken, read after read, not one room a poll", async () => {
  using kv = await Deno.openKv(":memory:");
  // A list that puts and stops: as a process that died with work left.
  const before = new KvWorkList<number>(kv, { logger });
  for (let item = 0; item < 60; item++) await before.put(item);
  // One that keeps 1,024 items in memory gets 1,100: 76 only in the KV.
  const list = new KvWorkList<number>(kv, {
    logger,
    concurrency: 4,
    pollInterval: 600_000, // a look at the KV on the clock would come too late
  });
  await Promise.all(
    Array.from({ length: 1100 }, (_, index) => list.put(1000 + index)),
  );
  const seen = new Set<number>();
  const all = Promise.withResolvers<void>();
  list.start(async (item) => {
    seen.add(item);
    if (seen.size === 1160) all.resolve();
  });
  await withDeadline(
    all.promise,
    60_000,
    () => new Error(`${seen.size} of 1160 taken`),
  );
  assert.equal(await list.drain(5_000), true);
  assert.equal(await list.size(), 0);
});

Deno.test("KvWorkList: puts that wait for the KV are bounded too: past the bound they are refused at once, before any commit", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<number>(kv, { logger, bound: 3 });
  // Ten puts in one turn: the first goes to a commit at once, three wait
  // (the bound), the other six are refused without waiting.
  const settled: string[] = [];
  const puts = Array.from({ length: 10 }, (_, item) =>
    list.put(item).then(
      () => settled.push(`${item} in`),
      (error) => {
        assert.ok(error instanceof QueueFullError);
        settled.push(`${item} refused`);
      },
    ));
  await Promise.all(puts);
  assert.deepEqual(
    settled.slice(0, 6),
    [4, 5, 6, 7, 8, 9].map((item) => `${item} refused`),
  );
  // The commit's own check of the bound lets in what fits: 0, 1, 2.
  assert.deepEqual(settled.slice(6).toSorted(), [
    "0 in",
    "1 in",
    "2 in",
    "3 refused",
  ]);
  assert.equal(await list.size(), 3);
});

Deno.test("KvWorkList: items held elsewhere (or waiting for a retry) at the head of the list do not hide the free ones behind them", async () => {
  using kv = await Deno.openKv(":memory:");
  const before = new KvWorkList<string>(kv, { logger });
  for (let index = 0; index < 300; index++) await before.put(`held ${index}`);
  await before.put("free");
  // Another instance holds the first 300, for a minute.
  for await (const entry of kv.list({ prefix: ["shellbot", "work", "item"] })) {
    if (entry.value === "free") continue;
    await kv.set(["shellbot", "work", "claim", String(entry.key.at(-1))], {
      until: Date.now() + 60_000,
      attempts: 1,
    });
  }
  const list = new KvWorkList<string>(kv, { logger, concurrency: 4 });
  const seen = Promise.withResolvers<string>();
  list.start(async (item) => seen.resolve(item));
  try {
    assert.equal(
      await withDeadline(seen.promise, 30_000, "the free item was not taken"),
      "free",
    );
  } finally {
    await list.stop();
  }
});

Deno.test("KvWorkList: puts too large to share one write (800 KiB a commit) are written apart, none refused", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<string>(kv, { logger });
  const large = "x".repeat(40_000); // 32 of them pass 800 KiB
  const results = await Promise.allSettled(
    Array.from({ length: 100 }, (_, index) => list.put(`${index} ${large}`)),
  );
  assert.deepEqual(
    results.filter((result) => result.status === "rejected"),
    [],
  );
  assert.equal(await list.size(), 100);
});

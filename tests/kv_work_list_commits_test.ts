import assert from "node:assert/strict";
import { KvWorkList, type WorkJob } from "../spaces/kv/_work_list.ts";
import { BusyError, KvDedupeStore } from "../spaces/kv/dedupe_store.ts";
import { quietLogger } from "../spaces/log.ts";
import { withDeadline } from "../spaces/_sleep.ts";

const logger = quietLogger;

/** Counts the atomic commits on `kv` (and plain sets and deletes). */
function countCommits(kv: Deno.Kv) {
  const counter = { commits: 0 };
  const atomic = kv.atomic.bind(kv);
  kv.atomic = () => {
    const write = atomic();
    const commit = write.commit.bind(write);
    write.commit = () => (counter.commits++, commit());
    return write;
  };
  const set = kv.set.bind(kv);
  kv.set = (...args) => (counter.commits++, set(...args));
  const remove = kv.delete.bind(kv);
  kv.delete = (key) => (counter.commits++, remove(key));
  return counter;
}

Deno.test("KvWorkList: items that wait are claimed in one write, each handled once, and jobs that end together share a commit", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<number>(kv, { logger, concurrency: 16 });
  for (let item = 0; item < 10; item++) await list.put(item);
  const counter = countCommits(kv);
  const seen: number[] = [];
  const all = Promise.withResolvers<void>();
  // The jobs end together: each waits until the ten have begun.
  list.start(async (item) => {
    seen.push(item);
    if (seen.length === 10) all.resolve();
    await all.promise;
  });
  await all.promise;
  assert.equal(await list.drain(5_000), true);
  assert.deepEqual(seen.toSorted((a, b) => a - b), [...Array(10).keys()]);
  assert.equal(await list.size(), 0);
  // One claim for the ten (it was one per item); the ten ends, which come
  // in one turn of the event loop, in one group commit (it was ten).
  assert.equal(counter.commits, 1 + 1, `${counter.commits} commits`);
});

Deno.test("KvWorkList: an item claimed elsewhere spoils no batch: the others are claimed one by one, it is left alone", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<string>(kv, { logger, lease: 60_000 });
  for (const item of ["a", "b", "c"]) await list.put(item);
  // Another instance holds the claim on "b", unexpired.
  const ids: string[] = [];
  for await (const entry of kv.list({ prefix: ["shellbot", "work", "item"] })) {
    ids.push(String(entry.key.at(-1)));
  }
  await kv.set(["shellbot", "work", "claim", ids[1]], {
    until: Date.now() + 60_000,
    attempts: 1,
  });
  const seen: string[] = [];
  const two = Promise.withResolvers<void>();
  list.start(async (item) => {
    seen.push(item);
    if (seen.length === 2) two.resolve();
  });
  await two.promise;
  await list.stop();
  assert.deepEqual(seen.toSorted(), ["a", "c"]);
  assert.equal(await list.size(), 1);
});

Deno.test("KvWorkList: what a job joins is written with its item's deletion; when the handler throws, alone; once ended, join says false", async () => {
  using kv = await Deno.openKv(":memory:");
  const list = new KvWorkList<string>(kv, { logger, attempts: 1 });
  await list.put("fine");
  await list.put("fails");
  const counter = countCommits(kv);
  const jobs: WorkJob[] = [];
  const both = Promise.withResolvers<void>();
  list.start(async (item, job) => {
    assert.equal(job.join((write) => write.set(["joined", item], true)), true);
    if (jobs.push(job) === 2) both.resolve();
    if (item === "fails") throw new Error("the bot failed after the record");
  });
  await both.promise;
  assert.equal(await list.drain(5_000), true);
  // A join that comes after the job's end is refused: its owner writes.
  assert.deepEqual(jobs.map((job) => job.join(() => {})), [false, false]);
  assert.equal((await kv.get(["joined", "fine"])).value, true);
  assert.equal((await kv.get(["joined", "fails"])).value, true);
  assert.equal(await list.size(), 0);
  // "fine": claim + end with its join. "fails": claim + the join alone +
  // set aside. The two claims may share a write.
  assert.ok(counter.commits <= 6, `${counter.commits} commits`);
});

Deno.test("KvDedupeStore.completingIn: the record joins the job's write; outside a job, complete writes at once", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  const list = new KvWorkList<string>(kv, { logger });
  await list.put("message:1");
  const done = Promise.withResolvers<void>();
  const commits: number[] = [];
  const counter = countCommits(kv);
  list.start((key, job) =>
    store.completingIn(job, async () => {
      assert.equal(await store.claim(key), true);
      const before = counter.commits;
      await store.complete(key);
      commits.push(counter.commits - before); // deferred: no commit here
      done.resolve();
    })
  );
  await done.promise;
  assert.equal(await list.drain(5_000), true);
  assert.deepEqual(commits, [0]);
  assert.equal(await store.claim("message:1"), false, "recorded as handled");
  assert.equal(await store.claim("message:2"), true);
  await store.complete("message:2");
  assert.equal(await store.claim("message:2"), false);
});

Deno.test("KvWorkList alsoClaim: the event's dedupe claim rides with the item's claim; a handled event is still run once; an unused claim is given back", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  const list = new KvWorkList<string>(kv, {
    logger,
    alsoClaim: (key) => ({ key, build: (write) => store.claimIn(write, key) }),
  });
  // "message:done" was handled before (another delivery of it).
  assert.equal(await store.claim("message:done"), true);
  await store.complete("message:done");
  for (const key of ["message:1", "message:2", "message:done", "skip:3"]) {
    await list.put(key);
  }
  const counter = countCommits(kv);
  const outcomes = new Map<string, string>();
  const all = Promise.withResolvers<void>();
  list.start((key, job) =>
    store.completingIn(job, async () => {
      // "skip:3" stands for a delivery dropped before its claim.
      if (key === "skip:3") outcomes.set(key, "skipped");
      else if (!await store.claim(key)) outcomes.set(key, "duplicate");
      else outcomes.set(key, job.claimed === key ? "claimed with item" : "x");
      if (outcomes.size === 4) all.resolve();
      await all.promise; // the four end together
      if (outcomes.get(key) === "claimed with item") await store.complete(key);
    })
  );
  await all.promise;
  assert.equal(await list.drain(5_000), true);
  assert.deepEqual(Object.fromEntries(outcomes), {
    "message:1": "claimed with item",
    "message:2": "claimed with item",
    "message:done": "duplicate",
    "skip:3": "skipped",
  });
  // The four claims in one group write, which failed on the handled one:
  // then halves (2), its half's halves (2), its claim alone (1) and its
  // dedupe claim (1); the ends in two group writes. One by one it was 12.
  assert.ok(counter.commits <= 9, `${counter.commits} commits`);
  assert.equal(await store.claim("message:1"), false, "recorded as handled");
  assert.equal(await store.claim("message:done"), false);
  // The unused claim of "skip:3" was given back with the job's end.
  assert.equal(await store.claim("skip:3"), true);
});

Deno.test("KvWorkList.stop gives back the event's claim with the job's: the next start takes the event at once, not after the lease", async () => {
  using kv = await Deno.openKv(":memory:");
  const withClaims = (store: KvDedupeStore) =>
    new KvWorkList<string>(kv, {
      logger,
      alsoClaim: (key) => ({
        key,
        build: (write) => store.claimIn(write, key),
        release: () => store.release(key),
      }),
    });
  const store = new KvDedupeStore(kv, { lease: 600_000 });
  const first = withClaims(store);
  await first.put("message:1");
  const started = Promise.withResolvers<void>();
  first.start((key, job) =>
    store.completingIn(job, async () => {
      await store.claim(key);
      started.resolve();
      await new Promise(() => {}); // a bot that never ends, until the stop
    })
  );
  await started.promise;
  await first.stop();
  // The next start, with a lease of ten minutes still on the first claim.
  const next = withClaims(store);
  const handled = Promise.withResolvers<string>();
  next.start((key, job) =>
    store.completingIn(job, async () => {
      if (await store.claim(key)) handled.resolve(key);
      await store.complete(key);
    })
  );
  try {
    assert.equal(
      await withDeadline(handled.promise, 30_000, "held off by the lease"),
      "message:1",
    );
  } finally {
    await next.stop();
  }
});

Deno.test("KvWorkList: an event held elsewhere costs its item no attempt: it waits for that claim, and is handled after, not set aside", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv, { lease: 1_000 });
  // Another instance holds the event, for a second.
  assert.equal(await new KvDedupeStore(kv, { lease: 1_000 }).claim("m"), true);
  const list = new KvWorkList<string>(kv, { logger, attempts: 1 });
  await list.put("m");
  const handled = Promise.withResolvers<void>();
  list.start((key, job) =>
    store.completingIn(job, async () => {
      if (await store.claim(key)) handled.resolve();
    })
  );
  try {
    await withDeadline(handled.promise, 30_000, "the item was set aside");
    assert.equal(
      (await Array.fromAsync(
        kv.list({ prefix: ["shellbot", "work", "undelivered"] }),
      )).length,
      0,
    );
  } finally {
    await list.stop();
  }
});

Deno.test("KvWorkList.stop gives back only the event claims its jobs hold: another instance's stays", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  // Another instance is handling the event.
  assert.equal(await new KvDedupeStore(kv).claim("message:1"), true);
  const list = new KvWorkList<string>(kv, {
    logger,
    alsoClaim: (key) => ({
      key,
      build: (write) => store.claimIn(write, key),
      release: () => store.release(key),
    }),
  });
  await list.put("message:1");
  const started = Promise.withResolvers<void>();
  // Its claim with the item failed: the job runs without it, and stops
  // before its own claim.
  list.start(async () => {
    started.resolve();
    await new Promise(() => {});
  });
  await started.promise;
  await list.stop();
  await assert.rejects(() => store.claim("message:1"), BusyError);
});

Deno.test("KvWorkList: an item whose event another instance handles is taken again within seconds of that end, not at the end of its lease", async () => {
  using kv = await Deno.openKv(":memory:");
  const holder = new KvDedupeStore(kv, { lease: 600_000 });
  assert.equal(await holder.claim("m"), true);
  const store = new KvDedupeStore(kv);
  const list = new KvWorkList<string>(kv, { logger });
  await list.put("m");
  const outcome = Promise.withResolvers<string>();
  let tries = 0;
  list.start((key, job) =>
    store.completingIn(job, async () => {
      let claimed: boolean;
      try {
        claimed = await store.claim(key);
      } catch (error) {
        // Busy: the holder ends right after this first try.
        if (++tries === 1) await holder.complete("m");
        throw error;
      }
      outcome.resolve(claimed ? "handled" : "duplicate");
    })
  );
  try {
    assert.equal(
      await withDeadline(outcome.promise, 30_000, "waited for the lease"),
      "duplicate",
    );
  } finally {
    await list.stop();
  }
});

import assert from "node:assert/strict";
import { GroupCommit } from "../spaces/kv/_group_commit.ts";
import { KvDedupeStore } from "../spaces/kv/dedupe_store.ts";

/** A claim of `key`: holds only when nothing is there yet. */
const claim = (key: string, owner: string) => (write: Deno.AtomicOperation) =>
  void write.check({ key: ["claim", key], versionstamp: null })
    .set(["claim", key], owner);

Deno.test("GroupCommit: writes asked for together share one commit, and each is written", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const results = await Promise.all(
    ["a", "b", "c", "d"].map((key) => group.commit(claim(key, "me"))),
  );
  assert.deepEqual(results, [true, true, true, true]);
  assert.deepEqual(group.counts, { commits: 1, writes: 4 });
  for (const key of ["a", "b", "c", "d"]) {
    assert.equal((await kv.get(["claim", key])).value, "me");
  }
});

Deno.test("GroupCommit: two claims of one key in one turn never both win (a check after a change waits for the next commit)", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const results = await Promise.all([
    group.commit(claim("k", "first")),
    group.commit(claim("k", "second")),
    group.commit(claim("other", "third")),
  ]);
  assert.deepEqual(results, [true, false, true]);
  assert.equal((await kv.get(["claim", "k"])).value, "first");
  assert.equal((await kv.get(["claim", "other"])).value, "third");
});

Deno.test("GroupCommit: a failed check costs only its own write: the others of the batch are written, each answered", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["claim", "taken"], "someone else");
  const group = new GroupCommit(kv);
  const counted = Promise.all([
    group.commit(claim("x", "me")),
    group.commit(claim("taken", "me")),
    group.commit((write) => void write.sum(["count"], 2n)),
  ]);
  assert.deepEqual(await counted, [true, false, true]);
  assert.equal((await kv.get(["claim", "taken"])).value, "someone else");
  assert.equal((await kv.get(["claim", "x"])).value, "me");
  assert.equal((await kv.get<Deno.KvU64>(["count"])).value?.value, 2n);
});

Deno.test("GroupCommit: more writes than one commit may hold are split, within the KV's limits", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  // 150 claims: 150 checks, over the 100 a commit allows.
  const results = await Promise.all(
    Array.from(
      { length: 150 },
      (_, index) => group.commit(claim(`${index}`, "me")),
    ),
  );
  assert.ok(results.every(Boolean));
  assert.ok(group.counts.commits >= 2, `${group.counts.commits} commits`);
  assert.equal(group.counts.writes, 150);
  let stored = 0;
  for await (const _ of kv.list({ prefix: ["claim"] })) stored++;
  assert.equal(stored, 150);
});

Deno.test("GroupCommit: a write the KV refuses (a value over its limit) fails alone, its neighbours are written", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const tooLarge = new Uint8Array(70_000); // values are 64 KiB at most
  const results = await Promise.allSettled([
    group.commit(claim("before", "me")),
    group.commit((write) => void write.set(["large"], tooLarge)),
    group.commit(claim("after", "me")),
  ]);
  assert.deepEqual(results.map((result) => result.status), [
    "fulfilled",
    "rejected",
    "fulfilled",
  ]);
  assert.equal((await kv.get(["claim", "before"])).value, "me");
  assert.equal((await kv.get(["claim", "after"])).value, "me");
  assert.equal((await kv.get(["large"])).versionstamp, null);
});

Deno.test("KvDedupeStore: claims of one event in one turn, from two deliveries, are won once", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  const outcomes = await Promise.allSettled([
    store.claim("message:1"),
    store.claim("message:1"),
    store.claim("message:2"),
  ]);
  // The loser sees the winner's live claim: busy, to be delivered again.
  assert.equal(outcomes[0].status, "fulfilled");
  assert.equal((outcomes[0] as PromiseFulfilledResult<boolean>).value, true);
  assert.equal(outcomes[1].status, "rejected");
  assert.equal((outcomes[2] as PromiseFulfilledResult<boolean>).value, true);
});

Deno.test("GroupCommit.flush: resolves once the writes asked for are committed, so a KV can be closed after it", async () => {
  const kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  const settled: boolean[] = [];
  // A first batch of two puts the committer under load: the next waits.
  await Promise.all([
    group.commit(claim("a", "me")),
    group.commit(claim("b", "me")),
  ]);
  for (const key of ["c", "d"]) {
    void group.commit(claim(key, "me")).then((ok) => settled.push(ok));
  }
  await group.flush();
  await Promise.resolve(); // the .then callbacks above
  assert.deepEqual(settled, [true, true]);
  kv.close();
});

Deno.test("GroupCommit: writes of one key in one commit come out as in order (sums added, the last set or delete kept)", async () => {
  using kv = await Deno.openKv(":memory:");
  await kv.set(["y"], "before");
  const group = new GroupCommit(kv);
  const results = await Promise.all([
    group.commit((write) => void write.sum(["count"], 1n).set(["x"], 1)),
    group.commit((write) => void write.sum(["count"], 2n).delete(["y"])),
    group.commit((write) => void write.set(["x"], 2).set(["y"], "after")),
    group.commit((write) => void write.sum(["count"], 4n).delete(["x"])),
    group.commit((write) => void write.set(["x"], 3)),
  ]);
  assert.deepEqual(results, [true, true, true, true, true]);
  assert.equal(group.counts.commits, 1);
  assert.equal((await kv.get<Deno.KvU64>(["count"])).value?.value, 7n);
  assert.equal((await kv.get(["x"])).value, 3);
  assert.equal((await kv.get(["y"])).value, "after");
});

Deno.test("GroupCommit: keys whose parts would run together stay apart (no set of one key is taken for another's)", async () => {
  using kv = await Deno.openKv(":memory:");
  const group = new GroupCommit(kv);
  await Promise.all([
    group.commit((write) => void write.set(["a\u0000sb"], 1)),
    group.commit((write) => void write.set(["a", "b"], 2)),
    group.commit((write) => void write.set(["a:b"], 3)),
    group.commit((write) => void write.set(["a", ":b"], 4)),
  ]);
  assert.equal(group.counts.commits, 1);
  assert.equal((await kv.get(["a\u0000sb"])).value, 1);
  assert.equal((await kv.get(["a", "b"])).value, 2);
  assert.equal((await kv.get(["a:b"])).value, 3);
  assert.equal((await kv.get(["a", ":b"])).value, 4);
});

/**
 * Group commit on Deno KV: the writes asked for while a commit is under way
 * go together in the next one. A durable event needs a few small writes
 * (claim its dedupe key, end its job, move a cursor), and a commit costs
 * far more than what it carries (a SQLite transaction, its sync to disk, a
 * round trip to the KV's thread), so under load one commit carries the
 * writes of many events, while a lone write is committed at once.
 *
 * Each write keeps its own checks: a combined commit whose checks all hold
 * is what each would have done alone, in order, since a KV evaluates all
 * the checks of a commit before its mutations. That holds unless a write
 * checks a key that an earlier one of the batch changes (two claims of one
 * key would both pass): such a write waits for the next commit. When a
 * check fails (a conflict), or the combined write breaks a limit of the
 * KV, the batch is split in halves, in order, down to writes alone, so that
 * each gets its own answer.
 *
 * @module
 */

import { setImmediate } from "node:timers";
import { retryLocked } from "../_kv_retry.ts";

/**
 * Adds one write's checks and mutations (`check`, `set`, `delete`, `sum`,
 * `min`, `max`) to an atomic operation.
 */
export type WriteBuilder = (write: Deno.AtomicOperation) => void;

interface Waiting {
  write: RecordedWrite;
  done: PromiseWithResolvers<string | null>;
}

// Deno KV allows 100 checks and 1,000 mutations in one atomic write (the
// managed KV of Deploy may allow fewer: a refused batch falls back to
// writes alone). Writes are small; 64 of them stay far under 800 KiB.
const MAX_CHECKS = 100;
const MAX_MUTATIONS = 1000;
const MAX_WRITES = 64;
/** Milliseconds since the last commit under which it counts as load. */
const RECENT = 2;
/**
 * Writes in the last commit from which on a commit waits: one event's own
 * writes come in twos (its job's end and its room's cursor), a burst's by
 * the dozen.
 */
const LOADED = 4;

const committers = new WeakMap<Deno.Kv, GroupCommit>();

/**
 * The group committer of a KV, shared by everything in this process that
 * writes to it: the more writers share it, the fuller each commit.
 */
export function groupCommitOf(kv: Deno.Kv): GroupCommit {
  let committer = committers.get(kv);
  if (!committer) {
    committer = new GroupCommit(kv);
    committers.set(kv, committer);
  }
  return committer;
}

/** Commits the writes that wait together; see the module's comment. */
export class GroupCommit {
  #kv: Deno.Kv;
  #waiting: Waiting[] = [];
  #running = false;
  #idle: (() => void)[] = [];
  /** Writes in the last commit, and when it ended: together, the load. */
  #lastBatch = 0;
  #lastEnd = 0;
  /** Commits made, and writes they carried: for tests and benchmarks. */
  readonly counts = { commits: 0, writes: 0 };

  constructor(kv: Deno.Kv) {
    this.#kv = kv;
  }

  /**
   * Commits `build`'s write, with the others that wait.
   *
   * @param build Adds the write's checks and mutations; called once, now.
   * @returns True when the write's checks held and it was committed; false
   * when one failed, and nothing of it was written.
   * @throws What the KV threw for this write alone (a locked file, a limit).
   */
  async commit(build: WriteBuilder): Promise<boolean> {
    return await this.commitStamped(build) !== null;
  }

  /**
   * As {@linkcode GroupCommit.commit}, with the versionstamp that the
   * write's keys now have.
   *
   * @returns The commit's versionstamp; null when a check failed.
   */
  commitStamped(build: WriteBuilder): Promise<string | null> {
    const done = Promise.withResolvers<string | null>();
    this.#waiting.push({ write: new RecordedWrite(build), done });
    if (!this.#running) {
      this.#running = true;
      // After this turn of the event loop: the writes asked for in the
      // same turn (a batch of jobs ending together) share the first commit.
      queueMicrotask(() => void this.#run());
    }
    return done.promise;
  }

  /** Resolves once every write asked for so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.#running) {
      const idle = Promise.withResolvers<void>();
      this.#idle.push(idle.resolve);
      await idle.promise;
    }
  }

  async #run(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        // Under load (the last commit, just now, carried several writes),
        // one turn of the event loop lets the writes of the requests and
        // answers that came meanwhile join: a commit costs a sync to disk
        // and the KV makes one at a time, so fewer, fuller commits carry
        // more events a second, for less CPU each. (A timer would wait 2
        // ms at least here.) A conversation's writes are committed at once.
        if (
          this.#lastBatch >= LOADED && this.#waiting.length < MAX_WRITES / 2 &&
          performance.now() - this.#lastEnd < RECENT
        ) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        const batch = this.#take();
        this.#lastBatch = batch.length;
        await this.#commitNext(batch);
        this.#lastEnd = performance.now();
      }
    } finally {
      this.#running = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /**
   * The oldest writes that fit in one atomic write together, up to the
   * first that checks a key an earlier one changes.
   */
  #take(): Waiting[] {
    let checks = 0;
    let mutations = 0;
    let count = 0;
    const changed = new Set<string>();
    for (const { write } of this.#waiting) {
      checks += write.checks.length;
      mutations += write.mutations.length;
      if (
        count > 0 &&
        (count === MAX_WRITES || checks > MAX_CHECKS ||
          mutations > MAX_MUTATIONS ||
          write.checkKeys.some((key) => changed.has(key)))
      ) break;
      for (const key of write.mutationKeys) changed.add(key);
      count++;
    }
    return this.#waiting.splice(0, count);
  }

  /**
   * Commits a batch; when it fails, each half on its own, and so on down
   * to single writes: one failing write among n costs about 2 log2(n)
   * commits, not n.
   */
  async #commitNext(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [waiting] = batch;
      try {
        const result = await this.#write(batch);
        waiting.done.resolve(result.ok ? result.versionstamp : null);
      } catch (error) {
        waiting.done.reject(error);
      }
      return;
    }
    const result = await this.#write(batch).catch(() => undefined);
    if (result?.ok) {
      for (const waiting of batch) waiting.done.resolve(result.versionstamp);
      return;
    }
    const half = Math.ceil(batch.length / 2);
    await this.#commitNext(batch.slice(0, half));
    await this.#commitNext(batch.slice(half));
  }

  #write(
    batch: Waiting[],
  ): Promise<Deno.KvCommitResult | Deno.KvCommitError> {
    this.counts.commits++;
    this.counts.writes += batch.length;
    const checks = batch.flatMap(({ write }) => write.checks);
    const mutations = merged(batch.map(({ write }) => write));
    return retryLocked(() =>
      this.#kv.atomic().check(...checks).mutate(...mutations).commit()
    );
  }
}

/**
 * The mutations of writes committed together, fewer: the sums of one key
 * added into one, and a set or delete that a later one of the same key
 * replaces left out (a commit's checks come before all its mutations, so
 * nothing could see it). Each job's end adds one to a count, and each
 * event moves its room's cursor: one mutation each per commit.
 */
function merged(writes: RecordedWrite[]): Deno.KvMutation[] {
  const out: (Deno.KvMutation | undefined)[] = [];
  const lastOf = new Map<string, number>();
  for (const write of writes) {
    write.mutations.forEach((mutation, index) => {
      const key = write.mutationKeys[index];
      const at = lastOf.get(key);
      const previous = at === undefined ? undefined : out[at];
      if (previous?.type === "sum" && mutation.type === "sum") {
        // KV sums wrap at 2^64: so does one sum of the two.
        const total = (previous.value.value + mutation.value.value) &
          0xffff_ffff_ffff_ffffn;
        out[at!] = { ...mutation, value: new Deno.KvU64(total) };
        return;
      }
      if (replaceable(previous) && replaceable(mutation)) out[at!] = undefined;
      lastOf.set(key, out.push(mutation) - 1);
    });
  }
  return out.filter((mutation) => mutation !== undefined);
}

function replaceable(mutation: Deno.KvMutation | undefined): boolean {
  return mutation?.type === "set" || mutation?.type === "delete";
}

/** A write's checks and mutations, as its builder gave them. */
class RecordedWrite {
  readonly checks: Deno.AtomicCheck[] = [];
  readonly mutations: Deno.KvMutation[] = [];
  #checkKeys?: string[];
  #mutationKeys?: string[];

  /** The keys checked, as text (see `keyText`). */
  get checkKeys(): string[] {
    return this.#checkKeys ??= this.checks.map((check) => keyText(check.key));
  }

  /** The keys changed, as text, one for each mutation. */
  get mutationKeys(): string[] {
    return this.#mutationKeys ??= this.mutations.map((mutation) =>
      keyText(mutation.key)
    );
  }

  constructor(build: WriteBuilder) {
    const add = (mutation: Deno.KvMutation) => {
      this.mutations.push(mutation);
      return recorder;
    };
    const recorder = {
      check: (...checks: Deno.AtomicCheck[]) => {
        this.checks.push(...checks);
        return recorder;
      },
      mutate: (...mutations: Deno.KvMutation[]) => {
        this.mutations.push(...mutations);
        return recorder;
      },
      set: (key: Deno.KvKey, value: unknown, options?: { expireIn?: number }) =>
        add({ type: "set", key, value, expireIn: options?.expireIn }),
      delete: (key: Deno.KvKey) => add({ type: "delete", key }),
      sum: (key: Deno.KvKey, n: bigint) =>
        add({ type: "sum", key, value: new Deno.KvU64(n) }),
      min: (key: Deno.KvKey, n: bigint) =>
        add({ type: "min", key, value: new Deno.KvU64(n) }),
      max: (key: Deno.KvKey, n: bigint) =>
        add({ type: "max", key, value: new Deno.KvU64(n) }),
    };
    // The builders use these methods only; others (enqueue, commit) are
    // not the business of a write that joins a group.
    build(recorder as unknown as Deno.AtomicOperation);
  }
}

/**
 * A key as text, to compare keys: each part with its type and, for a
 * string, its length, so that no two keys give the same text.
 */
function keyText(key: Deno.KvKey): string {
  let text = "";
  for (const part of key) {
    text += typeof part === "string"
      ? `s${part.length}:${part}`
      : `${typeof part}:${String(part)};`;
  }
  return text;
}

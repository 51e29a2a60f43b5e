/**
 * The dedupe record of bots that run as several instances, in Deno KV:
 * every instance that opens the same KV shares it.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { retryLocked } from "../_kv_retry.ts";
import { groupCommitOf } from "./_group_commit.ts";
import type { CursorStore, DedupeStore } from "../dedupe.ts";
import { SpacesError } from "../errors.ts";

/**
 * A claim held elsewhere: an expected wait, not a failure. `until` says when
 * the claim lapses at the latest (ms since the epoch).
 *
 * @example Wait for the holder's lease, then try again
 * ```ts
 * import { BusyError, KvDedupeStore } from "@shellbot/spaces/kv";
 *
 * using kv = await Deno.openKv(":memory:");
 * const elsewhere = new KvDedupeStore(kv);
 * await elsewhere.claim("message:1"); // another instance is on it
 * try {
 *   await new KvDedupeStore(kv).claim("message:1");
 * } catch (error) {
 *   if (!(error instanceof BusyError)) throw error;
 *   console.log(error.until > Date.now()); // true
 * }
 * ```
 */
export class BusyError extends SpacesError {
  /** When the claim lapses at the latest, in ms since the epoch. */
  readonly until: number;

  /**
   * Makes the error of a claim held elsewhere.
   *
   * @param message What is held, and until when.
   * @param until When the claim lapses at the latest, in ms since the epoch.
   */
  constructor(message: string, until: number) {
    super(message);
    this.until = until;
  }
}

/** Options of {@linkcode KvDedupeStore}. */
export interface KvDedupeStoreOptions {
  /** Where the records live in the KV. @default ["shellbot", "dedupe"] */
  prefix?: Deno.KvKey;
  /**
   * How long a claim holds, in ms: longer than the handling of one event.
   * An instance that dies while handling loses its claim after this time.
   * @default 60_000
   */
  lease?: number;
  /** How long a handled event is remembered, in ms: 10 minutes or more. @default 600_000 */
  ttl?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * A write that ends a piece of work: `join` adds to it, false once begun.
 * `claimed` is the key that the work's own claim claimed already
 * ({@linkcode KvDedupeStore.claimIn}).
 */
interface JoinableWrite {
  join(mutate: (write: Deno.AtomicOperation) => void): boolean;
  claimed?: string;
}

/** A piece of work under way: its write, and whether its claim was used. */
interface Scope {
  write: JoinableWrite;
  claimedUnused?: string;
}

interface Entry {
  state: "busy" | "done";
  /** Until when the record holds, in ms since the epoch: KV expiry is lazy. */
  until: number;
}

/**
 * A dedupe store in Deno KV, shared by every instance that opens the same
 * KV: an event is claimed with an atomic check-and-set, recorded as handled
 * once its handling succeeded, and forgotten after `ttl`.
 *
 * While another instance holds an unexpired claim, `claim` throws rather
 * than answer false, so a queue delivers the event again later instead of
 * dropping it: if that instance dies, its lease lapses and the event is
 * handled here.
 *
 * It also keeps the polling cursors ({@linkcode CursorStore}).
 *
 * @example Claim, complete, and see the duplicate
 * ```ts
 * import { KvDedupeStore } from "@shellbot/spaces/kv";
 *
 * using kv = await Deno.openKv(":memory:");
 * const store = new KvDedupeStore(kv);
 * console.log(await store.claim("message:1")); // true
 * await store.complete("message:1");
 * console.log(await store.claim("message:1")); // false
 * ```
 */
export class KvDedupeStore implements DedupeStore, CursorStore {
  #kv: Deno.Kv;
  #prefix: Deno.KvKey;
  #lease: number;
  #ttl: number;
  #now: () => number;
  /** The write that the completions of the work running now join. */
  #joining = new AsyncLocalStorage<Scope>();

  /**
   * Makes a store on an open KV, which stays the caller's to close.
   *
   * @param kv The KV, such as the `kv` of a {@linkcode KvQueue}.
   * @param options Prefix, lease, retention and clock.
   * @throws {RangeError} When the lease is not positive or `ttl` is under 10 minutes.
   */
  constructor(kv: Deno.Kv, options: KvDedupeStoreOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["shellbot", "dedupe"];
    this.#lease = options.lease ?? 60_000;
    this.#ttl = options.ttl ?? 600_000;
    this.#now = options.now ?? Date.now;
    if (!(this.#lease > 0)) {
      throw new RangeError(
        `KvDedupeStore: 'lease' must be above 0 ms, not ${this.#lease}`,
      );
    }
    if (!(this.#ttl >= 600_000)) {
      throw new RangeError(
        `KvDedupeStore: 'ttl' must be 600000 ms (10 minutes) or more, not ${this.#ttl}`,
      );
    }
  }

  /**
   * Claims an event for the lease.
   *
   * @param key The event's key.
   * @returns True when it is this caller's to handle; false when it was
   * handled already.
   * @throws {BusyError} When another instance is handling it now: try again later.
   */
  async claim(key: string): Promise<boolean> {
    const scope = this.#joining.getStore();
    if (scope?.claimedUnused === key) {
      // Claimed already, in the write that claimed the work.
      scope.claimedUnused = undefined;
      return true;
    }
    return await retryLocked(() => this.#claim(key));
  }

  /**
   * Adds the claim of `key` to a write of yours, such as the one that
   * claims a queued delivery: the write holds only if the event has no
   * record yet. Then hand the key to {@linkcode KvDedupeStore.completingIn}
   * as `claimed`, so that `claim(key)` in the work costs no second write.
   *
   * @example Claim the event with the work that carries it
   * ```ts
   * import { KvDedupeStore } from "@shellbot/spaces/kv";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new KvDedupeStore(kv);
   * // One write claims the work item and the event it carries.
   * const claim = kv.atomic().set(["work", "claimed"], true);
   * store.claimIn(claim, "message:1");
   * console.log((await claim.commit()).ok); // true: no record was there
   * // The work's own claim() of that key costs no write now; its
   * // complete() joins the write that ends the work.
   * const joined: ((write: Deno.AtomicOperation) => void)[] = [];
   * await store.completingIn(
   *   { join: (mutate) => (joined.push(mutate), true), claimed: "message:1" },
   *   async () => {
   *     if (await store.claim("message:1")) await store.complete("message:1");
   *   },
   * );
   * const end = kv.atomic().delete(["work", "claimed"]);
   * for (const mutate of joined) mutate(end);
   * await end.commit();
   * console.log(await store.claim("message:1")); // false: handled
   * ```
   */
  claimIn(write: Deno.AtomicOperation, key: string): void {
    const where = this.#key("event", key);
    write.check({ key: where, versionstamp: null })
      .set(where, this.#busyEntry(), { expireIn: this.#lease });
  }

  async #claim(key: string): Promise<boolean> {
    const where = this.#key("event", key);
    // Most events are new: a write that holds only if no record exists
    // claims them without a read, and shares its commit with the others.
    const fresh = await groupCommitOf(this.#kv).commit((write) =>
      this.claimIn(write, key)
    );
    if (fresh) return true;
    const entry = await this.#kv.get<Entry>(where);
    const now = this.#now();
    const held = this.#live(entry.value, now);
    if (held?.state === "done") return false;
    if (held?.state === "busy") throw this.#busy(key, held.until);
    const until = now + this.#lease;
    const result = await this.#kv.atomic().check(entry)
      .set(where, this.#busyEntry(), { expireIn: this.#lease })
      .commit();
    if (result.ok) return true;
    // Another instance was quicker: it has handled the event, or is on it.
    const now2 = this.#now();
    const winner = this.#live((await this.#kv.get<Entry>(where)).value, now2);
    if (winner?.state === "done") return false;
    throw this.#busy(key, winner?.until ?? until);
  }

  /**
   * Records a claimed event as handled, for `ttl`. Within
   * {@linkcode KvDedupeStore.completingIn} the record joins that write
   * instead of taking a commit of its own.
   */
  async complete(key: string): Promise<void> {
    const where = this.#key("event", key);
    const done = (): Entry => ({
      state: "done",
      until: this.#now() + this.#ttl,
    });
    const joined = this.#joining.getStore()?.write.join((write) =>
      void write.set(where, done(), { expireIn: this.#ttl })
    );
    if (joined) return;
    await groupCommitOf(this.#kv).commit((write) =>
      void write.set(where, done(), { expireIn: this.#ttl })
    );
  }

  /**
   * Runs `work` so that the events it completes are recorded by `write`
   * (on this store's KV) rather than by a commit each: a queue that deletes
   * its item and records the event in one commit. The event stays claimed
   * (a live claim, under its lease) until that write: a crash before it is the
   * documented window of a handler that ran and died before the record,
   * after which the lease lapses and the event is handled again.
   *
   * @param write The write that ends the work; with `claimed`, the key its
   * own claim claimed already, which the work's `claim` then takes at no
   * cost (and which is given back if the work never claims it).
   * @param work The work, run now.
   * @example Record the event with the write that ends the work
   * ```ts
   * import { KvDedupeStore } from "@shellbot/spaces/kv";
   *
   * using kv = await Deno.openKv(":memory:");
   * const store = new KvDedupeStore(kv);
   * const joined: ((write: Deno.AtomicOperation) => void)[] = [];
   * await store.completingIn(
   *   { join: (mutate) => (joined.push(mutate), true) },
   *   async () => {
   *     if (await store.claim("message:1")) await store.complete("message:1");
   *   },
   * );
   * const write = kv.atomic().set(["work", "done"], true);
   * for (const mutate of joined) mutate(write);
   * await write.commit();
   * console.log(await store.claim("message:1")); // false
   * ```
   */
  completingIn<R>(
    write: {
      join(mutate: (write: Deno.AtomicOperation) => void): boolean;
      claimed?: string;
    },
    work: () => Promise<R>,
  ): Promise<R> {
    const scope: Scope = { write, claimedUnused: write.claimed };
    if (!write.claimed) return this.#joining.run(scope, work);
    return this.#joining.run(scope, async () => {
      try {
        return await work();
      } finally {
        // A claim the work never used (the event was dropped before its
        // claim, as the bot's own message is) is given back with the write.
        if (scope.claimedUnused !== undefined) {
          const where = this.#key("event", scope.claimedUnused);
          if (!write.join((end) => void end.delete(where))) {
            await this.release(scope.claimedUnused);
          }
        }
      }
    });
  }

  /** Gives a claim up, so that a redelivery is handled; a handled event stays so. */
  async release(key: string): Promise<void> {
    const where = this.#key("event", key);
    await retryLocked(async () => {
      const entry = await this.#kv.get<Entry>(where);
      if (entry.value?.state !== "busy") return;
      await this.#kv.atomic().check(entry).delete(where).commit();
    });
  }

  /** The polling cursor saved under `key`, or `undefined`. */
  async loadCursor(key: string): Promise<string | undefined> {
    const entry = await retryLocked(() =>
      this.#kv.get<string>(this.#key("cursor", key))
    );
    return entry.value ?? undefined;
  }

  /** Saves a polling cursor under `key`. */
  async saveCursor(key: string, value: string): Promise<void> {
    await groupCommitOf(this.#kv).commit((write) =>
      void write.set(this.#key("cursor", key), value)
    );
  }

  #key(kind: string, key: string): Deno.KvKey {
    return [...this.#prefix, kind, key];
  }

  #busyEntry(): Entry {
    return { state: "busy", until: this.#now() + this.#lease };
  }

  #live(record: Entry | null, now: number): Entry | undefined {
    return record && record.until > now ? record : undefined;
  }

  #busy(key: string, until: number): SpacesError {
    return new BusyError(
      `The event '${key}' is being handled elsewhere until ${
        new Date(until).toISOString()
      } at the latest: try again later`,
      until,
    );
  }
}

/**
 * The server's durable queue of deliveries, on plain Deno KV reads and
 * atomic writes: no `enqueue`/`listenQueue`, which Deno Deploy and KV
 * Connect may lack or drop (see `DEPLOY.md`). Each item is a key; a worker
 * claims one with an atomic check-and-set that lapses after a lease, and
 * deletes it with the count of handled items in one atomic write. So the
 * number of undelivered items is exact (`in - out`), the queue is bounded,
 * a crash leaves every item in the KV, and a restart takes them up again.
 *
 * Commits are what a durable event costs, so they are shared: every write
 * goes through the KV's group commit (puts, claims and job ends that come
 * together share one commit), a job may add its own mutations (the dedupe
 * record's "handled") to the write that deletes its item, and the items
 * put here are claimed from memory, without reading them back.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { messageOf } from "../_objects.ts";
import { retryLocked } from "../_kv_retry.ts";
import { groupCommitOf } from "./_group_commit.ts";
import { idOf, RecentItems } from "./_recent_items.ts";
import { WorkCount } from "./_work_count.ts";
import { WorkPuts } from "./_work_puts.ts";
import {
  type KvWorkListOptions,
  QueueFullError,
} from "./_work_list_options.ts";
import {
  type Claim,
  claimFresh,
  claimOne,
  type JobPlace,
  runJob,
  type WorkJob,
} from "./_work_jobs.ts";

export { type KvWorkListOptions, QueueFullError, type WorkJob };

/** Free items read past the room: some may be claimed meanwhile. */
const LIST_SLACK = 16;
/** Items scanned in one read at most (held ones are skipped). */
const SCAN_LIMIT = 2_000;

/**
 * A bounded, durable list of work on Deno KV, shared by every instance that
 * opens the same KV. Puts that arrive while a commit is under way are
 * written together in the next one, so a burst costs few commits.
 */
export class KvWorkList<T> {
  #kv: Deno.Kv;
  #prefix: Deno.KvKey;
  #bound: number;
  #concurrency: number;
  #lease: number;
  #poll: number;
  #attempts: number;
  #label: string;
  #logger: Logger;
  #options: KvWorkListOptions<T>;
  #puts: WorkPuts<T>;
  /** Jobs whose handler runs: they take the room. */
  #inFlight = new Map<string, Promise<void>>();
  /** Claims being written, by item id: they take the room too. */
  #claiming = new Map<string, Promise<void>>();
  /** All jobs not ended, those writing their end included. */
  #jobs = new Map<string, Promise<void>>();
  /** Jobs that `stop()` handed back to the list while they ran. */
  #abandoned = new Set<string>();
  /** How to give back the other claims of the jobs under way. */
  #releases = new Map<string, () => Promise<void>>();
  #wake = Promise.withResolvers<void>();
  #running = false;
  #loop?: Promise<void>;
  #sequence = 0;
  /** Items put here, claimed without a read; see `RecentItems`. */
  #recent = new RecentItems<T>();
  #listedAt = 0;
  #readMore = false;
  #count: WorkCount;

  constructor(kv: Deno.Kv, options: KvWorkListOptions<T>) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["shellbot", "work"];
    this.#bound = options.bound ?? 10_000;
    this.#concurrency = options.concurrency ?? 16;
    this.#lease = options.lease ?? 60_000;
    this.#poll = options.pollInterval ?? 1_000;
    this.#attempts = options.attempts ?? 6;
    this.#label = options.label ?? "the KV";
    this.#logger = options.logger;
    this.#options = options;
    this.#count = new WorkCount(kv, (...parts) => this.#key(...parts));
    this.#puts = new WorkPuts({
      kv,
      bound: this.#bound,
      deadline: options.putDeadline ?? 3_000,
      label: this.#label,
      count: this.#count,
      recent: this.#recent,
      newKey: () => this.#key("item", this.#newId()),
      written: () => this.#wakeUp(),
    });
    if (!(Number.isInteger(this.#bound) && this.#bound > 0)) {
      throw new RangeError(
        `The queue bound must be a whole number above 0, not ${this.#bound}`,
      );
    }
  }

  /** Undelivered items now: put and not yet handled (or set aside). */
  size(): Promise<number> {
    return this.#count.size();
  }

  /** Writes an item durably; resolves once it is in the KV (see `WorkPuts`). */
  put(item: T): Promise<void> {
    return this.#puts.put(item);
  }

  /**
   * Runs `handler` for each item, `concurrency` at a time, until
   * {@linkcode KvWorkList.stop}. An item whose handler throws is tried
   * again after a backoff, and set aside after the last attempt.
   */
  start(handler: (item: T, job: WorkJob) => Promise<void>): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#work(handler);
  }

  /**
   * Runs until the list is empty and no job is under way, or until
   * `deadline` ms passed; then stops taking items.
   *
   * @returns True when it emptied the list in time.
   */
  async drain(deadline: number): Promise<boolean> {
    const end = Date.now() + deadline;
    while (Date.now() < end) {
      if (
        this.#jobs.size === 0 && this.#claiming.size === 0 &&
        await this.size() <= 0
      ) {
        await this.stop();
        return true;
      }
      await this.#settled(end - Date.now());
    }
    await this.stop();
    return false;
  }

  /**
   * Stops taking items. The jobs under way are abandoned: their claims are
   * released, so another worker (or the next start) takes them up at once.
   */
  async stop(): Promise<void> {
    this.#running = false;
    this.#wakeUp();
    await this.#loop;
    await Promise.allSettled(this.#claiming.values());
    const abandoned = [...this.#inFlight.keys()];
    this.#inFlight.clear();
    for (const id of abandoned) {
      this.#abandoned.add(id);
      await this.#kv.delete(this.#key("claim", id)).catch(() => {});
      await this.#releases.get(id)?.().catch(() => {});
    }
    this.#releases.clear();
    // Jobs whose handler returned are writing their end: it goes in before
    // the KV may be closed, or they would run again.
    const ending = [...this.#jobs].filter(([id]) => !this.#abandoned.has(id));
    await Promise.allSettled(ending.map(([, job]) => job));
    await groupCommitOf(this.#kv).flush();
  }

  /** Jobs under way in this process. */
  get busy(): number {
    return this.#inFlight.size;
  }

  async #settled(limit: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.race([
        ...this.#jobs.values(),
        ...this.#claiming.values(),
        this.#wake.promise,
      ]),
      new Promise((resolve) => timer = setTimeout(resolve, Math.max(0, limit))),
    ]);
    clearTimeout(timer);
  }

  async #work(
    handler: (item: T, job: WorkJob) => Promise<void>,
  ): Promise<void> {
    while (this.#running) {
      const wake = this.#wake.promise;
      let took = false;
      try {
        took = await this.#takeSome(handler);
      } catch (error) {
        this.#logger.warn(
          `Could not read the queue in ${this.#label}: ${messageOf(error)}`,
        );
      }
      if (!this.#running) break;
      if (
        took &&
        this.#inFlight.size + this.#claiming.size < this.#concurrency
      ) continue;
      // Wait for a put here, a job's end, or the next look at the KV.
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        wake,
        new Promise((resolve) => {
          const look = setTimeout(resolve, this.#poll);
          // The look alone keeps no process alive (`deno serve` exits on
          // SIGTERM with its server): what is queued waits in the KV.
          Deno.unrefTimer(look);
          timer = look;
        }),
      ]);
      clearTimeout(timer);
    }
  }

  /** Claims items while there is room; true when it began claiming some. */
  async #takeSome(
    handler: (item: T, job: WorkJob) => Promise<void>,
  ): Promise<boolean> {
    const room = this.#concurrency - this.#inFlight.size - this.#claiming.size;
    if (room <= 0) return false;
    const now = Date.now();
    // The KV is read at the interval (for what other instances put, what
    // a restart left, what waits for a retry), and while items left out
    // of the recent ones wait; else what was put here is taken from memory.
    const readDue = now - this.#listedAt >= this.#poll ||
      this.#recent.missed || this.#readMore;
    const entries = readDue
      ? await this.#read(room, now)
      : this.#recent.take(room);
    // Items not put here wait past the room (after a restart, from other
    // instances): read again next time, not after the interval.
    this.#readMore = readDue &&
      entries.slice(room).some((entry) => !this.#recent.has(entry.key));
    if (!this.#running) return false;
    const taken = entries.slice(0, room);
    this.#recent.forget(taken);
    // Work begun early only for items put here: others may be another's.
    for (const entry of taken) this.#claim(handler, entry, now, !readDue);
    return taken.length > 0;
  }

  /**
   * Claims an item, and begins its job once the claim is written. Not
   * awaited: the loop goes on taking items while the group commit writes
   * the claims, together.
   */
  #claim(
    handler: (item: T, job: WorkJob) => Promise<void>,
    entry: Deno.KvEntry<T>,
    now: number,
    prepare: boolean,
  ): void {
    const id = idOf(entry.key);
    const key = this.#claimKey(entry);
    if (prepare) this.#options.prepare?.(entry.value);
    // Most items were never claimed: no read, the other claim joined.
    const other = this.#options.alsoClaim?.(entry.value);
    const claim = { until: now + this.#lease, attempts: 1 };
    const claiming = (async () => {
      let attempts: number | undefined = 1;
      let held = other; // the other claim, when it went with the item's
      if (!await claimFresh(this.#kv, entry, key, claim, other?.build)) {
        // Held, lapsed, or its other claim held (the job finds why): alone.
        attempts = await claimOne(this.#kv, entry, key, now, this.#lease);
        held = undefined;
      }
      if (attempts === undefined) return;
      if (this.#running) return this.#begin(handler, entry, attempts, held);
      // Stopped meanwhile: given back at once, for the next start (with
      // the attempts before this one, so that they still count).
      await (attempts > 1
        ? this.#kv.set(key, { until: 0, attempts: attempts - 1 })
        : this.#kv.delete(key));
      await held?.release?.();
    })().catch((error) =>
      this.#logger.warn(
        `Could not claim a queued delivery in ${this.#label}: ${
          messageOf(error)
        }`,
      )
    ).finally(() => {
      this.#claiming.delete(id);
      this.#wakeUp();
    });
    this.#claiming.set(id, claiming);
  }

  /**
   * The oldest items in the KV that no claim holds (here or elsewhere), up
   * to the room and some more: the claims are read first, so that items
   * held by other instances, or waiting for a retry, at the head of the
   * list do not hide the others behind them.
   */
  async #read(room: number, now: number): Promise<Deno.KvEntry<T>[]> {
    this.#listedAt = now;
    // A job that ends during the read leaves its item in what the read
    // returns: the ids under way when it began are not to be claimed.
    const held = new Set([...this.#jobs.keys(), ...this.#claiming.keys()]);
    return await retryLocked(async () => {
      for await (
        const claim of this.#kv.list<Claim>({ prefix: this.#key("claim") })
      ) {
        if (claim.value.until > now) held.add(idOf(claim.key));
      }
      const entries: Deno.KvEntry<T>[] = [];
      let seen = 0;
      for await (
        const entry of this.#kv.list<T>({ prefix: this.#key("item") }, {
          batchSize: 128,
        })
      ) {
        const id = idOf(entry.key);
        if (!held.has(id) && !this.#inFlight.has(id)) entries.push(entry);
        // Enough to fill the room, or a bounded scan: the rest next time.
        if (entries.length >= room + LIST_SLACK || ++seen >= SCAN_LIMIT) {
          return entries;
        }
      }
      this.#recent.caughtUp();
      return entries;
    });
  }

  #claimKey(entry: Deno.KvEntry<T>): Deno.KvKey {
    return this.#key("claim", idOf(entry.key));
  }

  #begin(
    handler: (item: T, job: WorkJob) => Promise<void>,
    entry: Deno.KvEntry<T>,
    attempts: number,
    held?: { key: string; release?: () => Promise<void> },
  ): void {
    const id = idOf(entry.key);
    const place: JobPlace = {
      kv: this.#kv,
      key: (...parts) => this.#key(...parts),
      attempts: this.#attempts,
      label: this.#label,
      logger: this.#logger,
      abandoned: this.#abandoned,
    };
    // Only a claim this job holds is given back at a stop.
    if (held?.release) this.#releases.set(id, held.release);
    // The room is the handler's: once it returned, the job's last write
    // (with the group's next commit) no longer holds a place, and the
    // item's claim keeps it from being taken again meanwhile.
    const handled = () => {
      if (!this.#inFlight.delete(id)) return;
      this.#releases.delete(id);
      this.#wakeUp();
    };
    const job = runJob(place, handler, id, entry, attempts, {
      claimed: held?.key,
      handled,
    }).finally(() => {
      handled();
      this.#jobs.delete(id);
      this.#wakeUp();
    });
    this.#inFlight.set(id, job);
    this.#jobs.set(id, job);
  }

  #wakeUp(): void {
    this.#wake.resolve();
    this.#wake = Promise.withResolvers<void>();
  }

  /** Sortable by time of put, so the list is taken oldest first. */
  #newId(): string {
    const time = Date.now().toString(36).padStart(9, "0");
    const sequence = (this.#sequence++ % 1_679_616).toString(36).padStart(
      4,
      "0",
    );
    return `${time}-${sequence}-${crypto.randomUUID().slice(0, 8)}`;
  }

  #key(...parts: string[]): Deno.KvKey {
    return [...this.#prefix, ...parts];
  }
}

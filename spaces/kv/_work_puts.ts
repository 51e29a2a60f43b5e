/**
 * The puts of `KvWorkList`: each item written durably before its put
 * resolves (the hook answers 200 only then), under the list's bound, within
 * a deadline, and in as few commits as the group commit can make.
 *
 * @module
 */

import { SpacesError } from "../errors.ts";
import { FixedDeadlines } from "../_deadlines.ts";
import { groupCommitOf } from "./_group_commit.ts";
import type { RecentItems } from "./_recent_items.ts";
import type { WorkCount } from "./_work_count.ts";
import { QueueFullError } from "./_work_list_options.ts";

/** What the puts need from their list. */
export interface PutPlace<T> {
  kv: Deno.Kv;
  /** Undelivered items at most. */
  bound: number;
  /** Milliseconds a put may wait on the KV. */
  deadline: number;
  label: string;
  count: WorkCount;
  recent: RecentItems<T>;
  /** The key of a new item, sortable by time of put. */
  newKey(): Deno.KvKey;
  /** Called once an item was written. */
  written(): void;
}

interface Put<T> {
  item: T;
  done: PromiseWithResolvers<void>;
  /** True once its deadline passed: not to be written any more. */
  late: boolean;
}

/** Items checked against the bound together at most. */
const BATCH = 200;
/**
 * Items in one write at most: a delivery is about 1 KiB, some up to 15, and
 * Deno KV takes 800 KiB in one commit.
 */
const PER_WRITE = 32;
/** Items being written at most; the others wait in `#pending`. */
const MOST_WRITING = 4 * PER_WRITE;

/** Puts that wait for the KV, written as they come; see the module. */
export class WorkPuts<T> {
  #place: PutPlace<T>;
  #pending: Put<T>[] = [];
  #committing?: Promise<void>;
  /** Items whose write is under way. */
  #writing = 0;
  #deadlines: FixedDeadlines;

  constructor(place: PutPlace<T>) {
    this.#place = place;
    this.#deadlines = new FixedDeadlines(place.deadline);
  }

  /**
   * Writes an item durably; resolves once it is in the KV.
   *
   * @throws {QueueFullError} When the list holds its bound, or as many
   * puts wait for the KV.
   * @throws {SpacesError} When the KV did not take it within the deadline
   * (a file locked by another process); then it is not written later
   * either, unless its write had begun.
   */
  async put(item: T): Promise<void> {
    // Puts wait here while the KV is slow or locked: no more than fit.
    if (this.#pending.length + this.#writing >= this.#place.bound) {
      throw this.#full();
    }
    const put: Put<T> = { item, done: Promise.withResolvers(), late: false };
    this.#pending.push(put);
    this.#pump();
    // One timer for the deadlines of all the puts under way.
    const wait = this.#deadlines.start(() => {
      put.late = true;
      put.done.reject(
        new SpacesError(
          `${this.#place.label} did not take the delivery within ${this.#place.deadline} ms: is another process holding it locked?`,
        ),
      );
    });
    try {
      await put.done.promise;
    } finally {
      this.#deadlines.end(wait);
    }
  }

  #pump(): void {
    // Only with something to do: `#commitAll` that returns at once would
    // clear `#committing` before it is set, and no put would start it again.
    if (
      !this.#committing && this.#pending.length > 0 &&
      this.#writing < MOST_WRITING
    ) this.#committing = this.#commitAll();
  }

  /**
   * Hands what waits to the group commit, a batch at a time, while fewer
   * than `MOST_WRITING` items are being written: the rest wait here, where
   * a put given up on can still be left out.
   */
  async #commitAll(): Promise<void> {
    try {
      while (this.#pending.length > 0 && this.#writing < MOST_WRITING) {
        // A put given up on (answered 503) is not written: Webex delivers
        // it again, and the queue does not fill with copies.
        const batch = this.#pending.splice(
          0,
          Math.min(BATCH, MOST_WRITING - this.#writing),
        ).filter((put) => !put.late);
        try {
          // Take what fits under the bound and refuse only the rest: a
          // burst into an emptier queue must not be refused whole.
          const size = await this.#place.count.forBound(this.#place.bound) +
            this.#writing;
          const refused = batch.splice(Math.max(0, this.#place.bound - size));
          for (const put of refused) put.done.reject(this.#full());
          // Not awaited: the next batch need not wait for this one's
          // commit (the group commit keeps the order, and may join them).
          for (let at = 0; at < batch.length; at += PER_WRITE) {
            const puts = batch.slice(at, at + PER_WRITE);
            this.#writing += puts.length;
            void this.#writeAll(puts).finally(() => {
              this.#writing -= puts.length;
              this.#pump();
            });
          }
        } catch (error) {
          for (const put of batch) put.done.reject(error);
        }
      }
    } finally {
      this.#committing = undefined;
    }
  }

  /**
   * One write for a few items, with the other writes that wait (the group
   * commit); when the KV refuses it (too large for one write), one write
   * per item, so that only an item too large on its own fails.
   */
  async #writeAll(puts: Put<T>[]): Promise<void> {
    const { kv, count, recent, label } = this.#place;
    const keys = puts.map(() => this.#place.newKey());
    let stamp: string | null;
    try {
      stamp = await groupCommitOf(kv).commitStamped((write) => {
        puts.forEach((put, index) => write.set(keys[index], put.item));
        write.sum(count.inKey, BigInt(puts.length));
      });
    } catch (error) {
      if (puts.length === 1) return puts[0].done.reject(error);
      // Too large together: apart, but not those given up on meanwhile.
      await Promise.all(
        puts.filter((put) => !put.late).map((put) => this.#writeAll([put])),
      );
      return;
    }
    if (stamp === null) {
      for (const put of puts) {
        put.done.reject(new SpacesError(`${label} refused a write`));
      }
      return;
    }
    count.added(puts.length);
    recent.add(keys, puts.map((put) => put.item), stamp);
    for (const put of puts) put.done.resolve();
    this.#place.written();
  }

  #full(): QueueFullError {
    return new QueueFullError(
      `The queue holds ${this.#place.bound} undelivered items (its bound): try again later`,
    );
  }
}

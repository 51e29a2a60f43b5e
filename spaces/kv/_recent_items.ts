/**
 * The items that this process put in its work list, kept in memory (as
 * far as a bound) so that the worker claims them without reading the KV
 * back: under load the list read, and the decoding of what it returns, was
 * a large part of an event's cost. The KV stays the truth: an item missing
 * here (past the bound, or put by another instance) is found by the list
 * read, which the worker still makes at its interval and whenever nothing
 * waits here.
 *
 * @module
 */

/** Entries kept at most; past it, new items are left to the list read. */
const BOUND = 1024;

/** Items put here, oldest first, each with its key and versionstamp. */
export class RecentItems<T> {
  #entries: Deno.KvEntry<T>[] = [];

  /** Items waiting here. */
  get size(): number {
    return this.#entries.length;
  }

  /** Notes items just written, with the versionstamp of their commit. */
  add(keys: Deno.KvKey[], items: T[], versionstamp: string): void {
    keys.forEach((key, index) => {
      if (this.#entries.length >= BOUND) return;
      this.#entries.push({ key, value: items[index], versionstamp });
    });
  }

  /** Takes the oldest `count`, or fewer. */
  take(count: number): Deno.KvEntry<T>[] {
    return this.#entries.splice(0, count);
  }

  /** Forgets them all: a list read is about to see them. */
  clear(): void {
    this.#entries = [];
  }
}

/**
 * The items that this process put in its work list, kept in memory (as
 * far as a bound) so that the worker claims them without reading the KV
 * back: under load the list read, and the decoding of what it returns, was
 * a large part of an event's cost. The KV stays the truth: an item missing
 * here (put by another instance, left by a restart, waiting for a retry,
 * or past the bound) is found by the list read, which the worker makes at
 * its interval, and at once while items past the bound wait.
 *
 * @module
 */

/** Entries kept at most; past it, new items are left to the list read. */
const BOUND = 1024;

/** Items put here, oldest first, each with its key and versionstamp. */
export class RecentItems<T> {
  #entries = new Map<string, Deno.KvEntry<T>>();
  #missed = false;

  /** True when items were left out (past the bound) and not read since. */
  get missed(): boolean {
    return this.#missed;
  }

  /** Notes items just written, with the versionstamp of their commit. */
  add(keys: Deno.KvKey[], items: T[], versionstamp: string): void {
    keys.forEach((key, index) => {
      if (this.#entries.size >= BOUND) {
        this.#missed = true;
        return;
      }
      this.#entries.set(idOf(key), { key, value: items[index], versionstamp });
    });
  }

  /** True when the item of `key` waits here. */
  has(key: Deno.KvKey): boolean {
    return this.#entries.has(idOf(key));
  }

  /** Takes the oldest `count`, or fewer. */
  take(count: number): Deno.KvEntry<T>[] {
    const taken: Deno.KvEntry<T>[] = [];
    for (const [id, entry] of this.#entries) {
      if (taken.length >= count) break;
      this.#entries.delete(id);
      taken.push(entry);
    }
    return taken;
  }

  /** Forgets items claimed from a list read: they are not to be taken again. */
  forget(entries: Deno.KvEntry<T>[]): void {
    for (const entry of entries) this.#entries.delete(idOf(entry.key));
  }

  /** A list read saw the whole list: no item left out waits any more. */
  caughtUp(): void {
    this.#missed = false;
  }
}

/** An item's id: the last part of its key. */
export function idOf(key: Deno.KvKey): string {
  return String(key[key.length - 1]);
}

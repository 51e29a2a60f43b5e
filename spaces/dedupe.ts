/**
 * Dedupe stores: each event is handled once, even when it is delivered
 * twice, replayed, or seen both by a webhook and by polling.
 *
 * @module
 */

/**
 * Remembers which events were handled. An event is claimed before it is
 * handled, completed once handling succeeded, and released when handling
 * failed, so that a redelivery is handled instead of lost.
 *
 * The in-memory {@linkcode MemoryDedupeStore} serves one process; a Deno KV
 * store shares the record between instances.
 *
 * @example Handle an event once
 * ```ts
 * import { MemoryDedupeStore } from "@shellbot/spaces";
 *
 * const store = new MemoryDedupeStore();
 * if (await store.claim("message:1")) {
 *   try {
 *     // ... handle it ...
 *     await store.complete("message:1");
 *   } catch (error) {
 *     await store.release("message:1");
 *     throw error;
 *   }
 * }
 * console.log(await store.claim("message:1")); // false
 * ```
 */
export interface DedupeStore {
  /**
   * Claims an event: false when it was handled already, or is being
   * handled now.
   */
  claim(key: string): Promise<boolean> | boolean;
  /** Records a claimed event as handled. */
  complete(key: string): Promise<void> | void;
  /** Gives a claim up after a failure, so a redelivery is handled. */
  release(key: string): Promise<void> | void;
}

/**
 * Keeps small named values beside the dedupe record: where polling read
 * each room up to, so a bot that was away catches up from there. A
 * {@linkcode DedupeStore} that also implements it shares the cursors with
 * the record of handled events (in memory, or in Deno KV across instances).
 *
 * @example Save and load a cursor
 * ```ts
 * import { MemoryDedupeStore } from "@shellbot/spaces";
 *
 * const store = new MemoryDedupeStore();
 * await store.saveCursor("room:R1", '{"stamp":1}');
 * console.log(await store.loadCursor("room:R1")); // '{"stamp":1}'
 * ```
 */
export interface CursorStore {
  /** The value saved under `key`, or `undefined`. */
  loadCursor(key: string): Promise<string | undefined> | string | undefined;
  /** Saves a value under `key`, replacing the one there. */
  saveCursor(key: string, value: string): Promise<void> | void;
}

/**
 * Tells whether a store also keeps cursors.
 *
 * @param store Any dedupe store.
 * @returns True when it implements {@linkcode CursorStore}.
 */
export function isCursorStore(store: unknown): store is CursorStore {
  return typeof store === "object" && store !== null &&
    typeof (store as CursorStore).loadCursor === "function" &&
    typeof (store as CursorStore).saveCursor === "function";
}

/** Options of {@linkcode MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** How many keys to keep at most; the oldest go first. @default 50_000 */
  capacity?: number;
  /** How long a handled event is remembered, in ms. @default 600_000 (10 minutes) */
  ttl?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

/**
 * A dedupe store in memory, bounded in size and time: one process only.
 *
 * @example Two deliveries of one event
 * ```ts
 * import { MemoryDedupeStore } from "@shellbot/spaces";
 *
 * const store = new MemoryDedupeStore({ capacity: 1000 });
 * console.log(store.claim("a"), store.claim("a")); // true false
 * ```
 */
export class MemoryDedupeStore implements DedupeStore, CursorStore {
  // Map iteration follows insertion order, which makes it the eviction queue.
  #entries = new Map<string, number>();
  #cursors = new Map<string, string>();
  #capacity: number;
  #ttl: number;
  #now: () => number;

  /**
   * Makes an empty store.
   *
   * @param options Capacity, retention and clock.
   */
  constructor(options: MemoryDedupeStoreOptions = {}) {
    this.#capacity = options.capacity ?? 50_000;
    this.#ttl = options.ttl ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  /** Number of keys remembered now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Claims a key unless it is remembered and not expired. */
  claim(key: string): boolean {
    const now = this.#now();
    const expiry = this.#entries.get(key);
    if (expiry !== undefined && expiry > now) return false;
    this.#entries.delete(key);
    this.#entries.set(key, now + this.#ttl);
    this.#evict(now);
    return true;
  }

  /** Keeps the key for the whole retention from now. */
  complete(key: string): void {
    this.#entries.delete(key);
    this.#entries.set(key, this.#now() + this.#ttl);
  }

  /** Forgets the key. */
  release(key: string): void {
    this.#entries.delete(key);
  }

  /** The cursor saved under `key`. */
  loadCursor(key: string): string | undefined {
    return this.#cursors.get(key);
  }

  /** Saves a cursor; one per room, so the map stays small. */
  saveCursor(key: string, value: string): void {
    this.#cursors.set(key, value);
  }

  #evict(now: number): void {
    for (const [key, expiry] of this.#entries) {
      if (this.#entries.size <= this.#capacity && expiry > now) return;
      this.#entries.delete(key);
    }
  }
}

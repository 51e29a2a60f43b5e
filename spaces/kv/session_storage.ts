/**
 * Sessions on Deno KV, shared by every instance of a deployment.
 *
 * @module
 */

import { serialize } from "node:v8";
import { retryLocked } from "../_kv_retry.ts";
import { abortableSleep } from "../_sleep.ts";
import { SpacesError } from "../errors.ts";
import type { SessionStorage } from "../toolkit/session.ts";

/** Options of {@linkcode KvSessionStorage}. */
export interface KvSessionStorageOptions {
  /** Where the sessions sit in the KV. @default ["shellbot", "session"] */
  prefix?: Deno.KvKey;
  /**
   * Milliseconds after its last save when a session is forgotten.
   * @default never
   */
  expireIn?: number;
  /**
   * Milliseconds an instance holds the lock of a key at most: a handler
   * that runs longer may see another instance take the key, and its own
   * save is then refused. An instance that dies holding a lock frees the
   * key after this time.
   * @default 30_000
   */
  lease?: number;
}

/** The most bytes Deno KV takes for one value, serialised. */
const _MAX_VALUE_BYTES = 65_536;

/**
 * Refuses a session Deno KV would refuse, before the commit, with an error
 * that names the key and says what to do. `node:v8` serialises as Deno KV
 * does, so the size is the one KV counts.
 */
function _checkStorable(key: string, value: unknown): void {
  let size: number;
  try {
    size = serialize(value).byteLength;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error))
      .split("\n", 1)[0];
    throw new SpacesError(
      `The session '${key}' was not saved: ${reason}; keep to plain data (objects, arrays, strings, numbers, dates, maps, sets), no functions or class instances`,
      { cause: error },
    );
  }
  if (size > _MAX_VALUE_BYTES) {
    throw new SpacesError(
      `The session '${key}' was not saved: it takes ${size} bytes, over the ${_MAX_VALUE_BYTES} Deno KV takes for one value; keep sessions small, and keep big data elsewhere (a KV entry or a file of its own) with only its key in the session`,
    );
  }
}

interface Lease {
  token: string;
  until: number;
}

/**
 * Sessions on Deno KV: every instance that opens the same KV (a SQLite
 * file on one machine, the managed KV on Deno Deploy) sees the same
 * sessions, and takes a key for itself while it handles an event of that
 * key. Taking a key is an atomic check that no unexpired lease exists,
 * tried again with a short random wait while another instance holds it;
 * saving checks atomically that the lease is still this instance's. So
 * events of one key are handled one after the other across instances, as
 * long as a handler ends within `lease`; when it does not, its save fails
 * with a `SpacesError` rather than overwrite a newer session. Leases use
 * the instances' clocks: keep them in sync (as servers are).
 *
 * A session is at most 64 KiB once serialised (a limit of Deno KV: about
 * 65,000 ASCII characters of text in all), and plain data only (no
 * functions). `write` checks both before it saves, and refuses with a
 * `SpacesError` that names the key and the size; the event then fails
 * and nothing of it is saved. Keep sessions small (ids, counters, a short
 * list), and keep big data in entries or files of its own, with its key
 * in the session.
 *
 * @typeParam S The session data: what `structuredClone` copies.
 *
 * @example Sessions in a KV in memory
 * ```ts
 * import { Bot, session, type SessionFlavor } from "@shellbot/spaces";
 * import { KvSessionStorage } from "@shellbot/spaces/kv";
 *
 * await using storage = await KvSessionStorage.open<{ count: number }>(":memory:");
 * const bot = new Bot<SessionFlavor<{ count: number }>>();
 * bot.use(session({ initial: () => ({ count: 0 }), storage }));
 * bot.command("count", (ctx) => ctx.reply(`${++ctx.session.count}`));
 * ```
 */
export class KvSessionStorage<S> implements SessionStorage<S>, AsyncDisposable {
  #kv: Deno.Kv;
  #owned = false;
  #prefix: Deno.KvKey;
  #expireIn?: number;
  #lease: number;
  // The versionstamp of each lease this storage holds, for the checks.
  #held = new Map<string, string>();

  /**
   * Makes a storage on an open KV, which stays the caller's to close.
   *
   * @param kv The KV.
   * @param options Prefix, expiry, and lease.
   * @throws {RangeError} When `lease` or `expireIn` is not above 0.
   */
  constructor(kv: Deno.Kv, options: KvSessionStorageOptions = {}) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["shellbot", "session"];
    this.#expireIn = options.expireIn;
    this.#lease = options.lease ?? 30_000;
    for (
      const [name, value] of [["lease", this.#lease], [
        "expireIn",
        this.#expireIn,
      ]] as const
    ) {
      if (value !== undefined && !(value > 0)) {
        throw new RangeError(
          `KvSessionStorage: '${name}' must be milliseconds above 0, not ${value}`,
        );
      }
    }
  }

  /**
   * Opens a KV and makes a storage that owns it: `close()` closes it.
   *
   * @param path A SQLite file, `":memory:"`, or nothing for the default KV.
   * @param options As for the constructor.
   * @returns The storage.
   */
  static async open<S>(
    path?: string,
    options: KvSessionStorageOptions = {},
  ): Promise<KvSessionStorage<S>> {
    const kv = await Deno.openKv(path);
    try {
      const storage = new KvSessionStorage<S>(kv, options);
      storage.#owned = true;
      return storage;
    } catch (error) {
      kv.close();
      throw error;
    }
  }

  /**
   * The session of a key.
   *
   * @param key The session key.
   * @returns The value, or `undefined`.
   */
  async read(key: string): Promise<S | undefined> {
    const entry = await retryLocked(() => this.#kv.get<S>(this.#data(key)));
    return entry.value ?? undefined;
  }

  /**
   * Saves the session of a key, if this storage still holds its lease
   * when it holds one.
   *
   * @param key The session key.
   * @param value The session.
   * @throws {SpacesError} When the value cannot be stored (a function in it,
   * or over 64 KiB once serialised), naming the key and the size; or when
   * the lease ran out and another instance took the key.
   */
  async write(key: string, value: S): Promise<void> {
    _checkStorable(key, value);
    await this.#commit(key, (operation) =>
      operation.set(
        this.#data(key),
        value,
        this.#expireIn ? { expireIn: this.#expireIn } : undefined,
      ));
  }

  /**
   * Forgets the session of a key, under the same check as `write`.
   *
   * @param key The session key.
   * @throws {SpacesError} When the lease ran out and another instance took the key.
   */
  async delete(key: string): Promise<void> {
    await this.#commit(key, (operation) => operation.delete(this.#data(key)));
  }

  /**
   * Takes a key for this storage alone, across instances, waiting while
   * another holds an unexpired lease on it.
   *
   * @param key The session key.
   * @param signal Ends the wait (with `signal.reason`).
   * @returns The function that gives the key back.
   */
  async lock(key: string, signal?: AbortSignal): Promise<() => Promise<void>> {
    const lockKey = this.#lockKey(key);
    const token = crypto.randomUUID();
    for (let attempt = 0;; attempt++) {
      signal?.throwIfAborted();
      const result = await retryLocked(async () => {
        const current = await this.#kv.get<Lease>(lockKey);
        if (current.value && current.value.until > Date.now()) return null;
        return await this.#kv.atomic()
          .check(current)
          .set(lockKey, { token, until: Date.now() + this.#lease }, {
            expireIn: this.#lease,
          })
          .commit();
      }, signal);
      if (result?.ok) {
        this.#held.set(key, result.versionstamp);
        return () => this.#release(key, result.versionstamp);
      }
      // Random, so that instances waiting for one key do not collide again.
      await abortableSleep(Math.random() * Math.min(2 ** attempt, 50), signal);
    }
  }

  /** Closes the KV when this storage opened it. */
  close(): Promise<void> {
    if (this.#owned) {
      this.#owned = false;
      this.#kv.close();
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode KvSessionStorage.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #release(key: string, versionstamp: string): Promise<void> {
    if (this.#held.get(key) === versionstamp) this.#held.delete(key);
    await retryLocked(() =>
      this.#kv.atomic()
        .check({ key: this.#lockKey(key), versionstamp })
        .delete(this.#lockKey(key))
        .commit()
    );
  }

  async #commit(
    key: string,
    change: (operation: Deno.AtomicOperation) => Deno.AtomicOperation,
  ): Promise<void> {
    const held = this.#held.get(key);
    const result = await retryLocked(() => {
      const operation = this.#kv.atomic();
      if (held) {
        operation.check({ key: this.#lockKey(key), versionstamp: held });
      }
      return change(operation).commit();
    });
    if (!result.ok) {
      throw new SpacesError(
        `The session '${key}' was not saved: its lease of ${this.#lease} ms ran out and another instance took it; make the handler quicker or raise 'lease'`,
      );
    }
  }

  #data(key: string): Deno.KvKey {
    return [...this.#prefix, "data", key];
  }

  #lockKey(key: string): Deno.KvKey {
    return [...this.#prefix, "lock", key];
  }
}

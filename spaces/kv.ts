/**
 * Deno KV for bots that run as several instances: a durable queue between
 * the webhook route and the workers, and a dedupe record they all share.
 *
 * On one machine, Deno KV is a SQLite file that several processes open; on
 * Deno Deploy it is a managed, replicated store. The API is the same.
 *
 * @module
 */

import { retryLocked } from "./_kv_retry.ts";
import { type Backoff, backoffDelay } from "./retry.ts";
import { KvSweeper } from "./_kv_sweep.ts";
import type { CursorStore, DedupeStore } from "./dedupe.ts";
import { SpacesError } from "./errors.ts";
import { type Logger, quietLogger } from "./log.ts";
import type { EventSink } from "./queue.ts";
import { messageOf } from "./_objects.ts";

/** The field that marks the queue's messages among others on the same KV. */
const TAG = "shellbotQueue";

interface Envelope {
  [TAG]: string;
  item?: unknown;
  tick?: true;
}

/** Redeliveries of a failed item: five, the last about a minute later. */
const REDELIVERIES = 5;
const REDELIVERY_BACKOFF: Backoff = { base: 1_000, max: 60_000, factor: 3 };

/** A claim held elsewhere: an expected wait, not a failure. */
class BusyError extends SpacesError {}

// listenQueue works once per handle: a second call would throw deep in Deno.
const listening = new WeakSet<Deno.Kv>();

/** Options of {@linkcode KvQueue}. */
export interface KvQueueOptions {
  /** Name of the queue: messages of other names on the same KV are skipped. @default "shellbot" */
  name?: string;
  /**
   * Milliseconds between the attempts of an item whose handler throws;
   * after the last one the item is kept under `[name, "undelivered", id]`.
   * @default five waits under the library's retry policy, drawn for each
   * item: a random half to all of 1, 3, 9, 27 and 60 s
   */
  backoffSchedule?: number[];
  /** Where failures are told. @default quietLogger */
  logger?: Logger;
  /**
   * The SQLite file of `kv`, when it is one: the listener then looks every
   * `sweepInterval` for work that other processes enqueued or left behind
   * when they died, which Deno's own check does only once a minute.
   * `KvQueue.open(path)` sets it.
   */
  path?: string;
  /** Milliseconds between two looks at the file of `path`. @default 1_000 */
  sweepInterval?: number;
}

/**
 * A durable queue on Deno KV: `put` enqueues, and `listen` runs a handler
 * for each item, in any instance that listens on the same KV. An item
 * whose handler throws is delivered again by KV, following the backoff
 * schedule; an item whose instance dies while handling it goes back to the
 * queue too. Items travel as JSON.
 *
 * @typeParam T The items: plain JSON values.
 *
 * @example Put and handle an item
 * ```ts
 * import { KvQueue } from "@shellbot/spaces";
 *
 * const queue = await KvQueue.open<{ text: string }>(":memory:");
 * const { promise, resolve } = Promise.withResolvers<string>();
 * const done = queue.listen((item) => resolve(item.text));
 * await queue.put({ text: "hello" });
 * console.log(await promise); // "hello"
 * await queue.close();
 * await done;
 * ```
 */
export class KvQueue<T> implements EventSink<T>, AsyncDisposable {
  #kv: Deno.Kv;
  #owned = false;
  #name: string;
  #backoff?: number[];
  #logger: Logger;
  #sweeper?: KvSweeper;
  #inFlight = new Set<Promise<unknown>>();
  #closing = false;
  #closed = Promise.withResolvers<void>();
  #listener?: Promise<void>;

  /**
   * Makes a queue on an open KV, which stays the caller's to close.
   *
   * @param kv The KV.
   * @param options Name, retries, logger, and the file to sweep.
   * @throws {RangeError} When the backoff schedule or sweep interval is invalid.
   */
  constructor(kv: Deno.Kv, options: KvQueueOptions = {}) {
    this.#kv = kv;
    this.#name = options.name ?? "shellbot";
    this.#backoff = options.backoffSchedule;
    const valid = (ms: number) => Number.isInteger(ms) && ms >= 0;
    if (this.#backoff && !this.#backoff.every(valid)) {
      throw new RangeError(
        "KvQueue: 'backoffSchedule' must hold whole milliseconds, 0 or more",
      );
    }
    this.#logger = options.logger ?? quietLogger;
    const interval = options.sweepInterval ?? 1_000;
    if (!(interval > 0)) {
      throw new RangeError(
        `KvQueue: 'sweepInterval' must be above 0, not ${interval}`,
      );
    }
    if (options.path && options.path !== ":memory:") {
      this.#sweeper = new KvSweeper(
        options.path,
        interval,
        {
          [TAG]: this.#name,
          tick: true,
        } satisfies Envelope,
      );
    }
  }

  /**
   * Opens a KV and makes a queue that owns it: `close()` closes it.
   *
   * @param path A SQLite file, `":memory:"`, or nothing for the default
   * KV (the managed one on Deno Deploy).
   * @param options As for the constructor; `path` is set from the first argument.
   * @returns The queue.
   *
   * @example A queue in a file
   * ```ts
   * import { KvQueue } from "@shellbot/spaces";
   *
   * const dir = await Deno.makeTempDir();
   * const queue = await KvQueue.open<string>(`${dir}/queue.kv`);
   * await queue.put("handled by whoever listens on that file, now or later");
   * await queue.close();
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  static async open<T>(
    path?: string,
    options: Omit<KvQueueOptions, "path"> = {},
  ): Promise<KvQueue<T>> {
    const kv = await Deno.openKv(path);
    try {
      const queue = new KvQueue<T>(kv, { ...options, path });
      queue.#owned = true;
      return queue;
    } catch (error) {
      kv.close();
      throw error;
    }
  }

  /** The KV under the queue, to share with a {@linkcode KvDedupeStore}. */
  get kv(): Deno.Kv {
    return this.#kv;
  }

  /**
   * Enqueues an item, to be handled by a listener of this KV.
   *
   * @param item A JSON value (what JSON drops, such as `undefined` fields,
   * does not travel).
   * @param options A signal that cancels before the write.
   * @throws {SpacesError} When the queue is closed.
   */
  async put(item: T, options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    if (this.#closing) {
      throw new SpacesError(
        `Cannot put an item on the closed KV queue '${this.#name}'`,
      );
    }
    const envelope: Envelope = {
      [TAG]: this.#name,
      item: JSON.parse(JSON.stringify(item)),
    };
    const undelivered = [this.#name, "undelivered", crypto.randomUUID()];
    await retryLocked(
      () =>
        this.#kv.enqueue(envelope, {
          // Drawn for each item, so items that failed together spread out.
          backoffSchedule: this.#backoff ?? Array.from(
            { length: REDELIVERIES },
            (_, index) =>
              Math.round(backoffDelay(index + 1, REDELIVERY_BACKOFF)),
          ),
          keysIfUndelivered: [undelivered],
        }),
      options.signal,
    );
  }

  /**
   * Handles the items of the queue until {@linkcode KvQueue.close}: each
   * one by one call of `handler`, many at a time. When the handler throws,
   * the item is delivered again later.
   *
   * @param handler Called for each item; its promise is awaited.
   * @returns A promise that resolves once the queue is closed.
   * @throws {SpacesError} When something already listens on this KV.
   */
  listen(handler: (item: T) => void | Promise<void>): Promise<void> {
    if (this.#closing) {
      throw new SpacesError(`The KV queue '${this.#name}' is closed`);
    }
    if (listening.has(this.#kv)) {
      throw new SpacesError(
        "Something already listens on this Deno.Kv: Deno allows one listener per handle, so open another one",
      );
    }
    listening.add(this.#kv);
    this.#listener = this.#kv.listenQueue(async (message: unknown) => {
      const envelope = message as Envelope;
      if (envelope?.[TAG] !== this.#name || envelope.tick) return;
      // Never acknowledged: once the KV is closed, the item goes back to
      // the queue for another listener, without using up an attempt.
      if (this.#closing) return await new Promise<never>(() => {});
      const job = (async () => await handler(envelope.item as T))();
      this.#inFlight.add(job);
      try {
        await job;
      } catch (error) {
        (error instanceof BusyError ? this.#logger.debug : this.#logger.warn)(
          `A job of the KV queue '${this.#name}' failed; it will be tried again: ${
            messageOf(error)
          }`,
        );
        throw error;
      } finally {
        this.#inFlight.delete(job);
      }
    });
    this.#sweeper?.start((error) =>
      this.#logger.warn(
        `Could not sweep the KV file of the queue '${this.#name}': ${
          messageOf(error)
        }`,
      )
    );
    return this.#closed.promise;
  }

  /** Items that failed every attempt, kept under `[name, "undelivered", id]`. */
  async *undelivered(): AsyncIterable<T> {
    for await (
      const entry of this.#kv.list<Envelope>({
        prefix: [this.#name, "undelivered"],
      })
    ) yield entry.value.item as T;
  }

  /**
   * Stops taking items, waits for the jobs under way, and closes the KV
   * when the queue owns it. Deno stops listening only when its KV closes:
   * on a KV that the caller owns, items that arrive meanwhile wait, and go
   * back to the queue when the caller closes it.
   */
  async close(): Promise<void> {
    if (this.#closing) return await this.#closed.promise;
    this.#closing = true;
    await this.#sweeper?.stop();
    while (this.#inFlight.size > 0) {
      await Promise.allSettled(this.#inFlight);
    }
    if (this.#owned) {
      this.#kv.close();
      await this.#listener;
    }
    this.#closed.resolve();
  }

  /** Same as {@linkcode KvQueue.close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
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
 * import { KvDedupeStore } from "@shellbot/spaces";
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
   * @throws {SpacesError} When another instance is handling it now: try again later.
   */
  async claim(key: string): Promise<boolean> {
    return await retryLocked(() => this.#claim(key));
  }

  async #claim(key: string): Promise<boolean> {
    const where = this.#key("event", key);
    const entry = await this.#kv.get<Entry>(where);
    const now = this.#now();
    const held = this.#live(entry.value, now);
    if (held?.state === "done") return false;
    if (held?.state === "busy") throw this.#busy(key, held.until);
    const until = now + this.#lease;
    const result = await this.#kv.atomic().check(entry)
      .set(where, { state: "busy", until } satisfies Entry, {
        expireIn: this.#lease,
      })
      .commit();
    if (result.ok) return true;
    // Another instance was quicker: it has handled the event, or is on it.
    const now2 = this.#now();
    const winner = this.#live((await this.#kv.get<Entry>(where)).value, now2);
    if (winner?.state === "done") return false;
    throw this.#busy(key, winner?.until ?? until);
  }

  /** Records a claimed event as handled, for `ttl`. */
  async complete(key: string): Promise<void> {
    await retryLocked(() =>
      this.#kv.set(
        this.#key("event", key),
        { state: "done", until: this.#now() + this.#ttl } satisfies Entry,
        { expireIn: this.#ttl },
      )
    );
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
    await retryLocked(() => this.#kv.set(this.#key("cursor", key), value));
  }

  #key(kind: string, key: string): Deno.KvKey {
    return [...this.#prefix, kind, key];
  }

  #live(record: Entry | null, now: number): Entry | undefined {
    return record && record.until > now ? record : undefined;
  }

  #busy(key: string, until: number): SpacesError {
    return new BusyError(
      `The event '${key}' is being handled elsewhere until ${
        new Date(until).toISOString()
      } at the latest: try again later`,
    );
  }
}

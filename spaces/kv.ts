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
import { SpacesError } from "./errors.ts";
import { BusyError } from "./kv/dedupe_store.ts";
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

export { KvDedupeStore, type KvDedupeStoreOptions } from "./kv/dedupe_store.ts";

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
 * import { KvQueue } from "@shellbot/spaces/kv";
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
   * import { KvQueue } from "@shellbot/spaces/kv";
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

/**
 * The server's durable queue of deliveries, on plain Deno KV reads and
 * atomic writes: no `enqueue`/`listenQueue`, which Deno Deploy and KV
 * Connect may lack or drop (see `DEPLOY.md`). Each item is a key; a worker
 * claims one with an atomic check-and-set that lapses after a lease, and
 * deletes it with the count of handled items in one atomic write. So the
 * number of undelivered items is exact (`in - out`), the queue is bounded,
 * a crash leaves every item in the KV, and a restart takes them up again.
 *
 * Commits are what a durable event costs, so they are shared: puts that
 * wait are written together, the ready items are claimed together, and a
 * job may add its own mutations (the dedupe record's "handled") to the
 * write that deletes its item.
 *
 * @module
 */

import { SpacesError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { messageOf } from "../_objects.ts";
import { retryLocked } from "../_kv_retry.ts";
import { BusyError } from "./dedupe_store.ts";

/** The queue holds its bound of undelivered items: try again later. */
export class QueueFullError extends SpacesError {}

/** Options of {@linkcode KvWorkList}. */
export interface KvWorkListOptions {
  /** Where its keys live. @default ["shellbot", "work"] */
  prefix?: Deno.KvKey;
  /** Undelivered items at most; `put` throws a `QueueFullError` past it. @default 10_000 */
  bound?: number;
  /** Jobs at once in this process. @default 16 */
  concurrency?: number;
  /** How long a claim holds, in ms, before another worker may take the item. @default 60_000 */
  lease?: number;
  /** Milliseconds between two looks for work that other instances put. @default 1_000 */
  pollInterval?: number;
  /** Attempts of an item whose handler throws, then it is set aside. @default 6 */
  attempts?: number;
  /** Milliseconds a `put` may wait on the KV (a file locked elsewhere). @default 3_000 */
  putDeadline?: number;
  /** What the KV is, for log lines and errors: its file. @default "the KV" */
  label?: string;
  logger: Logger;
}

/**
 * What a running job can do beyond its item: add mutations to the atomic
 * write that deletes the item once the handler returned.
 */
export interface WorkJob {
  /**
   * Adds `mutate` to the write that ends this job. They are committed
   * whatever comes of the job: with the item's deletion when the handler
   * returns, in a write of their own when it throws or the item was taken
   * over meanwhile. False once that write has begun: commit it yourself.
   */
  join(mutate: (write: Deno.AtomicOperation) => void): boolean;
}

interface Claim {
  until: number;
  attempts: number;
}

const COUNT_IN = "in";
const COUNT_OUT = "out";
/** Items written in one atomic commit at most (Deno KV allows 1000 mutations). */
const BATCH = 200;
/** Items claimed in one atomic write at most: two checks each, KV allows 100. */
const CLAIM_BATCH = 32;

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
  #putDeadline: number;
  #label: string;
  #logger: Logger;
  #pending: { item: T; done: PromiseWithResolvers<void> }[] = [];
  #committing?: Promise<void>;
  #inFlight = new Map<string, Promise<void>>();
  /** Jobs that `stop()` handed back to the list while they ran. */
  #abandoned = new Set<string>();
  #wake = Promise.withResolvers<void>();
  #running = false;
  #loop?: Promise<void>;
  #sequence = 0;

  constructor(kv: Deno.Kv, options: KvWorkListOptions) {
    this.#kv = kv;
    this.#prefix = options.prefix ?? ["shellbot", "work"];
    this.#bound = options.bound ?? 10_000;
    this.#concurrency = options.concurrency ?? 16;
    this.#lease = options.lease ?? 60_000;
    this.#poll = options.pollInterval ?? 1_000;
    this.#attempts = options.attempts ?? 6;
    this.#putDeadline = options.putDeadline ?? 3_000;
    this.#label = options.label ?? "the KV";
    this.#logger = options.logger;
    if (!(Number.isInteger(this.#bound) && this.#bound > 0)) {
      throw new RangeError(
        `The queue bound must be a whole number above 0, not ${this.#bound}`,
      );
    }
  }

  /** Undelivered items now: put and not yet handled (or set aside). */
  async size(): Promise<number> {
    const [added, removed] = await this.#kv.getMany<Deno.KvU64[]>([
      this.#key("count", COUNT_IN),
      this.#key("count", COUNT_OUT),
    ]);
    return Number((added.value?.value ?? 0n) - (removed.value?.value ?? 0n));
  }

  /**
   * Writes an item durably; resolves once it is in the KV.
   *
   * @throws {QueueFullError} When the queue holds its bound.
   * @throws {SpacesError} When the KV did not answer within `putDeadline`
   * (a file locked by another process): the item may still be written.
   */
  async put(item: T): Promise<void> {
    const done = Promise.withResolvers<void>();
    this.#pending.push({ item, done });
    this.#committing ??= this.#commitAll();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new SpacesError(
              `${this.#label} did not take the delivery within ${this.#putDeadline} ms: is another process holding it locked?`,
            ),
          ),
        this.#putDeadline,
      );
    });
    try {
      await Promise.race([done.promise, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Commits what waits, in batches, until nothing waits. */
  async #commitAll(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, BATCH);
        try {
          await this.#commit(batch.map((entry) => entry.item));
          for (const entry of batch) entry.done.resolve();
          this.#wakeUp();
        } catch (error) {
          for (const entry of batch) entry.done.reject(error);
        }
      }
    } finally {
      this.#committing = undefined;
    }
  }

  async #commit(items: T[]): Promise<void> {
    const free = this.#bound - await this.size();
    if (free < items.length) {
      throw new QueueFullError(
        `The queue holds ${this.#bound} undelivered items or more (its bound): try again later`,
      );
    }
    const write = this.#kv.atomic();
    for (const item of items) write.set(this.#key("item", this.#newId()), item);
    write.sum(this.#key("count", COUNT_IN), BigInt(items.length));
    const result = await write.commit();
    if (!result.ok) throw new SpacesError(`${this.#label} refused a write`);
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
      if (this.#inFlight.size === 0 && await this.size() <= 0) {
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
    const abandoned = [...this.#inFlight.keys()];
    this.#inFlight.clear();
    for (const id of abandoned) {
      this.#abandoned.add(id);
      await this.#kv.delete(this.#key("claim", id)).catch(() => {});
    }
  }

  /** Jobs under way in this process. */
  get busy(): number {
    return this.#inFlight.size;
  }

  async #settled(limit: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.race([...this.#inFlight.values(), this.#wake.promise]),
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
      if (took && this.#inFlight.size < this.#concurrency) continue;
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

  /** Claims items while there is room; true when it started a job. */
  async #takeSome(
    handler: (item: T, job: WorkJob) => Promise<void>,
  ): Promise<boolean> {
    const room = this.#concurrency - this.#inFlight.size;
    if (room <= 0) return false;
    const now = Date.now();
    const entries: Deno.KvEntry<T>[] = [];
    const list = this.#kv.list<T>({ prefix: this.#key("item") }, {
      limit: room + this.#inFlight.size + 128,
    });
    for await (const entry of list) {
      if (!this.#inFlight.has(this.#idOf(entry))) entries.push(entry);
    }
    let started = false;
    // Most items were never claimed: the oldest that fit are claimed in one
    // write, no read. Each keeps its own checks (no claim yet, the item
    // unchanged), so the write takes all of them or none; when another
    // worker holds one, or a lapsed claim is to be taken over, the items
    // are claimed one by one below, as before.
    const first = entries.slice(0, Math.min(room, CLAIM_BATCH));
    if (first.length > 1 && this.#running) {
      const claim: Claim = { until: now + this.#lease, attempts: 1 };
      const write = this.#kv.atomic();
      for (const entry of first) {
        const claimKey = this.#key("claim", this.#idOf(entry));
        write.check({ key: claimKey, versionstamp: null }, entry)
          .set(claimKey, claim);
      }
      if ((await write.commit()).ok) {
        for (const entry of first) this.#begin(handler, entry, 1);
        entries.splice(0, first.length);
        started = true;
      }
    }
    for (const entry of entries) {
      if (!this.#running || this.#inFlight.size >= this.#concurrency) break;
      const claimKey = this.#key("claim", this.#idOf(entry));
      const fresh = await this.#kv.atomic()
        .check({ key: claimKey, versionstamp: null }).check(entry)
        .set(
          claimKey,
          { until: now + this.#lease, attempts: 1 } satisfies Claim,
        )
        .commit();
      if (fresh.ok) {
        started = true;
        this.#begin(handler, entry, 1);
        continue;
      }
      const claim = await this.#kv.get<Claim>(claimKey);
      if (!claim.value || claim.value.until > now) continue;
      const attempts = (claim.value?.attempts ?? 0) + 1;
      const taken = await this.#kv.atomic().check(claim).check(entry)
        .set(claimKey, { until: now + this.#lease, attempts } satisfies Claim)
        .commit();
      if (!taken.ok) continue;
      started = true;
      this.#begin(handler, entry, attempts);
    }
    return started;
  }

  #idOf(entry: Deno.KvEntry<T>): string {
    return String(entry.key[entry.key.length - 1]);
  }

  #begin(
    handler: (item: T, job: WorkJob) => Promise<void>,
    entry: Deno.KvEntry<T>,
    attempts: number,
  ): void {
    const id = this.#idOf(entry);
    this.#inFlight.set(id, this.#run(handler, id, entry, attempts));
  }

  async #run(
    handler: (item: T, job: WorkJob) => Promise<void>,
    id: string,
    entry: Deno.KvEntry<T>,
    attempts: number,
  ): Promise<void> {
    // Mutations the job joined to its last write; `undefined` once that
    // write has begun, so a late one is committed by its owner instead.
    let extra: ((write: Deno.AtomicOperation) => void)[] | undefined = [];
    const job: WorkJob = {
      join: (mutate) => extra ? (extra.push(mutate), true) : false,
    };
    const taken = () => {
      const joined = extra ?? [];
      extra = undefined;
      return joined;
    };
    let joined: ((write: Deno.AtomicOperation) => void)[] | undefined;
    try {
      await handler(entry.value, job);
      joined = taken();
      await this.#finish(id, entry, joined);
    } catch (error) {
      // What the job joined holds whatever else fails: the dedupe record
      // of an event that reached the bot must not be lost with the job.
      await this.#commitAlone(joined ?? taken());
      if (this.#abandoned.has(id)) return; // handed back by stop()
      await this.#failed(id, entry, attempts, error).catch((failure) =>
        this.#logger.warn(
          `Could not record a failed job in ${this.#label}: ${
            messageOf(failure)
          }`,
        )
      );
    } finally {
      this.#inFlight.delete(id);
      this.#wakeUp();
    }
  }

  /**
   * Deletes a handled item, with what its job joined, in one write; counted
   * once, even if another worker also ran it (then the check fails, and
   * what the job joined is written alone).
   */
  async #finish(
    id: string,
    entry: Deno.KvEntry<T>,
    joined: ((write: Deno.AtomicOperation) => void)[],
  ): Promise<void> {
    const result = await retryLocked(() => {
      const write = this.#kv.atomic().check(entry).delete(entry.key)
        .delete(this.#key("claim", id))
        .sum(this.#key("count", COUNT_OUT), 1n);
      for (const mutate of joined) mutate(write);
      return write.commit();
    });
    if (!result.ok) await this.#commitAlone(joined);
  }

  /** Commits what a job joined, without its item; a failure is logged. */
  async #commitAlone(
    joined: ((write: Deno.AtomicOperation) => void)[],
  ): Promise<void> {
    if (joined.length === 0) return;
    try {
      await retryLocked(() => {
        const write = this.#kv.atomic();
        for (const mutate of joined) mutate(write);
        return write.commit();
      });
    } catch (error) {
      this.#logger.warn(
        `Could not record a handled event in ${this.#label}: ${
          messageOf(error)
        }`,
      );
    }
  }

  async #failed(
    id: string,
    entry: Deno.KvEntry<T>,
    attempts: number,
    error: unknown,
  ): Promise<void> {
    if (attempts >= this.#attempts) {
      this.#logger.error(
        `A queued delivery failed ${attempts} times and is set aside under ${
          JSON.stringify(this.#key("undelivered", id))
        }: ${messageOf(error)}`,
      );
      await this.#kv.atomic().check(entry).delete(entry.key)
        .delete(this.#key("claim", id))
        .set(this.#key("undelivered", id), entry.value)
        .sum(this.#key("count", COUNT_OUT), 1n).commit();
      return;
    }
    // 1, 3, 9, 27, 60 s: the same line as the library's other retries.
    const wait = Math.min(60_000, 1_000 * 3 ** (attempts - 1));
    // Busy: another worker (or one that died) holds the event's claim.
    (error instanceof BusyError ? this.#logger.debug : this.#logger.warn)(
      `A queued delivery failed (attempt ${attempts}); it is tried again in ${
        wait / 1000
      } s: ${messageOf(error)}`,
    );
    await this.#kv.set(
      this.#key("claim", id),
      {
        until: Date.now() + wait,
        attempts,
      } satisfies Claim,
    );
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

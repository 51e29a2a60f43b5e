/**
 * Queues that carry events from a space to the code that handles them.
 *
 * @module
 */

import { SpacesError } from "./errors.ts";

/**
 * Anything that takes events: the in-memory {@linkcode EventQueue}, a bot
 * handler, or a durable queue such as Deno KV.
 *
 * A `put` that returns a promise is awaited by the space, which gives a
 * slow consumer natural back-pressure.
 *
 * @example Feed events straight to a function
 * ```ts
 * import type { EventSink, SpaceEvent } from "@shellbot/spaces";
 *
 * const seen: SpaceEvent[] = [];
 * const sink: EventSink<SpaceEvent> = { put: (event) => void seen.push(event) };
 * sink.put({ type: "leave", actorId: "p1", channelId: "c1" });
 * console.log(seen.length); // 1
 * ```
 */
export interface EventSink<T> {
  /** Takes one event. */
  put(event: T): Promise<void> | void;
}

/**
 * An unbounded in-memory queue that is also an async iterable.
 *
 * `put` never waits. Iteration yields events in order and ends after
 * {@linkcode EventQueue.close} once every queued event was taken.
 *
 * @example Produce and consume
 * ```ts
 * import { EventQueue } from "@shellbot/spaces";
 *
 * const queue = new EventQueue<string>();
 * queue.put("a");
 * queue.put("b");
 * queue.close();
 * for await (const item of queue) console.log(item); // "a", then "b"
 * ```
 */
export class EventQueue<T> implements EventSink<T>, AsyncIterable<T> {
  // A growing array with a moving head: shift() would make bursts quadratic.
  #items: T[] = [];
  #head = 0;
  #waiters: ((result: IteratorResult<T>) => void)[] = [];
  #closed = false;

  /** Number of events waiting to be taken. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** True once {@linkcode EventQueue.close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Adds an event, or hands it to a consumer that is waiting.
   *
   * @param event The event.
   * @throws {SpacesError} When the queue is closed, so nothing is lost silently.
   */
  put(event: T): void {
    if (this.#closed) {
      throw new SpacesError(
        "Cannot put an event on a closed queue: make a new EventQueue",
      );
    }
    const waiter = this.#waiters.shift();
    if (waiter) waiter({ value: event, done: false });
    else this.#items.push(event);
  }

  /**
   * Takes the next event, waiting for one when the queue is empty.
   *
   * @returns The event, or `undefined` when the queue is closed and empty.
   */
  async get(): Promise<T | undefined> {
    const result = await this.#next();
    return result.done ? undefined : result.value;
  }

  /** Ends iteration once the queued events have been taken. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter({ value: undefined, done: true });
    }
  }

  /** Iterates the events until the queue is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    while (true) {
      const result = await this.#next();
      if (result.done) return;
      yield result.value;
    }
  }

  #next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const value = this.#items[this.#head];
      this.#items[this.#head++] = undefined as T;
      if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
        this.#items = this.#items.slice(this.#head);
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.#closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => this.#waiters.push(resolve));
  }
}

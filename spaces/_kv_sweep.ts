/**
 * Wakes a queue listener on a local Deno KV file.
 *
 * Deno's SQLite backend only learns of work that another process enqueued
 * when it writes to the queue itself, or once a minute; and it hands the
 * jobs of a process that died back to the queue only when a handle opens,
 * or once a minute. Opening a short-lived handle on the same file does both
 * at once: the opening requeues dead jobs, and its enqueue of a tick wakes
 * every listener of this process on that file, which then looks at the
 * whole queue.
 *
 * @module
 */

/** A timer that sweeps one KV file until it is stopped. */
export class KvSweeper {
  #path: string;
  #interval: number;
  #tick: unknown;
  #timer?: ReturnType<typeof setTimeout>;
  #running?: Promise<void>;
  #stopped = false;

  /**
   * @param path The SQLite file of the queue.
   * @param interval Milliseconds between two sweeps.
   * @param tick The value to enqueue, which listeners must ignore.
   */
  constructor(path: string, interval: number, tick: unknown) {
    this.#path = path;
    this.#interval = interval;
    this.#tick = tick;
  }

  /** Sweeps every interval, one sweep at a time. */
  start(onError: (error: unknown) => void): void {
    const next = () => {
      if (this.#stopped) return;
      this.#timer = setTimeout(() => {
        this.#running = this.#sweep().catch(onError).finally(next);
      }, this.#interval);
    };
    next();
  }

  /** Stops the timer and waits for a sweep under way. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  async #sweep(): Promise<void> {
    const probe = await Deno.openKv(this.#path);
    try {
      // No retries: a tick that nobody took is worth nothing.
      await probe.enqueue(this.#tick, { backoffSchedule: [] });
    } finally {
      probe.close();
    }
  }
}

/**
 * One task at a time per key, in this process; tasks of other keys run
 * side by side.
 *
 * @module
 */

/** Runs tasks of one key one after the other, in the order they came. */
export class KeyedLock {
  // The last task queued per key; removed when it ends with nobody behind it.
  #tails = new Map<string, Promise<void>>();

  /** How many keys have a task running or waiting. */
  get size(): number {
    return this.#tails.size;
  }

  /** Runs `task` once every earlier task of `key` has ended. */
  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    const { promise: mine, resolve: release } = Promise.withResolvers<void>();
    const tail = previous ? previous.then(() => mine) : mine;
    this.#tails.set(key, tail);
    try {
      if (previous) await previous;
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

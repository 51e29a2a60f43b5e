/**
 * One timer for many deadlines of the same length, on the hot path where a
 * timer per request showed in the profile.
 *
 * @module
 */

/**
 * Deadlines of waits that all have the same timeout (the bodies being wait
 * by the hook route, the puts waiting on the KV), kept without a timer per
 * wait: waits are linked in the order they start, so the first is always
 * the one due first. One timer, armed for that first deadline, runs only
 * while some wait is under way (a wait that ends early leaves it armed: it
 * fires, finds the next deadline, and re-arms or stops). It is unref'd: a
 * wait under way is always for a request or a connection that keeps the
 * process alive anyway.
 */
export class FixedDeadlines {
  // A doubly linked list: adding and removing a wait is a few stores, with
  // no hashing as a Set of objects would do.
  #first: PendingDeadline | undefined;
  #last: PendingDeadline | undefined;
  #size = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly timeout: number,
    readonly now: () => number = Date.now,
  ) {}

  /** Waits under way. */
  get size(): number {
    return this.#size;
  }

  /** Starts the clock of a wait: `expire` is called if it is still under way at the deadline. */
  start(expire: () => void): PendingDeadline {
    const wait: PendingDeadline = {
      due: this.now() + this.timeout,
      expire,
      previous: this.#last,
      next: undefined,
      done: false,
    };
    if (this.#last) this.#last.next = wait;
    else this.#first = wait;
    this.#last = wait;
    this.#size++;
    if (this.#timer === undefined) this.#arm(this.timeout);
    return wait;
  }

  /** Ends the clock of a wait (in time, failed, or expired). */
  end(wait: PendingDeadline): void {
    if (wait.done) return;
    wait.done = true;
    if (wait.previous) wait.previous.next = wait.next;
    else this.#first = wait.next;
    if (wait.next) wait.next.previous = wait.previous;
    else this.#last = wait.previous;
    wait.previous = wait.next = undefined;
    this.#size--;
  }

  #arm(delay: number): void {
    const timer = this.#timer = setTimeout(() => this.#sweep(), delay);
    Deno.unrefTimer(timer);
  }

  #sweep(): void {
    this.#timer = undefined;
    const now = this.now();
    for (let wait = this.#first; wait; wait = this.#first) {
      if (wait.due > now) return this.#arm(wait.due - now);
      this.end(wait);
      wait.expire();
    }
  }
}

/** A wait under way, as `FixedDeadlines` links it. */
export interface PendingDeadline {
  readonly due: number;
  readonly expire: () => void;
  previous: PendingDeadline | undefined;
  next: PendingDeadline | undefined;
  done: boolean;
}

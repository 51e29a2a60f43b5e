/**
 * Refused deliveries, counted and logged at most once per interval: anyone
 * can send bad requests, and one line each would let them flood the logs.
 *
 * @module
 */

import type { Logger } from "../log.ts";

/** Why the hook route refused a delivery. */
export type RefusalReason =
  | "bad signature"
  | "malformed"
  | "too large"
  | "too slow"
  | "busy";

/**
 * Counts refusals per reason. The first refusal after a quiet interval is
 * logged at once; the ones that follow within the interval are counted and
 * logged together, in one line, when it ends.
 */
export class RefusalLog {
  #counts = new Map<RefusalReason, number>();
  #quietUntil = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #since = 0;

  constructor(
    readonly logger: Logger,
    readonly interval: number,
    readonly details: Partial<Record<RefusalReason, string>> = {},
    readonly now: () => number = Date.now,
  ) {}

  /** Whether counts wait for the end of the interval to be logged. */
  get pending(): boolean {
    return this.#timer !== undefined;
  }

  /** Counts one refusal, and logs now when nothing was logged lately. */
  count(reason: RefusalReason): void {
    if (this.#counts.size === 0) this.#since = this.now();
    this.#counts.set(reason, (this.#counts.get(reason) ?? 0) + 1);
    const now = this.now();
    if (now >= this.#quietUntil) {
      this.flush();
    } else if (this.#timer === undefined) {
      const timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#quietUntil - now);
      // The counts of an attack that stopped are logged when the interval
      // ends; the timer alone must not keep the process alive.
      Deno.unrefTimer(timer);
      this.#timer = timer;
    }
  }

  /** Logs the counts, if any, and starts a quiet interval. */
  flush(): void {
    // A late timer must not log a second line for the same interval.
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#counts.size === 0) return;
    const parts: string[] = [];
    let total = 0;
    for (const [reason, count] of this.#counts) {
      total += count;
      const detail = this.details[reason];
      parts.push(`${count} ${reason}${detail ? ` (${detail})` : ""}`);
    }
    this.#counts.clear();
    const seconds = ((this.now() - this.#since) / 1000).toFixed(1);
    const what = total === 1
      ? "a webhook delivery"
      : `${total} webhook deliveries`;
    this.logger.warn(
      `Refused ${what}${total === 1 ? "" : ` in ${seconds} s`}: ${
        parts.join(", ")
      }; further refusals are counted and logged at most every ${
        this.interval / 1000
      } s`,
    );
    this.#quietUntil = this.now() + this.interval;
  }
}

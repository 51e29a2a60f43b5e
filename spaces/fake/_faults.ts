/**
 * Fault injection: rules that fail matching requests, drawn from a seeded
 * generator so that a run can be replayed.
 *
 * @module
 */

import type { FaultRule, FaultStatus } from "./types.ts";

/** The answer a fault rule imposes. */
export interface Fault {
  status: FaultStatus;
  retryAfter?: number;
  retryAfterFormat?: "seconds" | "date";
}

/** The `Retry-After` value for a wait of `seconds`, as seconds or as an HTTP date. */
export function retryAfterValue(
  seconds: number,
  format: "seconds" | "date" = "seconds",
): string {
  if (format === "seconds") return String(seconds);
  // An HTTP date has whole seconds: round up so the wait is never shorter.
  return new Date(Math.ceil((Date.now() + seconds * 1000) / 1000) * 1000)
    .toUTCString();
}

const STATUSES = new Set<number>([429, 423, 502, 503, 504]);

/** mulberry32: small, fast, and good enough to decide which requests fail. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The active fault rules and the generator behind their rates. */
export class Faults {
  #rules: (FaultRule & { left: number })[] = [];
  #random: () => number;

  constructor(seed: number) {
    this.#random = mulberry32(seed);
  }

  /** Adds a rule after checking it. */
  add(rule: FaultRule): void {
    if (!STATUSES.has(rule.status)) {
      throw new RangeError(
        `Cannot inject a fault with status ${rule.status}: use 429, 423, 502, 503 or 504`,
      );
    }
    if (rule.rate !== undefined && !(rule.rate >= 0 && rule.rate <= 1)) {
      throw new RangeError(
        `Cannot inject a fault with rate ${rule.rate}: use a number from 0 to 1`,
      );
    }
    if (
      rule.times !== undefined &&
      !(Number.isInteger(rule.times) && rule.times >= 1)
    ) {
      throw new RangeError(
        `Cannot inject a fault with times ${rule.times}: use a positive integer`,
      );
    }
    if (rule.retryAfter !== undefined && !(rule.retryAfter >= 0)) {
      throw new RangeError(
        `Cannot inject a fault with retryAfter ${rule.retryAfter}: use seconds, 0 or more`,
      );
    }
    if (
      rule.retryAfterFormat !== undefined &&
      rule.retryAfterFormat !== "seconds" && rule.retryAfterFormat !== "date"
    ) {
      throw new RangeError(
        `Cannot inject a fault with retryAfterFormat ${rule.retryAfterFormat}: use "seconds" or "date"`,
      );
    }
    this.#rules.push({ ...rule, left: rule.times ?? Infinity });
  }

  /** Drops every rule. */
  clear(): void {
    this.#rules = [];
  }

  /** The fault for a request to `endpoint`, if a rule fires; spends one of its times. */
  match(endpoint: string): Fault | undefined {
    for (const rule of this.#rules) {
      if (rule.endpoint !== undefined && rule.endpoint !== endpoint) continue;
      if (rule.rate !== undefined && this.#random() >= rule.rate) continue;
      rule.left -= 1;
      if (rule.left <= 0) this.#rules.splice(this.#rules.indexOf(rule), 1);
      return {
        status: rule.status,
        ...(rule.retryAfter !== undefined
          ? { retryAfter: rule.retryAfter }
          : {}),
        ...(rule.retryAfterFormat !== undefined
          ? { retryAfterFormat: rule.retryAfterFormat }
          : {}),
      };
    }
    return undefined;
  }
}

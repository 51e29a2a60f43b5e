/**
 * The polling loop of the {@linkcode Space} base: pull, pause, and back off
 * after a failure under the library's one retry policy. A space that tells
 * how much activity its pulls found ({@linkcode reportPullActivity}) is
 * polled at an adaptive interval ({@linkcode PullPacer}).
 *
 * @module
 */

import { messageOf } from "./_objects.ts";
import type { Logger } from "./log.ts";
import { MAX_RETRY_DELAY, retryDelay, sleep } from "./retry.ts";
import type {
  RunningSpace,
  SignalOptions,
  StartOptions,
} from "./space_options.ts";

/** What {@linkcode runLoop} needs of a space. */
export interface Pulling {
  readonly kind: string;
  readonly logger: Logger;
  readonly isSwitchedOn: boolean;
  pull(options: SignalOptions): Promise<void>;
}

/** Milliseconds between pulls right after activity, at most. */
export const FAST_PULL = 1_000;
/** Milliseconds the interval stays short after the last activity seen. */
export const FAST_HOLD = 20_000;
/** Successful pulls after which a backoff for 429 is halved. */
const THROTTLE_EASE = 10;

/** Options of {@linkcode PullPacer}; durations in ms. */
export interface PullPacerOptions {
  /** The interval when the rooms are quiet, as a fixed interval was. */
  idle: number;
  /** The interval right after activity. @default the lesser of 1_000 and `idle` */
  fast?: number;
  /** How long the interval stays `fast` after the last activity. @default 20_000 */
  hold?: number;
  /** The clock. @default Date.now */
  now?: () => number;
}

/**
 * The adaptive interval of polling: `fast` while a conversation is going
 * (activity seen within `hold`), then doubling at each quiet pull up to
 * `idle`. It starts at `idle`, so a bot in quiet rooms pulls exactly as
 * often as with a fixed `idle` interval. A 429 doubles the short interval
 * (up to `idle`); it is halved again after ten pulls in a row that were
 * not throttled.
 *
 * @example Short after activity, growing back when quiet
 * ```ts
 * import { PullPacer } from "./_run_loop.ts";
 *
 * let now = 0;
 * const pacer = new PullPacer({ idle: 10_000, now: () => now });
 * pacer.next(false); // 10_000: quiet from the start
 * pacer.next(true); // 1_000: a message came
 * now += 25_000;
 * console.log(pacer.next(false)); // 2_000: quiet for longer than the hold
 * ```
 */
export class PullPacer {
  readonly idle: number;
  readonly fast: number;
  readonly hold: number;
  #now: () => number;
  #floor: number;
  #current: number;
  #lastActivity = -Infinity;
  #calm = 0;

  constructor(options: PullPacerOptions) {
    this.idle = options.idle;
    this.fast = Math.min(options.fast ?? FAST_PULL, options.idle);
    this.hold = options.hold ?? FAST_HOLD;
    this.#now = options.now ?? Date.now;
    this.#floor = this.fast;
    this.#current = this.idle;
  }

  /** The pause after a pull that succeeded; `active` when it found activity. */
  next(active: boolean): number {
    const now = this.#now();
    if (active) this.#lastActivity = now;
    if (this.#floor > this.fast && ++this.#calm >= THROTTLE_EASE) {
      this.#floor = Math.max(this.fast, this.#floor / 2);
      this.#calm = 0;
    }
    this.#current = now - this.#lastActivity < this.hold
      ? this.#floor
      : Math.min(this.idle, Math.max(this.#floor, this.#current * 2));
    return this.#current;
  }

  /** Notes a 429: the short interval doubles, up to `idle`. */
  throttled(): void {
    this.#floor = Math.min(this.idle, this.#floor * 2);
    this.#current = Math.max(this.#current, this.#floor);
    this.#calm = 0;
  }
}

const activitySources = new WeakMap<object, () => number>();

/**
 * Tells the run loop how much activity the pulls of `space` found: a count
 * that grows when a pull sees something new. Such a space is polled at the
 * adaptive interval of {@linkcode PullPacer}; others at their fixed one.
 */
export function reportPullActivity(space: object, count: () => number): void {
  activitySources.set(space, count);
}

/** The activity count of a space that reports one (see {@linkcode reportPullActivity}). */
export function pullActivityOf(space: object): (() => number) | undefined {
  return activitySources.get(space);
}

/**
 * Pulls until the signal aborts or the space is switched off: every
 * `interval` ms, or, for a space that reports its activity, at the
 * adaptive interval of {@linkcode PullPacer} with `interval` as its idle
 * one. A failing pull is logged and retried after a growing pause with
 * jitter (or the server's `retryAfter`, capped); a 429 also slows the
 * short interval.
 *
 * @param interval Milliseconds between two pulls when the rooms are quiet.
 * @returns A promise that resolves (never rejects) when the loop ends.
 */
export async function runLoop(
  space: Pulling,
  interval: number,
  signal?: AbortSignal,
): Promise<void> {
  // The first pause after a failure is twice the interval, 200 ms at least.
  const backoff = { base: 2 * Math.max(interval, 100), max: MAX_RETRY_DELAY };
  const activity = pullActivityOf(space);
  const pacer = activity ? new PullPacer({ idle: interval }) : undefined;
  let seen = activity?.() ?? 0;
  let failures = 0;
  while (!signal?.aborted && space.isSwitchedOn) {
    let pause = interval;
    try {
      await space.pull({ signal });
      failures = 0;
      if (pacer) {
        const now = activity!();
        pause = pacer.next(now !== seen);
        seen = now;
      }
    } catch (error) {
      if (signal?.aborted) break;
      failures += 1;
      if ((error as { status?: unknown })?.status === 429) pacer?.throttled();
      pause = retryDelay(error, failures, backoff);
      space.logger.warn(
        `${space.kind}.pull() failed (${messageOf(error)}); trying again in ${
          Math.round(pause) / 1000
        } s`,
      );
    }
    if (!space.isSwitchedOn) break;
    await sleep(pause, signal);
  }
}

/** What {@linkcode startSpace} needs of a space. */
export interface Startable {
  onStart(): void | Promise<void>;
  register(hookUrl: string, options: SignalOptions): Promise<void>;
  run(options: SignalOptions): Promise<void>;
}

/**
 * Starts a space: `onStart()`, then webhooks when `hookUrl` is given, else
 * its `run()` loop in the background, with a handle to stop it.
 *
 * @returns `undefined` with a hookUrl; else a handle to stop polling.
 */
export async function startSpace(
  space: Startable,
  options: StartOptions,
): Promise<RunningSpace | undefined> {
  await space.onStart();
  if (options.hookUrl) {
    await space.register(options.hookUrl, { signal: options.signal });
    return undefined;
  }
  const controller = new AbortController();
  const signal = options.signal
    ? AbortSignal.any([controller.signal, options.signal])
    : controller.signal;
  const done = space.run({ signal });
  return {
    done,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

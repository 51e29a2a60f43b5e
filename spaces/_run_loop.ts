/**
 * The polling loop of the {@linkcode Space} base: pull, pause, and back off
 * after a failure under the library's one retry policy.
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

/**
 * Pulls every `interval` ms until the signal aborts or the space is
 * switched off. A failing pull is logged and retried after a growing pause
 * with jitter (or the server's `retryAfter`, capped).
 *
 * @param interval Milliseconds between two pulls.
 * @returns A promise that resolves (never rejects) when the loop ends.
 */
export async function runLoop(
  space: Pulling,
  interval: number,
  signal?: AbortSignal,
): Promise<void> {
  // The first pause after a failure is twice the interval, 200 ms at least.
  const backoff = { base: 2 * Math.max(interval, 100), max: MAX_RETRY_DELAY };
  let failures = 0;
  while (!signal?.aborted && space.isSwitchedOn) {
    let pause = interval;
    try {
      await space.pull({ signal });
      failures = 0;
    } catch (error) {
      if (signal?.aborted) break;
      failures += 1;
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

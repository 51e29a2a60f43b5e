/**
 * The one retry policy of the library: what is worth trying again, how long
 * the server asked to wait, how long to wait otherwise, and waits that an
 * abort ends. The Webex client, the polling loop, bot retries, the Deno KV
 * queue and the KV write retries all build on it. It knows no platform: the
 * errors carry what the rules need (`ApiError.status`, `retryAfter`).
 *
 * Every duration here is in milliseconds.
 *
 * @module
 */

import { ApiError, NetworkError } from "./errors.ts";
import { sleep } from "./_sleep.ts";

export { abortable, abortableSleep, sleep } from "./_sleep.ts";

/** Methods that may be sent twice without doing the thing twice. */
export const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "PUT",
  "DELETE",
  "OPTIONS",
]);

/**
 * Statuses meaning "try again later" that may have been processed in part,
 * so a single request is sent again only when its method is idempotent.
 * 423 is a file still being scanned for malware.
 */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([
  423,
  502,
  503,
  504,
]);

/**
 * Longest wait between two attempts, in ms: one minute. It caps the
 * backoffs of bots and polling, and the `Retry-After` a caller waits for.
 */
export const MAX_RETRY_DELAY = 60_000;

/**
 * Tells whether an answer with `status` to `method` may be sent again.
 *
 * A 429 was not processed, so any method may be retried after it; the other
 * transient statuses only for idempotent methods, since a POST that timed
 * out may have posted.
 *
 * @param method The HTTP method, in any case.
 * @param status The HTTP status of the answer.
 * @returns True when the same request may be sent again.
 */
export function isRetryableStatus(method: string, status: number): boolean {
  if (status === 429) return true;
  return TRANSIENT_STATUSES.has(status) &&
    IDEMPOTENT_METHODS.has(method.toUpperCase());
}

/**
 * Tells whether a failure may pass, so that trying again is worth it.
 *
 * With a `method`, the question is about sending one request again: an
 * {@linkcode ApiError} follows {@linkcode isRetryableStatus}, and a
 * {@linkcode NetworkError} is retried for idempotent methods only (the
 * request may have arrived). Without one, it is about running a whole
 * operation again (a bot handler, a pull) that decides afresh what to send:
 * network failures, 429, the transient statuses and every other 5xx pass.
 *
 * @param error What was thrown.
 * @param method The method of the one request to send again, if that is
 * the question.
 * @returns True when trying again may succeed.
 */
export function isTransient(error: unknown, method?: string): boolean {
  if (method !== undefined) {
    if (error instanceof ApiError) {
      return isRetryableStatus(method, error.status);
    }
    return error instanceof NetworkError &&
      IDEMPOTENT_METHODS.has(method.toUpperCase());
  }
  if (error instanceof NetworkError) return true;
  return error instanceof ApiError &&
    (error.status === 429 || TRANSIENT_STATUSES.has(error.status) ||
      error.status >= 500);
}

/**
 * Tells a refusal that asking again will not change: a 4xx answer (gone,
 * hidden, bad id, no right) other than a timeout (408) and the transient
 * ones of {@linkcode isTransient} (429, 423). Inbound deliveries drop such
 * an event instead of having it delivered again.
 *
 * @param error What was thrown.
 * @returns True for an {@linkcode ApiError} that is a final no.
 */
export function isPermanentRefusal(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 &&
    error.status < 500 && error.status !== 408 && !isTransient(error);
}

/**
 * Reads a `Retry-After` header: delay seconds, or an HTTP date.
 *
 * @param value The header value, or `null` when absent.
 * @param options `now`, the current time in ms since the epoch; `max`, the
 * largest result.
 * @returns Milliseconds to wait (0 for a date in the past), at most `max`;
 * `undefined` when the header is absent or cannot be read.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  options: { now?: number; max?: number } = {},
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) {
    ms = Number(text) * 1000;
  } else if (/^[\d.+-]+$/.test(text)) {
    // A bare number that is not a whole count of seconds is not a date either.
    return undefined;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - (options.now ?? Date.now()));
  }
  return Math.min(ms, options.max ?? Infinity);
}

/** An exponential backoff, in milliseconds. */
export interface Backoff {
  /** Delay before the first retry. */
  base: number;
  /** Largest delay. */
  max: number;
  /** What each retry multiplies the delay by. @default 2 */
  factor?: number;
}

/**
 * The delay before retry number `retry`: `base * factor^(retry - 1)` capped
 * at `max`, of which a random half is kept, so that callers that failed
 * together do not try again together.
 *
 * @param retry 1 for the first retry, 2 for the second, ...
 * @param backoff Base, cap and factor, in ms.
 * @param random A source of numbers in [0, 1).
 * @returns Milliseconds, between half the ceiling and the ceiling.
 */
export function backoffDelay(
  retry: number,
  backoff: Backoff,
  random: () => number = Math.random,
): number {
  const growth = (backoff.factor ?? 2) ** Math.max(0, retry - 1);
  const ceiling = Math.min(backoff.max, backoff.base * growth);
  return ceiling * (0.5 + random() / 2);
}

/**
 * The delay before retry number `retry` after `error`: the server's
 * `retryAfter` when the error carries one (capped), else
 * {@linkcode backoffDelay}.
 *
 * @param error What the last attempt threw.
 * @param retry 1 for the first retry, 2 for the second, ...
 * @param backoff The backoff when the server said nothing.
 * @param options `maxRetryAfter`, the cap on the server's wait (default
 * {@linkcode MAX_RETRY_DELAY}); `random`, the jitter source.
 * @returns Milliseconds to wait.
 */
export function retryDelay(
  error: unknown,
  retry: number,
  backoff: Backoff,
  options: { maxRetryAfter?: number; random?: () => number } = {},
): number {
  const after = error instanceof ApiError ? error.retryAfter : undefined;
  if (after !== undefined) {
    return Math.min(after, options.maxRetryAfter ?? MAX_RETRY_DELAY);
  }
  return backoffDelay(retry, backoff, options.random);
}

/** Options of {@linkcode retrying}. */
export interface RetryingOptions {
  /** Attempts, the first one included. */
  attempts: number;
  /** Tells whether a failure is worth another attempt. */
  when: (error: unknown) => boolean;
  /** The backoff when the error carries no `retryAfter`. */
  backoff: Backoff;
  /** Told before each wait, with the error and the wait in ms. */
  onRetry?: (error: unknown, wait: number, retry: number) => void;
  /** Ends the waits: the last error is then thrown. */
  signal?: AbortSignal;
  /** The jitter source. @default Math.random */
  random?: () => number;
}

/**
 * Runs `operation` until it succeeds, fails for good, or has used up its
 * attempts, waiting {@linkcode retryDelay} in between.
 *
 * @param operation Runs from the start on each attempt.
 * @param options Attempts, which failures to retry, backoff and signal.
 * @returns What the operation returned.
 * @throws The operation's last error.
 */
export async function retrying<T>(
  operation: () => T | Promise<T>,
  options: RetryingOptions,
): Promise<T> {
  for (let attempt = 1;; attempt++) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= options.attempts || !options.when(error)) throw error;
      const wait = retryDelay(error, attempt, options.backoff, options);
      options.onRetry?.(error, wait, attempt);
      if (!await sleep(wait, options.signal)) throw error;
    }
  }
}

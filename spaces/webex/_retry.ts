/**
 * The retry policy of the Webex client: what may be retried, and how long
 * to wait before doing so.
 *
 * @module
 */

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
 * so they are retried only for idempotent methods. 423 is a file still being
 * scanned for malware.
 */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([
  423,
  502,
  503,
  504,
]);

/**
 * Tells whether an answer with `status` to `method` may be sent again.
 *
 * A 429 was not processed, so any method may be retried after it; the other
 * transient statuses only for idempotent methods, since a POST that timed
 * out may have posted.
 */
export function isRetryableStatus(method: string, status: number): boolean {
  if (status === 429) return true;
  return TRANSIENT_STATUSES.has(status) && IDEMPOTENT_METHODS.has(method);
}

/**
 * Reads a `Retry-After` header: delay seconds, or an HTTP date.
 *
 * @param value The header value, or `null` when absent.
 * @param now The current time in milliseconds since the epoch.
 * @returns Whole seconds to wait (0 for a date in the past), or `undefined`
 * when the header is absent or cannot be read.
 */
export function parseRetryAfter(
  value: string | null,
  now: number = Date.now(),
): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // A bare number that is not a whole count of seconds is not a date either.
  if (/^[\d.+-]+$/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** Settings of the exponential backoff, in seconds. */
export interface Backoff {
  /** Delay before the first retry. */
  base: number;
  /** Largest delay. */
  max: number;
}

/**
 * The delay before retry number `retry` (1 for the first retry), in
 * milliseconds: `base * 2^(retry - 1)` capped at `max`, of which a random
 * half is kept, so clients that failed together do not retry together.
 *
 * @param retry 1 for the first retry, 2 for the second, ...
 * @param backoff Base and cap, in seconds.
 * @param random A source of numbers in [0, 1).
 */
export function backoffDelay(
  retry: number,
  backoff: Backoff,
  random: () => number,
): number {
  const ceiling = Math.min(backoff.max, backoff.base * 2 ** (retry - 1));
  return ceiling * 1000 * (0.5 + random() / 2);
}

/**
 * Waits that an abort ends: the one way every loop and backoff of the
 * library waits. `retry.ts` re-exports them.
 *
 * @module
 */

/**
 * Waits for `promise`, or rejects with `signal.reason` as soon as the signal
 * aborts; the listener is removed however the wait ends. The promise itself
 * goes on.
 *
 * @param promise What to wait for.
 * @param signal Ends the wait.
 * @returns What the promise gave.
 */
export async function abortable<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  if (!signal) return await promise;
  signal.throwIfAborted();
  const aborted = Promise.withResolvers<never>();
  const onAbort = () => aborted.reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    return await Promise.race([promise, aborted.promise]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * Waits for `promise`, or gives `undefined` as soon as the signal aborts,
 * for loops that end on an abort rather than fail.
 *
 * @param promise What to wait for; it goes on after an abort.
 * @param signal Ends the wait.
 * @returns What the promise gave, or `undefined` on abort.
 */
export function raceAbort<T>(
  promise: Promise<T>,
  signal?: AbortSignal,
): Promise<T | undefined> {
  return abortable(promise, signal).catch((error) => {
    if (signal?.aborted) return undefined;
    throw error;
  });
}

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as the
 * signal aborts. Neither the timer nor the listener outlives the wait.
 *
 * @param ms How long to wait.
 * @param signal Ends the wait.
 */
export async function abortableSleep(
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, ms));
  });
  try {
    await abortable(elapsed, signal);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits `ms` milliseconds, or less when the signal aborts, for loops that
 * end on an abort rather than fail.
 *
 * @param ms How long to wait.
 * @param signal Ends the wait early.
 * @returns True when the whole wait elapsed, false when it was aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return abortableSleep(ms, signal).then(() => true, () => false);
}

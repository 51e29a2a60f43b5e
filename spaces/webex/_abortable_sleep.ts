/**
 * A wait that an abort signal can cut short.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as the
 * signal aborts.
 *
 * The timer and the listener are removed however the wait ends, so neither
 * outlives it.
 *
 * @param ms How long to wait, in milliseconds.
 * @param signal Cancels the wait.
 */
export async function abortableSleep(
  ms: number,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  const timer = setTimeout(resolve, Math.max(0, ms));
  const onAbort = () => reject(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    await promise;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

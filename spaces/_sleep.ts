/**
 * Waits `ms` milliseconds, or rejects with `signal.reason` as soon as the
 * signal aborts. The timer and the listener are removed however the wait
 * ends, so neither outlives it.
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

/**
 * Waits `ms` milliseconds, or less when the signal aborts, for loops that
 * end on an abort rather than fail.
 *
 * @returns True when the whole wait elapsed, false when it was aborted.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return abortableSleep(ms, signal).then(() => true, () => false);
}

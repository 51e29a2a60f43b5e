/**
 * Waits that an abort ends: the one way every loop and backoff of the
 * library waits. `retry.ts` re-exports them.
 *
 * @module
 */

const ABORTED: unique symbol = Symbol("aborted");

function rethrow(reason: unknown): never {
  throw reason;
}

/**
 * Waits for `promise`, or ends as soon as the signal aborts: by default it
 * rejects with `signal.reason`; with `onAbort`, it gives what `onAbort`
 * gives, for loops that end on an abort rather than fail. The listener is
 * removed however the wait ends. The promise itself goes on.
 *
 * @param promise What to wait for.
 * @param signal Ends the wait.
 * @param onAbort What to give on abort, called with `signal.reason`.
 * @returns What the promise gave, or what `onAbort` gave.
 */
export async function abortable<T, A = never>(
  promise: Promise<T>,
  signal?: AbortSignal,
  onAbort: (reason: unknown) => A = rethrow,
): Promise<T | A> {
  if (!signal) return await promise;
  if (signal.aborted) return onAbort(signal.reason);
  const aborted = Promise.withResolvers<typeof ABORTED>();
  const listener = () => aborted.resolve(ABORTED);
  signal.addEventListener("abort", listener, { once: true });
  try {
    const result = await Promise.race([promise, aborted.promise]);
    return result === ABORTED ? onAbort(signal.reason) : result;
  } finally {
    signal.removeEventListener("abort", listener);
  }
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

/**
 * What `operation` gives, or a rejection with `error` once `ms` passed (a
 * string becomes an `Error`); the operation itself runs on, and the timer
 * never outlives the wait.
 */
export async function withDeadline<T>(
  operation: Promise<T>,
  ms: number,
  error: string | (() => Error),
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      operation,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(typeof error === "string" ? new Error(error) : error()),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Retries of Deno KV operations that SQLite refused with "database is
 * locked": when several processes write to one KV file, Deno's SQLite
 * backend retries some of these conflicts itself but hands others to the
 * caller, although trying again a moment later succeeds.
 *
 * @module
 */

import { retrying } from "./retry.ts";

/** Attempts of one operation, the first included. */
const ATTEMPTS = 30;

/** A few milliseconds, growing to 50: a lock is held for a moment only. */
const BACKOFF = { base: 5, max: 50 };

/**
 * Runs `operation` again while it fails because the file is locked by
 * another process, with a short random wait in between.
 *
 * @param operation Reads and writes; it runs from the start each time.
 * @param signal Ends the waits; the operation's last error is thrown.
 * @returns What the operation returned.
 */
export function retryLocked<T>(
  operation: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  // Jitter, so that two processes that collided do not collide again.
  return retrying(operation, {
    attempts: ATTEMPTS,
    when: isLocked,
    backoff: BACKOFF,
    signal,
  });
}

function isLocked(error: unknown): boolean {
  return error instanceof Error &&
    /database is (locked|busy)/i.test(error.message);
}

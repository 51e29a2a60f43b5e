/**
 * Reading a delivery's body with the memory bounded before anyone is
 * authenticated: a size limit per body, a cap on the bytes being read at
 * once across all requests, and a deadline for the body to arrive.
 *
 * @module
 */

import type { FixedDeadlines } from "../_deadlines.ts";

/** The limits of the intake, resolved; see `HookHandlerOptions`. */
export interface IntakeLimits {
  /** Largest body, in bytes. */
  bodyLimit: number;
  /** Bytes that may be being read at once, over all requests. */
  readingLimit: number;
  /** Milliseconds a body has to arrive in, from the call. */
  bodyTimeout: number;
}

/** Why a body was not taken. */
export type Refusal = "too large" | "too slow" | "busy" | "unreadable";

/**
 * The bytes being read at once: a request reserves each chunk of its body
 * as it arrives and gives all of it back once read, so that N slow or
 * large bodies together never hold more than the cap, and a stalled
 * client holds only what it sent (a declared length reserves nothing).
 */
export class ReadingBudget {
  #used = 0;
  #waiters: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** Reserves `bytes`; false when that would pass the cap. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    this.#changed();
    return true;
  }

  /** Gives back what `take` reserved. */
  give(bytes: number): void {
    this.#used -= bytes;
    this.#changed();
  }

  /**
   * Resolves at the next change of `used`: for tests, which wait for the
   * server to have read something without sleeping.
   */
  changed(): Promise<void> {
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #changed(): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }
}

/**
 * Reads a request's body under the limits: the bytes, or why not. A body
 * whose Content-Length passes the limit is refused without reading; any
 * other is counted as it comes, against the limit and the budget, and
 * cancelled at the deadline.
 */
export async function readBody(
  request: Request,
  limits: IntakeLimits,
  budget: ReadingBudget,
  deadlines: FixedDeadlines,
): Promise<Uint8Array<ArrayBuffer> | Refusal> {
  const { headers } = request;
  const length = headers.get("content-length");
  // Content-Length alone says the size (no Transfer-Encoding). `get`, not
  // `has`: Deno answers `get` of one header without building them all.
  const declared = length === null || headers.get("transfer-encoding") !== null
    ? undefined
    : Number(length);
  if (declared !== undefined && declared > limits.bodyLimit) {
    return "too large";
  }
  const body = request.body;
  if (!body || declared === 0) return new Uint8Array(0);
  try {
    return await readStream(body, limits, budget, deadlines);
  } catch {
    // The client went away before its body was in.
    return "unreadable";
  }
}

/**
 * Reads the body chunk by chunk, each reserved in the budget as it comes
 * (reading with `arrayBuffer()` is faster, but gives no sight of the bytes
 * before all are in, so a stalled body would have to reserve its declared
 * length up front: 256 stalled clients then locked every delivery out).
 * Cancelled at the deadline, which ends the pending read and drops what
 * Deno holds of the body; Deno then drains the rest of the connection.
 * The reader's lock is never released: nothing reads the body after this,
 * and releasing it costs an error object (the closed promise is rejected).
 */
async function readStream(
  body: ReadableStream<Uint8Array>,
  limits: IntakeLimits,
  budget: ReadingBudget,
  deadlines: FixedDeadlines,
): Promise<Uint8Array<ArrayBuffer> | Refusal> {
  const reader = body.getReader();
  let late = false;
  const pending = deadlines.start(() => {
    late = true;
    reader.cancel().catch(() => {});
  });
  // A body that comes in one chunk (a delivery almost always) is that
  // chunk: no list, no copy.
  let first: Uint8Array | undefined;
  let chunks: Uint8Array[] | undefined;
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (late) return "too slow";
      if (done) break;
      if (size + value.length > limits.bodyLimit) {
        await reader.cancel().catch(() => {});
        return "too large";
      }
      if (!budget.take(value.length)) {
        await reader.cancel().catch(() => {});
        return "busy";
      }
      size += value.length;
      if (first === undefined) first = value;
      else (chunks ??= [first]).push(value);
    }
  } finally {
    deadlines.end(pending);
    budget.give(size);
  }
  if (chunks) return join(chunks, size);
  if (first === undefined) return new Uint8Array(0);
  // A chunk read from the socket is a view on a larger buffer: copied then,
  // so that a delivery waiting in a queue holds its bytes only.
  return (first.byteLength * 2 < first.buffer.byteLength
    ? first.slice()
    : first) as Uint8Array<ArrayBuffer>;
}

function join(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

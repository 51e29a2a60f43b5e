/**
 * Reading a delivery's body with the memory bounded before anyone is
 * authenticated: a size limit per body, a cap on the bytes being read at
 * once across all requests, and a deadline for the body to arrive.
 *
 * @module
 */

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
 * The bytes being read at once: a request reserves what it may bring
 * (its Content-Length, else the body limit) before reading a byte, and
 * gives it back once read, so that N slow or large bodies together never
 * hold more than the cap.
 */
export class ReadingBudget {
  #used = 0;

  constructor(readonly limit: number) {}

  /** Bytes reserved now. */
  get used(): number {
    return this.#used;
  }

  /** Reserves `bytes`; false when that would pass the cap. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  /** Gives back what `take` reserved. */
  give(bytes: number): void {
    this.#used -= bytes;
  }
}

/**
 * Reads a request's body under the limits: the bytes, or why not. A body
 * whose Content-Length passes the limit is refused without reading; one of
 * unknown length is counted as it comes.
 */
export async function readBody(
  request: Request,
  limits: IntakeLimits,
  budget: ReadingBudget,
): Promise<Uint8Array<ArrayBuffer> | Refusal> {
  const declared = declaredLength(request);
  if (declared !== undefined && declared > limits.bodyLimit) {
    return "too large";
  }
  const reserved = declared ?? limits.bodyLimit;
  if (!budget.take(reserved)) return "busy";
  const release = () => budget.give(reserved);
  if (declared !== undefined) {
    return await readDeclared(request, limits.bodyTimeout, release);
  }
  try {
    return await readStream(request.body, limits);
  } catch {
    return "unreadable";
  } finally {
    release();
  }
}

/**
 * A body of known length, with `arrayBuffer()`: Deno reads it without a
 * stream in JavaScript (reading `request.body` first halved the route's
 * throughput). A stalled one is answered at the deadline, but its bytes
 * stay counted until the read ends: Deno 2.9.6 gives a handler no way to
 * drop a connection whose body it started to read, and holds what came
 * until the client sends the rest or hangs up (the read then fails).
 */
async function readDeclared(
  request: Request,
  timeout: number,
  release: () => void,
): Promise<Uint8Array<ArrayBuffer> | Refusal> {
  const reading = request.arrayBuffer();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"too slow">((resolve) => {
    timer = setTimeout(() => resolve("too slow"), timeout);
  });
  let result: ArrayBuffer | "too slow";
  try {
    result = await Promise.race([reading, late]);
  } catch {
    // The client went away before its body was in.
    release();
    return "unreadable";
  } finally {
    clearTimeout(timer);
  }
  if (typeof result === "string") {
    reading.then(release, release);
    return result;
  }
  release();
  return new Uint8Array(result);
}

/** Content-Length, when it alone says the size (no Transfer-Encoding). */
function declaredLength(request: Request): number | undefined {
  const length = request.headers.get("content-length");
  if (length === null || request.headers.has("transfer-encoding")) {
    return undefined;
  }
  const value = Number(length);
  return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * A body of unknown length (chunked), counted as it comes and cancelled
 * at the deadline, which drops what Deno holds of it. Deno keeps such a
 * connection open to drain the rest, reading and dropping it.
 */
async function readStream(
  body: ReadableStream<Uint8Array> | null,
  limits: IntakeLimits,
): Promise<Uint8Array<ArrayBuffer> | Refusal> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    // Cancelling ends the pending read (it resolves `done`) and drops
    // what Deno holds of the body.
    reader.cancel().catch(() => {});
  }, limits.bodyTimeout);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (late) return "too slow";
      if (done) break;
      size += value.length;
      if (size > limits.bodyLimit) {
        await reader.cancel().catch(() => {});
        return "too large";
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  return join(chunks, size);
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

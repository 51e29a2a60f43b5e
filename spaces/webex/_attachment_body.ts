/**
 * The body of a downloaded attachment, guarded: cut once it brings more
 * bytes than announced or allowed, failed with a {@linkcode NetworkError}
 * when the server stalls between chunks or the body ends short.
 *
 * @module
 */

import { NetworkError, SpacesError } from "../errors.ts";
import { SERVICE } from "./_answers.ts";

/** What guards one attachment body. */
export interface BodyGuard {
  /** The path of the content URL, for errors; never the token. */
  path: string;
  /** The `Content-Length`, when given. */
  announced?: number;
  /** The size the body must reach, when known. */
  expected?: number;
  /** The most bytes taken. */
  maxBytes: number;
  /** Milliseconds a read may wait for the next chunk. */
  idleTimeout: number;
  /** The caller's signal: its reason is the error when it aborts. */
  signal?: AbortSignal;
}

/**
 * Wraps `body` so that every failure is a {@linkcode SpacesError}: a read
 * waits at most `idleTimeout` ms, and the underlying body is cancelled as
 * soon as the stream fails. The timer runs only while a chunk is asked for,
 * so a slow reader is never the server's fault.
 */
export function guardBody(
  body: ReadableStream<Uint8Array>,
  guard: BodyGuard,
): ReadableStream<Uint8Array> {
  const { path, announced, expected, maxBytes, idleTimeout, signal } = guard;
  const limit = Math.min(maxBytes, announced ?? Infinity);
  const reader = body.getReader();
  let seen = 0;
  const fail = (
    controller: ReadableStreamDefaultController<Uint8Array>,
    error: unknown,
  ) => {
    controller.error(error);
    reader.cancel(error).catch(() => {});
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const stalled = new Promise<"stalled">((resolve) => {
        timer = setTimeout(() => resolve("stalled"), idleTimeout);
      });
      let result: ReadableStreamReadResult<Uint8Array> | "stalled";
      try {
        result = await Promise.race([reader.read(), stalled]);
      } catch (cause) {
        return fail(
          controller,
          signal?.aborted ? signal.reason : cutShort(path, cause),
        );
      } finally {
        clearTimeout(timer);
      }
      if (result === "stalled") {
        return fail(
          controller,
          cutShort(
            path,
            new DOMException(
              `the download stalled: no bytes for ${idleTimeout} ms (idleTimeout)`,
              "TimeoutError",
            ),
          ),
        );
      }
      if (result.done) {
        if (expected !== undefined && seen < expected) {
          return fail(
            controller,
            cutShort(
              path,
              new Error(
                `the body ended after ${seen} of the ${expected} bytes announced`,
              ),
            ),
          );
        }
        return controller.close();
      }
      seen += result.value.byteLength;
      if (seen > limit) {
        return fail(
          controller,
          new SpacesError(
            announced !== undefined && announced <= maxBytes
              ? `The attachment ${path} brought more than the ${announced} bytes it announced: cut`
              : `The attachment ${path} is over the limit of ${maxBytes} bytes (maxBytes): cut`,
          ),
        );
      }
      controller.enqueue(result.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** A download that failed midway, such as a body shorter than announced. */
function cutShort(path: string, cause: unknown): NetworkError {
  return new NetworkError({
    method: "GET",
    path,
    cause,
    service: SERVICE,
    hint: "Check the network, then download again",
  });
}

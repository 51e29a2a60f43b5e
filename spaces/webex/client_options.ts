/**
 * The options of the `WebexClient` and of its requests. Every
 * duration is in milliseconds.
 *
 * @module
 */

import type { Logger } from "../log.ts";

/**
 * Options of a `WebexClient`.
 *
 * @example Retry fewer times, and wait less for a slow server
 * ```ts
 * import { WebexClient, type WebexClientOptions } from "@shellbot/spaces";
 *
 * const options: WebexClientOptions = {
 *   token: "secret",
 *   maxAttempts: 3,
 *   maxRetryAfter: 30_000,
 *   backoff: { base: 1_000, max: 10_000 },
 *   timeout: 10_000,
 * };
 * const client = new WebexClient(options);
 * console.log(client.apiUrl); // "https://webexapis.com/v1"
 * ```
 */
export interface WebexClientOptions {
  /** The bearer token. It is never logged and never put in an error. */
  token: string;
  /**
   * Base URL of the API; a trailing slash is tolerated.
   *
   * @default {"https://webexapis.com/v1"}
   */
  apiUrl?: string;
  /**
   * The `fetch` to send requests with.
   *
   * @default {globalThis.fetch}
   */
  fetch?: typeof fetch;
  /**
   * Where retries are reported, at `warn`.
   *
   * @default {quietLogger}
   */
  logger?: Logger;
  /**
   * Attempts per call, the first one included.
   *
   * @default {5}
   */
  maxAttempts?: number;
  /**
   * Longest `Retry-After` waited for, in milliseconds. An answer asking for
   * more is not waited for: its `ApiError` is thrown at once, with
   * `retryAfter` (in ms) set so the caller can decide.
   *
   * @default {60000}
   */
  maxRetryAfter?: number;
  /**
   * Exponential backoff between retries when the server gives no
   * `Retry-After`, in milliseconds: `base * 2^(retry - 1)` capped at `max`,
   * of which a random half is kept.
   *
   * @default {{ base: 500, max: 30000 }}
   */
  backoff?: {
    /** Delay before the first retry, in milliseconds. @default {500} */
    base?: number;
    /** Largest delay, in milliseconds. @default {30000} */
    max?: number;
  };
  /**
   * Milliseconds to wait for the response headers, per attempt. The body
   * of a response given by `request` is not cut off; see `bodyTimeout`.
   *
   * @default {60000}
   */
  timeout?: number;
  /**
   * Milliseconds to read the whole body of a JSON answer (`json`, `get`,
   * `post`, `put`, `list`) once its headers came. A body that stalls
   * longer is cancelled with a `NetworkError`, which is not retried.
   *
   * @default {30000}
   */
  bodyTimeout?: number;
  /**
   * Source of the backoff jitter, giving numbers in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Options of one `WebexClient` request.
 *
 * @example Upload a stream that can be sent again after a 429
 * ```ts
 * import { WebexClient, type WebexRequestOptions } from "@shellbot/spaces";
 *
 * const client = new WebexClient({
 *   token: "secret",
 *   fetch: () => Promise.resolve(Response.json({ id: "m1" })),
 * });
 * const options: WebexRequestOptions = {
 *   headers: { "content-type": "application/octet-stream" },
 *   body: () => ReadableStream.from([new TextEncoder().encode("bytes")]),
 *   signal: AbortSignal.timeout(60_000),
 * };
 * const response = await client.request("PUT", "/upload", options);
 * console.log(await response.json()); // { id: "m1" }
 * ```
 */
export interface WebexRequestOptions {
  /** Query parameters; `undefined` values are left out. */
  query?: Record<string, string | number | boolean | undefined>;
  /** A body sent as JSON. */
  json?: unknown;
  /**
   * A raw body. A function is called once per attempt, so a streamed upload
   * can be sent again. A `ReadableStream` given directly can be sent only
   * once, so such a request is never retried.
   */
  body?: BodyInit | (() => BodyInit | Promise<BodyInit>);
  /** Extra headers; they win over the defaults. */
  headers?: HeadersInit;
  /** Cancels the request, its retries and the waits between them. */
  signal?: AbortSignal;
}

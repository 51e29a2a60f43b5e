/**
 * The one HTTP client every Webex call goes through: it builds the request,
 * authenticates it, applies the timeout and the caller's abort signal,
 * retries what may be retried, and turns failures into
 * {@linkcode ApiError} and {@linkcode NetworkError}.
 *
 * @module
 */

import { ApiError, NetworkError } from "../errors.ts";
import { type Logger, quietLogger } from "../log.ts";
import { abortableSleep } from "../_sleep.ts";
import { parseNextLink } from "./_link.ts";
import {
  backoffDelay,
  IDEMPOTENT_METHODS,
  isRetryableStatus,
  parseRetryAfter,
} from "./_retry.ts";

/**
 * The Webex API URL used when none is given.
 *
 * @example Compare a client's API URL with the default
 * ```ts
 * import { DEFAULT_API_URL, WebexClient } from "./client.ts";
 *
 * console.log(new WebexClient({ token: "secret" }).apiUrl === DEFAULT_API_URL); // true
 * ```
 */
export const DEFAULT_API_URL = "https://webexapis.com/v1";

/**
 * Options of a {@linkcode WebexClient}.
 *
 * @example Retry fewer times, and wait less for a slow server
 * ```ts
 * import { WebexClient, type WebexClientOptions } from "./client.ts";
 *
 * const options: WebexClientOptions = {
 *   token: "secret",
 *   maxAttempts: 3,
 *   maxRetryAfter: 30,
 *   backoff: { base: 1, max: 10 },
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
   * Longest `Retry-After` waited for, in seconds. An answer asking for more
   * is not waited for: its {@linkcode ApiError} is thrown at once, with
   * `retryAfter` set so the caller can decide.
   *
   * @default {60}
   */
  maxRetryAfter?: number;
  /**
   * Exponential backoff between retries when the server gives no
   * `Retry-After`, in seconds: `base * 2^(retry - 1)` capped at `max`, of
   * which a random half is kept.
   *
   * @default {{ base: 0.5, max: 30 }}
   */
  backoff?: {
    /** Delay before the first retry, in seconds. @default {0.5} */
    base?: number;
    /** Largest delay, in seconds. @default {30} */
    max?: number;
  };
  /**
   * Milliseconds to wait for the response headers, per attempt. A body
   * streaming after the headers is not cut off.
   *
   * @default {60000}
   */
  timeout?: number;
  /**
   * Source of the backoff jitter, giving numbers in [0, 1).
   *
   * @default {Math.random}
   */
  random?: () => number;
}

/**
 * Options of one {@linkcode WebexClient} request.
 *
 * @example Upload a stream that can be sent again after a 429
 * ```ts
 * import { WebexClient, type WebexRequestOptions } from "./client.ts";
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

/** What one attempt gave: an OK response, or the error to throw or retry. */
type Outcome =
  | { response: Response; error?: undefined }
  | { response?: undefined; error: ApiError | NetworkError };

/**
 * A small client of the Webex REST API with one retry policy.
 *
 * - Sends `Authorization: Bearer <token>` only to URLs of the API's own
 *   origin, so a content URL on another host never sees the token.
 * - Retries a 429 for every method after its `Retry-After`; retries 423,
 *   502, 503, 504 and network failures only for idempotent methods (GET,
 *   HEAD, PUT, DELETE, OPTIONS), with exponential backoff and jitter.
 * - Throws {@linkcode ApiError} for an error answer, {@linkcode NetworkError}
 *   when no answer came, and the signal's reason on abort.
 *
 * @example List rooms with an injected fetch
 * ```ts
 * import { WebexClient } from "./client.ts";
 *
 * const client = new WebexClient({
 *   token: "secret",
 *   fetch: () => Promise.resolve(Response.json({ items: [{ id: "r1" }] })),
 * });
 * for await (const room of client.list<{ id: string }>("/rooms", { query: { max: 50 } })) {
 *   console.log(room.id); // "r1"
 * }
 * ```
 */
export class WebexClient {
  #token: string;
  #apiUrl: string;
  #apiOrigin: string;
  #fetch: typeof fetch;
  #logger: Logger;
  #maxAttempts: number;
  #maxRetryAfter: number;
  #backoff: { base: number; max: number };
  #timeout: number;
  #random: () => number;

  /**
   * Makes a client. Nothing is sent until a request is made.
   *
   * @param options The token, and optionally the API URL, `fetch`, logger
   * and retry settings.
   * @throws {TypeError} When the token is empty or not usable in a header,
   * or the API URL is not an http(s) URL.
   * @throws {RangeError} When a number setting is out of range.
   *
   * @example Point a client at another API URL
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({ token: "secret", apiUrl: "https://api-usgov.webex.com/v1/" });
   * console.log(client.apiUrl); // "https://api-usgov.webex.com/v1"
   * ```
   */
  constructor(options: WebexClientOptions) {
    const token = String(options.token ?? "").trim();
    if (!token) {
      throw new TypeError("Cannot make a Webex client: the token is empty");
    }
    if (/[^\x21-\x7e]/.test(token)) {
      throw new TypeError(
        "Cannot make a Webex client: the token holds characters that are not allowed in an HTTP header",
      );
    }
    this.#token = token;
    const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/+$/, "");
    let parsed: URL;
    try {
      parsed = new URL(apiUrl);
    } catch {
      throw new TypeError(
        `Cannot make a Webex client: the API URL '${apiUrl}' is not a URL`,
      );
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new TypeError(
        `Cannot make a Webex client: the API URL '${apiUrl}' is not http or https`,
      );
    }
    this.#apiUrl = apiUrl;
    this.#apiOrigin = parsed.origin;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#logger = options.logger ?? quietLogger;
    this.#maxAttempts = checkNumber("maxAttempts", options.maxAttempts, 5, 1);
    if (!Number.isInteger(this.#maxAttempts)) {
      throw new RangeError(
        `Cannot make a Webex client: maxAttempts must be a whole number, not ${this.#maxAttempts}`,
      );
    }
    this.#maxRetryAfter = checkNumber(
      "maxRetryAfter",
      options.maxRetryAfter,
      60,
      0,
    );
    this.#backoff = {
      base: checkNumber("backoff.base", options.backoff?.base, 0.5, 0),
      max: checkNumber("backoff.max", options.backoff?.max, 30, 0),
    };
    this.#timeout = checkNumber("timeout", options.timeout, 60_000, 1);
    this.#random = options.random ?? Math.random;
  }

  /**
   * The API URL requests are sent below, without a trailing slash.
   *
   * @example Read the API URL
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * console.log(new WebexClient({ token: "secret" }).apiUrl); // "https://webexapis.com/v1"
   * ```
   */
  get apiUrl(): string {
    return this.#apiUrl;
  }

  /**
   * Sends one request under the retry policy.
   *
   * @param method The HTTP method, such as `GET`.
   * @param pathOrUrl A path below the API URL (`/rooms`), or an absolute
   * URL such as a `Link` next URL or a content URL.
   * @param options Query, body, headers and abort signal.
   * @returns The OK response, with its body not yet read: read or cancel it.
   * @throws {ApiError} When Webex answers with an error status and the
   * request may not, or may no longer, be retried.
   * @throws {NetworkError} When no answer came, or none within the timeout.
   * @throws The signal's reason when the signal aborts.
   *
   * @example Download bytes as a stream
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(new Response("bytes")),
   * });
   * const response = await client.request("GET", "https://webexapis.com/v1/contents/c1");
   * console.log(await response.text()); // "bytes"
   * ```
   */
  async request(
    method: string,
    pathOrUrl: string,
    options: WebexRequestOptions = {},
  ): Promise<Response> {
    const { signal } = options;
    signal?.throwIfAborted();
    method = method.toUpperCase();
    if (options.json !== undefined && options.body !== undefined) {
      throw new TypeError(
        `Cannot send ${method} ${pathOrUrl}: give either json or body, not both`,
      );
    }
    const url = this.#resolve(pathOrUrl, options.query);
    const path = this.#pathOf(url);
    const headers = this.#headersFor(url, options);
    // A stream given as such is used up by the first attempt.
    const replayable = !isOneShot(options.body);
    for (let attempt = 1;; attempt++) {
      const body = options.json !== undefined
        ? JSON.stringify(options.json)
        : typeof options.body === "function"
        ? await options.body()
        : options.body;
      const outcome = await this.#attempt(method, url, path, {
        method,
        headers,
        body,
      }, signal);
      if (outcome.response) return outcome.response;
      const { error } = outcome;
      const retryable = error instanceof ApiError
        ? isRetryableStatus(method, error.status)
        : IDEMPOTENT_METHODS.has(method);
      if (!retryable || !replayable || attempt >= this.#maxAttempts) {
        throw error;
      }
      const retryAfter = error instanceof ApiError
        ? error.retryAfter
        : undefined;
      if (retryAfter !== undefined && retryAfter > this.#maxRetryAfter) {
        throw error;
      }
      const wait = retryAfter !== undefined
        ? retryAfter * 1000
        : backoffDelay(attempt, this.#backoff, this.#random);
      const what = error instanceof ApiError
        ? `Webex answered ${error.status} to ${method} ${path}`
        : `Could not reach Webex for ${method} ${path}`;
      this.#logger.warn(
        `${what}; trying again in ${formatSeconds(wait)} (attempt ${
          attempt + 1
        } of ${this.#maxAttempts})`,
      );
      await abortableSleep(wait, signal);
    }
  }

  /**
   * Sends a request and reads the answer as JSON.
   *
   * @param method The HTTP method, such as `GET`.
   * @param pathOrUrl A path below the API URL, or an absolute URL.
   * @param options Query, body, headers and abort signal.
   * @returns The parsed body, or `undefined` for a 204 or an empty body.
   * @throws {ApiError} As {@linkcode WebexClient.request} does, and when an
   * OK answer is not JSON.
   * @throws {NetworkError} As {@linkcode WebexClient.request} does.
   *
   * @example Update a room
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: (_, init) => Promise.resolve(new Response(init?.body)),
   * });
   * const room = await client.json<{ title: string }>("PUT", "/rooms/r1", { json: { title: "Ops" } });
   * console.log(room.title); // "Ops"
   * ```
   */
  async json<T>(
    method: string,
    pathOrUrl: string,
    options: WebexRequestOptions = {},
  ): Promise<T> {
    const response = await this.request(method, pathOrUrl, options);
    const url = this.#resolve(pathOrUrl, options.query);
    return await this.#readJson<T>(response, method, url, options.signal);
  }

  /**
   * Gets a JSON object.
   *
   * @param path A path below the API URL, or an absolute URL.
   * @param options Query, headers and abort signal.
   * @returns The parsed body.
   *
   * @example Get the bot itself
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(Response.json({ id: "p1", type: "bot" })),
   * });
   * const me = await client.get<{ id: string }>("/people/me");
   * console.log(me.id); // "p1"
   * ```
   */
  get<T>(path: string, options?: WebexRequestOptions): Promise<T> {
    return this.json<T>("GET", path, options);
  }

  /**
   * Posts a JSON body and reads the JSON answer. A POST is retried only
   * after a 429, which Webex did not process.
   *
   * @param path A path below the API URL.
   * @param json The body, sent as JSON.
   * @param options Query, headers and abort signal.
   * @returns The parsed body, such as the created object.
   *
   * @example Post a message
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(Response.json({ id: "m1" })),
   * });
   * const message = await client.post<{ id: string }>("/messages", { roomId: "r1", text: "hello" });
   * console.log(message.id); // "m1"
   * ```
   */
  post<T>(
    path: string,
    json?: unknown,
    options?: WebexRequestOptions,
  ): Promise<T> {
    return this.json<T>("POST", path, withJson(options, json));
  }

  /**
   * Puts a JSON body and reads the JSON answer.
   *
   * @param path A path below the API URL.
   * @param json The body, sent as JSON.
   * @param options Query, headers and abort signal.
   * @returns The parsed body, such as the updated object.
   *
   * @example Revive a webhook
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(Response.json({ id: "w1", status: "active" })),
   * });
   * const hook = await client.put<{ status: string }>("/webhooks/w1", { status: "active" });
   * console.log(hook.status); // "active"
   * ```
   */
  put<T>(
    path: string,
    json?: unknown,
    options?: WebexRequestOptions,
  ): Promise<T> {
    return this.json<T>("PUT", path, withJson(options, json));
  }

  /**
   * Deletes an object.
   *
   * @param path A path below the API URL.
   * @param options Query, headers and abort signal.
   *
   * @example Delete a message
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(new Response(null, { status: 204 })),
   * });
   * await client.delete("/messages/m1");
   * ```
   */
  async delete(path: string, options?: WebexRequestOptions): Promise<void> {
    const response = await this.request("DELETE", path, options);
    await response.body?.cancel();
  }

  /**
   * Iterates the `items` of a list endpoint page by page.
   *
   * A page is fetched only when an item past the current page is asked for,
   * so breaking out of a `for await` fetches nothing more. The next page is
   * the `Link` header's `rel="next"` URL, followed verbatim.
   *
   * @param path A path below the API URL, such as `/rooms`.
   * @param options Query of the first page, headers and abort signal.
   * @returns The items, one at a time.
   * @throws {ApiError} When a page fails, or has no `items` array.
   *
   * @example Take the first memberships only
   * ```ts
   * import { WebexClient } from "./client.ts";
   *
   * const client = new WebexClient({
   *   token: "secret",
   *   fetch: () => Promise.resolve(Response.json({ items: [{ id: "a" }, { id: "b" }] })),
   * });
   * for await (const membership of client.list<{ id: string }>("/memberships")) {
   *   console.log(membership.id); // "a"
   *   break;
   * }
   * ```
   */
  async *list<T>(
    path: string,
    options: WebexRequestOptions = {},
  ): AsyncGenerator<T, void, undefined> {
    let next: string | undefined = this.#resolve(path, options.query);
    while (next !== undefined) {
      const url: string = next;
      const response = await this.request("GET", url, {
        ...options,
        query: undefined,
      });
      const page = await this.#readJson<{ items?: unknown } | undefined>(
        response,
        "GET",
        url,
        options.signal,
      );
      if (!Array.isArray(page?.items)) {
        throw new ApiError({
          status: response.status,
          method: "GET",
          path: this.#pathOf(url),
          trackingId: response.headers.get("trackingid") ?? undefined,
          serverMessage: "The answer holds no items list",
        });
      }
      const target = parseNextLink(response.headers.get("link"));
      // RFC 8288 resolves a relative target against the request's URL.
      next = target === undefined || /^https?:\/\//i.test(target)
        ? target
        : new URL(target, url).href;
      yield* page.items as T[];
    }
  }

  #headersFor(url: string, options: WebexRequestOptions): Headers {
    const headers = new Headers(options.headers);
    if (!headers.has("accept")) headers.set("accept", "application/json");
    if (options.json !== undefined && !headers.has("content-type")) {
      headers.set("content-type", "application/json; charset=utf-8");
    }
    // The bot's token is for Webex alone, not for whatever host a URL names.
    if (
      new URL(url).origin === this.#apiOrigin && !headers.has("authorization")
    ) {
      headers.set("authorization", `Bearer ${this.#token}`);
    }
    return headers;
  }

  /** Sends once; the timeout covers the wait for headers, not the body. */
  async #attempt(
    method: string,
    url: string,
    path: string,
    init: RequestInit,
    signal: AbortSignal | undefined,
  ): Promise<Outcome> {
    const timeout = new AbortController();
    const timer = setTimeout(
      () =>
        timeout.abort(
          new DOMException(
            `Webex sent no response headers within ${this.#timeout} ms`,
            "TimeoutError",
          ),
        ),
      this.#timeout,
    );
    const combined = signal
      ? AbortSignal.any([signal, timeout.signal])
      : timeout.signal;
    try {
      let response: Response;
      try {
        response = await this.#fetch(url, { ...init, signal: combined });
      } catch (cause) {
        signal?.throwIfAborted();
        const reason = timeout.signal.aborted ? timeout.signal.reason : cause;
        return { error: new NetworkError(method, path, reason) };
      }
      if (response.ok) return { response };
      return { error: await this.#apiError(response, method, path, signal) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Reads an error answer, consuming its body, into an ApiError. */
  async #apiError(
    response: Response,
    method: string,
    path: string,
    signal: AbortSignal | undefined,
  ): Promise<ApiError> {
    let text = "";
    try {
      text = await response.text();
    } catch {
      // The status alone still says what happened.
    }
    signal?.throwIfAborted();
    let body: Record<string, unknown> = {};
    try {
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === "object") body = parsed;
    } catch {
      // Proxies answer 502 with HTML: there is no message to keep.
    }
    const trackingId = typeof body.trackingId === "string"
      ? body.trackingId
      : response.headers.get("trackingid") ?? undefined;
    return new ApiError({
      status: response.status,
      method,
      path,
      trackingId: this.#scrub(trackingId),
      retryAfter: parseRetryAfter(response.headers.get("retry-after")),
      serverMessage: this.#scrub(serverMessageOf(body)),
    });
  }

  async #readJson<T>(
    response: Response,
    method: string,
    url: string,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const upper = method.toUpperCase();
    let text: string;
    try {
      text = await response.text();
    } catch (cause) {
      signal?.throwIfAborted();
      throw new NetworkError(upper, this.#pathOf(url), cause);
    }
    if (text.trim() === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw new ApiError({
        status: response.status,
        method: upper,
        path: this.#pathOf(url),
        trackingId: response.headers.get("trackingid") ?? undefined,
        serverMessage: "The answer is not valid JSON",
        cause,
      });
    }
  }

  /** Keeps the token out of text that came from the server. */
  #scrub(text: string | undefined): string | undefined {
    return text?.replaceAll(this.#token, "[token]");
  }

  #resolve(pathOrUrl: string, query?: WebexRequestOptions["query"]): string {
    const base = /^https?:\/\//i.test(pathOrUrl)
      ? pathOrUrl
      : `${this.#apiUrl}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.append(key, String(value));
    }
    const search = params.toString();
    if (!search) return base;
    return `${base}${base.includes("?") ? "&" : "?"}${search}`;
  }

  /** The path of `url` for errors and logs: never the host. */
  #pathOf(url: string): string {
    if (
      url.startsWith(`${this.#apiUrl}/`) || url.startsWith(`${this.#apiUrl}?`)
    ) {
      return url.slice(this.#apiUrl.length);
    }
    try {
      const parsed = new URL(url);
      // Another host's query may carry its own signature: leave it out.
      return parsed.origin === this.#apiOrigin
        ? `${parsed.pathname}${parsed.search}`
        : parsed.pathname;
    } catch {
      return url;
    }
  }
}

function serverMessageOf(body: Record<string, unknown>): string | undefined {
  if (typeof body.message === "string" && body.message) return body.message;
  const first = Array.isArray(body.errors) ? body.errors[0] : undefined;
  const description = first && typeof first === "object"
    ? (first as Record<string, unknown>).description
    : undefined;
  return typeof description === "string" && description
    ? description
    : undefined;
}

function checkNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `Cannot make a Webex client: ${name} must be a number of at least ${min}, not ${value}`,
    );
  }
  return value;
}

/** Tells a body that can be read only once: a stream or an iterator. */
function isOneShot(body: WebexRequestOptions["body"]): boolean {
  if (typeof body !== "object" || body === null) return false;
  return body instanceof ReadableStream || Symbol.asyncIterator in body ||
    typeof (body as { next?: unknown }).next === "function";
}

function withJson(
  options: WebexRequestOptions | undefined,
  json: unknown,
): WebexRequestOptions | undefined {
  return json === undefined ? options : { ...options, json };
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

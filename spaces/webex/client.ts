/**
 * The one HTTP client every Webex call goes through: it builds the request,
 * authenticates it, applies the timeout and the caller's abort signal,
 * retries what may be retried, and turns failures into
 * {@linkcode ApiError} and {@linkcode NetworkError}.
 *
 * @module
 */

import type { ApiError, NetworkError } from "../errors.ts";
import { abortableSleep, isTransient, retryDelay } from "../retry.ts";
import { parseNextLink } from "./_link.ts";
import { type ClientConfig, clientConfig } from "./_client_config.ts";
import { badAnswer, type CallInfo, readJson, SERVICE } from "./_answers.ts";
import {
  bodyOf,
  headersFor,
  isOneShot,
  sendOnce,
  withJson,
} from "./_transport.ts";
import type {
  WebexClientOptions,
  WebexRequestOptions,
} from "./client_options.ts";

export type * from "./client_options.ts";

/**
 * The Webex API URL used when none is given.
 *
 * @example Compare a client's API URL with the default
 * ```ts
 * import { DEFAULT_API_URL, WebexClient } from "@shellbot/spaces";
 *
 * console.log(new WebexClient({ token: "secret" }).apiUrl === DEFAULT_API_URL); // true
 * ```
 */
export const DEFAULT_API_URL = "https://webexapis.com/v1";

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
 * import { WebexClient } from "@shellbot/spaces";
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
  #config: ClientConfig;

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
   * import { WebexClient } from "@shellbot/spaces";
   *
   * const client = new WebexClient({ token: "secret", apiUrl: "https://api-usgov.webex.com/v1/" });
   * console.log(client.apiUrl); // "https://api-usgov.webex.com/v1"
   * ```
   */
  constructor(options: WebexClientOptions) {
    this.#config = clientConfig(options, DEFAULT_API_URL);
  }

  /**
   * The API URL requests are sent below, without a trailing slash.
   *
   * @example Read the API URL
   * ```ts
   * import { WebexClient } from "@shellbot/spaces";
   *
   * console.log(new WebexClient({ token: "secret" }).apiUrl); // "https://webexapis.com/v1"
   * ```
   */
  get apiUrl(): string {
    return this.#config.api.href;
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
   * import { WebexClient } from "@shellbot/spaces";
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
    const url = this.#config.api.resolve(pathOrUrl, options.query);
    const call = this.#call(method, url, signal);
    // The bot's token is for Webex alone, not for whatever host a URL names.
    const token = this.#config.api.isOwn(url) ? this.#config.token : undefined;
    const headers = headersFor(options, token);
    // A stream given as such is used up by the first attempt.
    const replayable = !isOneShot(options.body);
    for (let attempt = 1;; attempt++) {
      const body = await bodyOf(options);
      const outcome = await sendOnce(this.#config.fetch, url, {
        method,
        headers,
        body,
      }, { ...call, timeout: this.#config.timeout });
      if (outcome.response) return outcome.response;
      const { error } = outcome;
      if (
        !isTransient(error, method) || !replayable ||
        attempt >= this.#config.maxAttempts || this.#tooLong(error)
      ) throw error;
      const wait = retryDelay(error, attempt, this.#config.backoff, {
        maxRetryAfter: this.#config.maxRetryAfter,
        random: this.#config.random,
      });
      const what = "status" in error
        ? `${SERVICE} answered ${error.status} to ${method} ${call.path}`
        : `Could not reach ${SERVICE} for ${method} ${call.path}`;
      this.#config.logger.warn(
        `${what}; trying again in ${(wait / 1000).toFixed(1)} s (attempt ${
          attempt + 1
        } of ${this.#config.maxAttempts})`,
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
   * @throws {NetworkError} As {@linkcode WebexClient.request} does, and when
   * the body does not come whole within `bodyTimeout`.
   *
   * @example Update a room
   * ```ts
   * import { WebexClient } from "@shellbot/spaces";
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
    const url = this.#config.api.resolve(pathOrUrl, options.query);
    return await readJson<T>(
      response,
      this.#call(method.toUpperCase(), url, options.signal),
      this.#config.bodyTimeout,
    );
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
   * import { WebexClient } from "@shellbot/spaces";
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
   * import { WebexClient } from "@shellbot/spaces";
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
   * import { WebexClient } from "@shellbot/spaces";
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
   * import { WebexClient } from "@shellbot/spaces";
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
   * import { WebexClient } from "@shellbot/spaces";
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
    let next: string | undefined = this.#config.api.resolve(
      path,
      options.query,
    );
    while (next !== undefined) {
      const url: string = next;
      const response = await this.request("GET", url, {
        ...options,
        query: undefined,
      });
      const call = this.#call("GET", url, options.signal);
      const page = await readJson<{ items?: unknown } | undefined>(
        response,
        call,
        this.#config.bodyTimeout,
      );
      if (!Array.isArray(page?.items)) {
        throw badAnswer(response, call, "The answer holds no items list");
      }
      const target = parseNextLink(response.headers.get("link"));
      // RFC 8288 resolves a relative target against the request's URL.
      next = target === undefined || /^https?:\/\//i.test(target)
        ? target
        : new URL(target, url).href;
      yield* page.items as T[];
    }
  }

  /** What errors of a call to `url` say, and how they keep the token out. */
  #call(method: string, url: string, signal?: AbortSignal): CallInfo {
    return {
      method,
      path: this.#config.api.pathOf(url),
      signal,
      scrub: (text) => text?.replaceAll(this.#config.token, "[token]"),
    };
  }

  /** A `Retry-After` longer than the caller will wait is not waited for. */
  #tooLong(error: ApiError | NetworkError): boolean {
    const after = "retryAfter" in error ? error.retryAfter : undefined;
    return after !== undefined && after > this.#config.maxRetryAfter;
  }
}

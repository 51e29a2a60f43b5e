/**
 * One attempt of a Webex request: the body, the headers and the timeout.
 * The retries around it are the client's.
 *
 * @module
 */

import type { ApiError, NetworkError } from "../errors.ts";
import {
  apiError,
  type CallInfo,
  networkError,
  noteBodyCutter,
  SERVICE,
} from "./_answers.ts";
import type { WebexRequestOptions } from "./client_options.ts";

/** What one attempt gave: an OK response, or the error to throw or retry. */
export type Outcome =
  | { response: Response; error?: undefined }
  | { response?: undefined; error: ApiError | NetworkError };

/** Sends once; the timeout covers the wait for headers, not the body. */
export async function sendOnce(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  request: CallInfo & { timeout: number },
): Promise<Outcome> {
  const { signal } = request;
  // Not AbortSignal.timeout: its timer cannot be cleared, and the response's
  // body, read after this returns, would be cut when it fires.
  const timeout = new AbortController();
  const timer = setTimeout(
    () =>
      timeout.abort(
        new DOMException(
          `${SERVICE} sent no response headers within ${request.timeout} ms`,
          "TimeoutError",
        ),
      ),
    request.timeout,
  );
  const combined = signal
    ? AbortSignal.any([signal, timeout.signal])
    : timeout.signal;
  try {
    let response: Response;
    try {
      response = await fetcher(url, { ...init, signal: combined });
    } catch (cause) {
      signal?.throwIfAborted();
      const reason = timeout.signal.aborted ? timeout.signal.reason : cause;
      return { error: networkError(request, reason) };
    }
    if (response.ok) {
      // The same abort cuts a body that stalls later (see `readJson`).
      noteBodyCutter(response, (reason) => timeout.abort(reason));
      return { response };
    }
    return { error: await apiError(response, request) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The headers of a request: the caller's, then Accept, the JSON type, and
 * the token when one is given.
 */
export function headersFor(
  options: WebexRequestOptions,
  token: string | undefined,
): Headers {
  const headers = new Headers(options.headers);
  if (!headers.has("accept")) headers.set("accept", "application/json");
  if (options.json !== undefined && !headers.has("content-type")) {
    headers.set("content-type", "application/json; charset=utf-8");
  }
  if (token !== undefined && !headers.has("authorization")) {
    headers.set("authorization", `Bearer ${token}`);
  }
  return headers;
}

/** The body of one attempt: a body factory is called each time. */
export async function bodyOf(
  options: WebexRequestOptions,
): Promise<BodyInit | undefined> {
  if (options.json !== undefined) return JSON.stringify(options.json);
  return typeof options.body === "function"
    ? await options.body()
    : options.body;
}

/** Tells a body that can be read only once: a stream or an iterator. */
export function isOneShot(body: WebexRequestOptions["body"]): boolean {
  if (typeof body !== "object" || body === null) return false;
  return body instanceof ReadableStream || Symbol.asyncIterator in body ||
    typeof (body as { next?: unknown }).next === "function";
}

/** The options with `json` set, unless there is no JSON body. */
export function withJson(
  options: WebexRequestOptions | undefined,
  json: unknown,
): WebexRequestOptions | undefined {
  return json === undefined ? options : { ...options, json };
}

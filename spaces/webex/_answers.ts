/**
 * Reading what Webex answered: error answers into {@linkcode ApiError}, OK
 * answers as JSON, and failures to read into {@linkcode NetworkError}.
 *
 * @module
 */

import { ApiError, NetworkError } from "../errors.ts";
import { parseRetryAfter } from "../retry.ts";
import { withDeadline } from "../_sleep.ts";

/** The name the client's errors and logs give the service. */
export const SERVICE = "Webex";

/** What a failed connection tells the user to check. */
const NETWORK_HINT = "Check the network and space.api_url";

/** Where an answer came from, for its errors. */
export interface CallInfo {
  method: string;
  path: string;
  /** Keeps the token out of text that came from the server. */
  scrub: (text: string | undefined) => string | undefined;
  signal?: AbortSignal;
}

/** A network failure of `request`, with the failure as `cause`. */
export function networkError(request: CallInfo, cause: unknown): NetworkError {
  return new NetworkError({
    method: request.method,
    path: request.path,
    cause,
    service: SERVICE,
    hint: NETWORK_HINT,
  });
}

/** Reads an error answer, consuming its body, into an ApiError. */
export async function apiError(
  response: Response,
  request: CallInfo,
): Promise<ApiError> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    // The status alone still says what happened.
  }
  request.signal?.throwIfAborted();
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
    method: request.method,
    path: request.path,
    service: SERVICE,
    trackingId: request.scrub(trackingId),
    retryAfter: parseRetryAfter(response.headers.get("retry-after")),
    serverMessage: request.scrub(serverMessageOf(body)),
  });
}

/** An OK answer that is not what was expected, such as JSON that is not. */
export function badAnswer(
  response: Response,
  request: CallInfo,
  serverMessage: string,
  cause?: unknown,
): ApiError {
  return new ApiError({
    status: response.status,
    method: request.method,
    path: request.path,
    service: SERVICE,
    trackingId: response.headers.get("trackingid") ?? undefined,
    serverMessage,
    cause,
  });
}

/**
 * Reads an OK answer as JSON: `undefined` for an empty body. The body must
 * come whole within `bodyTimeout` ms, else it is cancelled.
 */
export async function readJson<T>(
  response: Response,
  request: CallInfo,
  bodyTimeout: number,
): Promise<T> {
  let text: string;
  try {
    text = await readText(response, bodyTimeout);
  } catch (cause) {
    request.signal?.throwIfAborted();
    throw networkError(request, cause);
  }
  if (text.trim() === "") return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw badAnswer(response, request, "The answer is not valid JSON", cause);
  }
}

/** How to cut the body of a response that `fetch` gave, by its request. */
const bodyCutters = new WeakMap<Response, (reason: unknown) => void>();

/**
 * Notes how to cut `response`'s body: abort its request (which errors the
 * body and closes the connection), so that it can be read with the fast
 * `text()` and still be given up on.
 */
export function noteBodyCutter(
  response: Response,
  cut: (reason: unknown) => void,
): void {
  bodyCutters.set(response, cut);
}

/**
 * The body as text, as `response.text()` gives it, but given up on (and
 * cancelled) after `ms`: headers alone do not prove the body will come.
 */
async function readText(response: Response, ms: number): Promise<string> {
  if (!response.body) return "";
  const stalled = () =>
    new DOMException(
      `the body of ${SERVICE}'s answer stalled: not read within ${ms} ms`,
      "TimeoutError",
    );
  const cut = bodyCutters.get(response);
  if (cut) {
    const reading = response.text();
    // After a stall the read ends with the abort below: nobody waits for it.
    reading.catch(() => {});
    return await withDeadline(reading, ms, () => {
      const error = stalled();
      cut(error);
      return error;
    });
  }
  // A response that no request of ours made: read by hand, to cancel it.
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  const read = async () => {
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text + decoder.decode();
      text += decoder.decode(value, { stream: true });
    }
  };
  const reading = read();
  // After a stall the read ends with the cancel below: nobody waits for it.
  reading.catch(() => {});
  try {
    return await withDeadline(reading, ms, stalled);
  } catch (error) {
    // Closes the connection instead of leaving it to a server that stalls.
    await reader.cancel(error).catch(() => {});
    throw error;
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

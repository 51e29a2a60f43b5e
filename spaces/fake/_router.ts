/**
 * Turns requests into endpoint keys, then applies latency, faults and
 * authentication before calling the endpoint's handler, and records each
 * answer.
 *
 * @module
 */

import { type Faults, retryAfterValue } from "./_faults.ts";
import { errorResponse, HttpError, MESSAGES, newTrackingId } from "./_http.ts";
import type { PersonRecord, State } from "./_state.ts";
import { parseFakeWebexId } from "./ids.ts";
import type { RecordedRequest } from "./types.ts";

/** What a handler gets. */
export interface Context {
  state: State;
  request: Request;
  url: URL;
  /** The person the bearer token belongs to. */
  caller: PersonRecord;
  /** The `{id}` path segment, decoded. */
  id?: string;
}

/** An endpoint's handler; throws {@linkcode HttpError} for error answers. */
export type Handler = (context: Context) => Response | Promise<Response>;

/** Endpoint key and id of a path below the API base. */
function endpointOf(
  method: string,
  path: string,
): { pattern?: string; id?: string } {
  // `/attachment/actions` is the one resource whose name has two segments.
  const nested = /^\/attachment\/actions(\/.*)?$/.exec(path);
  if (nested) {
    const rest = endpointOf(method, `/x${nested[1] ?? ""}`);
    return {
      ...rest,
      pattern: rest.pattern?.replace(/^\/x/, "/attachment/actions"),
    };
  }
  const segments = path.split("/").slice(1);
  if (segments.length === 1 && segments[0]) {
    return { pattern: `/${segments[0]}` };
  }
  if (segments.length === 2 && segments[0] && segments[1]) {
    if (
      segments[0] === "people" && segments[1] === "me" && method !== "PUT" &&
      method !== "DELETE"
    ) {
      return { pattern: "/people/me" };
    }
    try {
      return {
        pattern: `/${segments[0]}/{id}`,
        id: decodeURIComponent(segments[1]),
      };
    } catch {
      return {};
    }
  }
  return {};
}

/** Dispatches requests to handlers; holds the request log. */
export class Router {
  readonly requests: RecordedRequest[] = [];
  readonly counts = new Map<string, number>();
  latency = 0;
  #state: State;
  #faults: Faults;
  #routes: Map<string, Handler>;
  #patterns: Set<string>;
  #readLimit: number | false;
  /** Room uuid → reads of it in flight. */
  #reads = new Map<string, number>();

  constructor(
    state: State,
    faults: Faults,
    routes: Record<string, Handler>,
    readLimit: number | false = false,
  ) {
    this.#state = state;
    this.#readLimit = readLimit;
    this.#faults = faults;
    this.#routes = new Map(Object.entries(routes));
    this.#patterns = new Set(
      Object.keys(routes).map((key) => key.slice(key.indexOf(" ") + 1)),
    );
  }

  /** Answers one request. */
  async handle(request: Request): Promise<Response> {
    const trackingId = newTrackingId();
    const url = new URL(request.url);
    const base = new URL(this.#state.apiUrl).pathname;
    const path = url.pathname.startsWith(`${base}/`)
      ? url.pathname.slice(base.length)
      : "";
    const { pattern, id } = endpointOf(request.method, path);
    const known = pattern !== undefined && this.#patterns.has(pattern);
    const endpoint = known ? `${request.method} ${pattern}` : "UNKNOWN";
    // A read counts from its arrival to its answer, latency included.
    const room = this.#readLimit === false
      ? undefined
      : roomOfRead(this.#state, endpoint, url, id);
    const reads = room === undefined ? 0 : this.#reads.get(room) ?? 0;
    const throttled = this.#readLimit !== false && reads >= this.#readLimit;
    if (room !== undefined && !throttled) this.#reads.set(room, reads + 1);
    let response: Response;
    try {
      if (this.latency > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.latency));
      }
      if (throttled) {
        throw new HttpError(429, MESSAGES.tooMany, { "retry-after": "1" });
      }
      response = await this.#answer(request, url, endpoint, known, id);
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(
          error.status,
          error.message,
          trackingId,
          error.headers,
        );
      } else {
        const message = `The fake failed: ${
          error instanceof Error ? error.message : String(error)
        }`;
        response = errorResponse(500, message, trackingId);
      }
    } finally {
      if (room !== undefined && !throttled) {
        const left = this.#reads.get(room)! - 1;
        if (left > 0) this.#reads.set(room, left);
        else this.#reads.delete(room);
      }
    }
    response.headers.set("trackingid", trackingId);
    this.requests.push({
      method: request.method,
      path: path + url.search,
      endpoint,
      status: response.status,
    });
    this.counts.set(endpoint, (this.counts.get(endpoint) ?? 0) + 1);
    return response;
  }

  async #answer(
    request: Request,
    url: URL,
    endpoint: string,
    known: boolean,
    id?: string,
  ): Promise<Response> {
    if (!known) throw new HttpError(404, MESSAGES.notFound);
    const fault = this.#faults.match(endpoint);
    if (fault) {
      await request.body?.cancel();
      const headers: Record<string, string> = fault.retryAfter !== undefined
        ? {
          "retry-after": retryAfterValue(
            fault.retryAfter,
            fault.retryAfterFormat,
          ),
        }
        : {};
      throw new HttpError(fault.status, faultMessage(fault.status), headers);
    }
    const handler = this.#routes.get(endpoint);
    if (!handler) {
      throw new HttpError(
        405,
        `Method ${request.method} is not allowed on this resource.`,
      );
    }
    const token = /^Bearer\s+(\S+)$/i.exec(
      request.headers.get("authorization") ?? "",
    )?.[1];
    const caller = token ? this.#state.tokens.get(token) : undefined;
    if (!caller) {
      await request.body?.cancel();
      throw new HttpError(401, MESSAGES.unauthorized);
    }
    return await handler({ state: this.#state, request, url, caller, id });
  }
}

/** The room a read names, for the per-room limit; `undefined` for other requests. */
function roomOfRead(
  state: State,
  endpoint: string,
  url: URL,
  id: string | undefined,
): string | undefined {
  const uuidOf = (value: string | null | undefined) =>
    value ? parseFakeWebexId(value)?.uuid : undefined;
  switch (endpoint) {
    case "GET /messages":
    case "GET /memberships":
      return uuidOf(url.searchParams.get("roomId"));
    case "GET /rooms/{id}":
      return uuidOf(id);
    case "GET /messages/{id}":
      return state.messages.get(uuidOf(id) ?? "")?.roomUuid;
    default:
      return undefined;
  }
}

function faultMessage(status: number): string {
  switch (status) {
    case 429:
      return MESSAGES.tooMany;
    case 423:
      return "The resource is locked; try again later.";
    case 502:
      return "Bad gateway.";
    case 503:
      return "Service unavailable; try again later.";
    default:
      return "Gateway timeout.";
  }
}

/**
 * Turns requests into endpoint keys, then applies latency, faults and
 * authentication before calling the endpoint's handler, and records each
 * answer.
 *
 * @module
 */

import type { Faults } from "./_faults.ts";
import { errorResponse, HttpError, MESSAGES, newTrackingId } from "./_http.ts";
import type { PersonRecord, State } from "./_state.ts";
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

  constructor(state: State, faults: Faults, routes: Record<string, Handler>) {
    this.#state = state;
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
    if (this.latency > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.latency));
    }
    let response: Response;
    try {
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
        ? { "retry-after": String(fault.retryAfter) }
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

import { Hono } from "hono";
import type { Space } from "../base.ts";
import { messageOf } from "../_objects.ts";
import {
  type IntakeLimits,
  readBody,
  ReadingBudget,
  type Refusal,
} from "./_intake_body.ts";
import { RefusalLog } from "./_intake_log.ts";

/** The hook route's options, resolved; see `HookHandlerOptions`. */
export interface HookConfig {
  path: string;
  limits: IntakeLimits;
  /** Milliseconds between two lines about refused deliveries. */
  refusalLogInterval: number;
}

// A plain string body with a fixed header is cheaper than Response.json on
// the hot path of the hook route.
const JSON_HEADERS = { "content-type": "application/json" };
const BUSY_HEADERS = { ...JSON_HEADERS, "retry-after": "1" };
const CLOSE_HEADERS = { ...JSON_HEADERS, connection: "close" };

/**
 * The intake of the hook route, without routing: reads the body under the
 * limits, then hands the space a request built from the original's URL,
 * method and headers (copying the Request itself would copy its signal,
 * which Deno warns about), and counts what was refused.
 */
export function buildIntake(
  space: Space,
  config: HookConfig,
): (request: Request) => Promise<Response> {
  const { limits } = config;
  const budget = new ReadingBudget(limits.readingLimit);
  const refusals = new RefusalLog(space.logger, config.refusalLogInterval, {
    "too large": `over ${limits.bodyLimit} bytes`,
    "too slow": `body not in within ${limits.bodyTimeout} ms`,
    busy: `over ${limits.readingLimit} bytes being read at once`,
  });
  const refuse = (reason: Refusal): Response => {
    refusals.count(reason === "unreadable" ? "malformed" : reason);
    switch (reason) {
      case "too large":
        return new Response('{"error":"Payload too large"}', {
          status: 413,
          headers: JSON_HEADERS,
        });
      case "busy":
        return new Response('{"error":"Busy: try again in a second"}', {
          status: 503,
          headers: BUSY_HEADERS,
        });
      case "too slow":
        // Deno closes the connection once the client sends the rest or
        // hangs up; until then the body counts in the reading cap.
        return new Response('{"error":"Request body timed out"}', {
          status: 408,
          headers: CLOSE_HEADERS,
        });
      case "unreadable":
        return new Response('{"error":"Could not read the request body"}', {
          status: 400,
          headers: JSON_HEADERS,
        });
    }
  };
  return async (request) => {
    const body = await readBody(request, limits, budget);
    if (typeof body === "string") return refuse(body);
    const response = await space.webhook(
      new Request(request.url, {
        method: request.method,
        headers: request.headers,
        body,
      }),
    );
    if (response.status === 401) refusals.count("bad signature");
    else if (response.status === 400) refusals.count("malformed");
    return response;
  };
}

/**
 * The Hono app of the hook route: `POST` on the hook path through the
 * intake, `GET /health`, a JSON 404, and errors answered 500 without
 * internals (and logged).
 */
export function buildHookApp(space: Space, config: HookConfig): Hono {
  const receive = buildIntake(space, config);
  const app = new Hono();
  app.post(config.path, (c) => receive(c.req.raw));
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => {
    space.logger.error(
      `The webhook server failed on ${c.req.method} ${c.req.path}: ${
        messageOf(error)
      }`,
    );
    return c.json({ error: "Internal error" }, 500);
  });
  return app;
}

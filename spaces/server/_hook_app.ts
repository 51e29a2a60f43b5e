import { Hono, type HonoRequest } from "hono";
import type { Space } from "../base.ts";
import { messageOf } from "../_objects.ts";
import { connectionOf } from "../webex/_connection.ts";
import { WebexSpace } from "../webex/space.ts";
import { FixedDeadlines } from "../_deadlines.ts";
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
  /** The budget of bytes being read, for tests to watch; else a new one. */
  budget?: ReadingBudget;
}

// What `webhook` is on a WebexSpace that did not replace it.
const webexWebhook = WebexSpace.prototype.webhook;

// A plain string body with a fixed header is cheaper than Response.json on
// the hot path of the hook route.
const JSON_HEADERS = { "content-type": "application/json" };
const BUSY_HEADERS = { ...JSON_HEADERS, "retry-after": "1" };
const CLOSE_HEADERS = { ...JSON_HEADERS, connection: "close" };

/**
 * The intake of the hook route, without routing: reads the body under the
 * limits (unless `body` is given: read already, or refused), then hands it
 * to the space, and counts what was refused. A `WebexSpace` whose
 * `webhook` is its own gets the bytes and the signature straight from the
 * read; any other space gets `space.webhook(request)` with a request built
 * from the original's URL, method and headers (copying the Request itself
 * would copy its signal, which Deno warns about).
 */
export function buildIntake(
  space: Space,
  config: HookConfig,
): (
  request: Request,
  body?: Uint8Array<ArrayBuffer> | Refusal,
) => Promise<Response> {
  const { limits } = config;
  const budget = config.budget ?? new ReadingBudget(limits.readingLimit);
  const deadlines = new FixedDeadlines(limits.bodyTimeout);
  const connection = connectionOf(space);
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
        // The read is cancelled, so the body no longer counts in the
        // reading cap; Deno closes the connection once it drained it.
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
  return async (request, read) => {
    const body = read ?? await readBody(request, limits, budget, deadlines);
    if (typeof body === "string") return refuse(body);
    // Checked per delivery: a subclass or a test may replace webhook().
    const response = connection && space.webhook === webexWebhook
      ? await connection.receiveBody(
        body,
        request.headers.get("x-spark-signature"),
      )
      : await space.webhook(
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
 * intake, 405 for other methods there, `GET /health`, a JSON 404, and
 * errors answered 500 without internals (and logged).
 */
export function buildHookApp(
  space: Space,
  config: HookConfig,
  receive: ReturnType<typeof buildIntake> = buildIntake(space, config),
): Hono {
  const app = new Hono();
  app.post(config.path, async (c) => {
    if (!c.req.raw.bodyUsed) return await receive(c.req.raw);
    // A middleware of a parent app read the body before this route.
    const body = await cachedBody(c.req, config.limits.bodyLimit);
    if (body === undefined) {
      space.logger.error(
        `The webhook route cannot read the delivery on ${c.req.path}: a middleware consumed the request body without Hono's c.req methods (read it with c.req.text() or c.req.json(), which keep it for later routes)`,
      );
      return c.json({ error: "Internal error" }, 500);
    }
    return await receive(c.req.raw, body);
  });
  app.all(
    config.path,
    (c) => c.json({ error: "Method not allowed" }, 405, { allow: "POST" }),
  );
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => failed(space, c.req.method, c.req.path, error));
  return app;
}

/**
 * The handler of the hook route served on its own (`createHookHandler`):
 * the app of {@linkcode buildHookApp}, except that a `POST` on exactly the
 * hook path goes to the intake without Hono's routing, which costs a
 * tenth of a signed delivery's way through the server once the rest is
 * lean (the "through Hono" line of bench/webhook_intake.ts). Both share
 * one intake: one reading budget, one count of refusals.
 */
export function buildHookHandler(
  space: Space,
  config: HookConfig,
): (request: Request) => Promise<Response> {
  const receive = buildIntake(space, config);
  const app = buildHookApp(space, config, receive);
  return async (request) => {
    // Anything else (an encoded path, a query, a used body) as Hono routes it.
    if (
      request.method !== "POST" || pathOf(request.url) !== config.path ||
      request.bodyUsed
    ) {
      return await app.fetch(request);
    }
    try {
      return await receive(request);
    } catch (error) {
      return failed(space, request.method, config.path, error);
    }
  };
}

/** The 500 answer to an error, logged without being shown. */
function failed(
  space: Space,
  method: string,
  path: string,
  error: unknown,
): Response {
  space.logger.error(
    `The webhook server failed on ${method} ${path}: ${messageOf(error)}`,
  );
  return new Response('{"error":"Internal error"}', {
    status: 500,
    headers: JSON_HEADERS,
  });
}

/**
 * The path of a URL without building a URL object; with a query, or
 * anything percent-encoded, the whole rest (which then matches no path).
 */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "" : url.slice(start);
}

/**
 * The body a parent middleware read through Hono's `c.req` methods, which
 * keep it (a `c.req.json()` keeps the text, so the bytes, and with them the
 * signature, hold); undefined when it was consumed another way.
 */
async function cachedBody(
  request: HonoRequest,
  bodyLimit: number,
): Promise<Uint8Array<ArrayBuffer> | "too large" | undefined> {
  if (Object.keys(request.bodyCache).length === 0) return undefined;
  const body = new Uint8Array(await request.arrayBuffer());
  return body.length > bodyLimit ? "too large" : body;
}

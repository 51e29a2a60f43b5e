import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Space } from "./base.ts";

/** Options of the hook route; see `createHookHandler` in server.ts. */
export interface HookAppOptions {
  path: string;
  maxBodyBytes: number;
}

/**
 * The Hono app behind the webhook server: the hook route with a body limit,
 * `GET /health`, and answers that never leak internals. Kept out of the
 * public types so users depend on `Request`/`Response` only.
 */
export function buildHookApp(space: Space, options: HookAppOptions): Hono {
  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.post(
    options.path,
    bodyLimit({
      maxSize: options.maxBodyBytes,
      onError: (c) => {
        space.logger.warn(
          `Refused a webhook delivery over ${options.maxBodyBytes} bytes`,
        );
        return c.json({ error: "Payload too large" }, 413);
      },
    }),
    (c) => space.webhook(c.req.raw),
  );
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => {
    space.logger.error(
      `The webhook server failed on ${c.req.method} ${c.req.path}: ${
        error instanceof Error ? error.message : error
      }`,
    );
    return c.json({ error: "Internal error" }, 500);
  });
  return app;
}

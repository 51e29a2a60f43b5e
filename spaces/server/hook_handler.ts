/**
 * The HTTP handler of the hook route, for any space: what `server.ts`
 * serves, and what an integrator mounts in a server of their own.
 *
 * @module
 */

import type { Space } from "../base.ts";
import { buildHookHandler } from "./_hook_app.ts";

/** Options of {@linkcode createHookHandler}. */
export interface HookHandlerOptions {
  /** Path of the hook route. @default `server.hook` of the space's settings, else "/hook" */
  path?: string;
  /** Largest delivery accepted, in bytes; larger ones get 413. @default 1_048_576 */
  maxBodyBytes?: number;
}

/**
 * Builds the HTTP handler of the webhook server for a space: `POST` on the
 * hook path calls `space.webhook(request)`, `GET /health` answers
 * `{"status":"ok"}`, and errors never leak internals.
 *
 * @param space The space that processes deliveries.
 * @param options Path and body limit.
 * @returns A `fetch`-style handler, for `Deno.serve` or any web server.
 *
 * @example Serve the hook route
 * ```ts
 * import { EventQueue, Context, WebexSpace, type SpaceEvent } from "@shellbot/spaces";
 * import { createHookHandler } from "@shellbot/spaces/server";
 *
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops", token: "t" } }),
 *   ears: new EventQueue<SpaceEvent>(),
 * });
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, createHookHandler(space));
 * await server.shutdown();
 * ```
 */
export function createHookHandler(
  space: Space,
  options: HookHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return buildHookHandler(space, {
    path: options.path ?? space.context.get<string>("server.hook", "/hook"),
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
  });
}

/**
 * The hook route as a Hono app, to mount in a Hono app of your own.
 *
 * @module
 */

import type { Hono } from "hono";
import type { Space } from "../base.ts";
import { buildHookApp } from "./_hook_app.ts";
import { hookConfig, type HookHandlerOptions } from "./hook_handler.ts";

/**
 * The Hono app that {@linkcode createHookApp} returns: `Hono` from
 * `npm:hono@^4` with its default type parameters. Give it to `route()` of
 * a Hono app of the same major version.
 */
export type HookApp = Hono;

/**
 * Builds the hook route as a Hono app: `POST` on the hook path (the
 * delivery's body read under the limits of {@linkcode HookHandlerOptions},
 * then handled as `space.webhook(request)` handles it), `GET /health`, a
 * JSON 404 and errors
 * answered 500 without internals. Mount it under a prefix of your own with
 * `app.route("/bot", createHookApp(space))`: Webex then POSTs to
 * `/bot/hook`. Under a mount, paths the app does not know get your app's
 * 404, and its error handler still answers for its own routes.
 *
 * `server.ts` serves this same app (its `fetch`) with `Deno.serve`.
 *
 * @param space The space that processes deliveries.
 * @param options Path, limits and log interval.
 * @returns A Hono app.
 * @throws {RangeError} When a limit is not a number above 0.
 *
 * @example Mount the bot under /bot in your own Hono app
 * ```ts
 * import { Hono } from "hono";
 * import { Context, EventQueue, type SpaceEvent, WebexSpace } from "@shellbot/spaces";
 * import { createHookApp } from "@shellbot/spaces/server";
 *
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops", token: "t" } }),
 *   ears: new EventQueue<SpaceEvent>(),
 * });
 * const app = new Hono();
 * app.get("/", (c) => c.text("my app"));
 * app.route("/bot", createHookApp(space));
 * const response = await app.request("/bot/health");
 * console.log(await response.json()); // { status: "ok" }
 * ```
 */
export function createHookApp(
  space: Space,
  options: HookHandlerOptions = {},
): HookApp {
  return buildHookApp(space, hookConfig(space, options));
}

/**
 * Middleware of a {@linkcode Bot}: functions that take the context and
 * the rest of the chain, onion-style, as in grammY and Hono.
 *
 * @module
 */

import type { ParsedCommand } from "./_command.ts";
import type { BotContext } from "./context.ts";

/** Runs the rest of the chain; resolves when it is done. */
export type NextFunction = () => Promise<void>;

/**
 * A handler or a middleware: gets the context and `next`. A handler that
 * does not call `next` ends the chain; a middleware that calls it runs
 * the rest of the chain inside itself, and can act before and after.
 *
 * @typeParam C The context it gets.
 *
 * @example Time every event
 * ```ts
 * import { Bot, type BotContext, type Handler } from "@shellbot/spaces";
 *
 * const timing: Handler<BotContext> = async (ctx, next) => {
 *   const start = performance.now();
 *   await next();
 *   ctx.space.logger.debug(`${ctx.event.type} took ${performance.now() - start} ms`);
 * };
 * new Bot().use(timing);
 * ```
 */
export type Handler<C> = (
  ctx: C,
  next: NextFunction,
) => unknown | Promise<unknown>;

/**
 * A middleware for every event of a bot whose contexts have the extra
 * fields `X` (such as {@linkcode SessionFlavor}).
 *
 * @example A middleware that logs what the bot hears
 * ```ts
 * import type { Middleware } from "@shellbot/spaces";
 *
 * export const logEvents: Middleware = async (ctx, next) => {
 *   ctx.space.logger.info(`heard a ${ctx.event.type}`);
 *   await next();
 * };
 * ```
 */
// deno-lint-ignore ban-types
export type Middleware<X extends object = {}> = Handler<BotContext & X>;

/** What the routes learn about one event, worked out once for all. */
export interface _Routing {
  /** The command line: `null` when the event has none, unset until parsed. */
  parsed?: ParsedCommand | null;
}

/** One step of a chain: when it applies, and what it runs. */
export interface _Route<C> {
  /** True when the route applies to this context; sets what it matched. */
  test(ctx: C, routing: _Routing): boolean;
  /** What runs when it applies. */
  run: Handler<C>;
}

/**
 * Runs the routes that apply, in order, each getting `next` for the rest.
 * Routes that do not apply are skipped in a loop, without a promise each,
 * so a bot with many commands routes in a few microseconds.
 */
export function _dispatch<C>(
  routes: readonly _Route<C>[],
  ctx: C,
  last: NextFunction,
): Promise<void> {
  const routing: _Routing = {};
  const step = async (from: number): Promise<void> => {
    for (let index = from; index < routes.length; index++) {
      const route = routes[index];
      if (!route.test(ctx, routing)) continue;
      let called = false;
      await route.run(ctx, () => {
        if (called) {
          return Promise.reject(
            new Error("next() was called twice by the same middleware"),
          );
        }
        called = true;
        return step(index + 1);
      });
      return;
    }
    await last();
  };
  return step(0);
}

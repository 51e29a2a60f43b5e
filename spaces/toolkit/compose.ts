/**
 * Middleware of a {@linkcode Bot}: functions that take the context and
 * the rest of the chain, onion-style, as in grammY and Hono.
 *
 * @module
 */

import type { ParsedCommand } from "./_command.ts";
import type { BotContext } from "./context.ts";

/**
 * Runs the rest of the chain; resolves when it is done, and rejects with
 * what the rest threw. Await it (or return it): an error that the
 * middleware neither awaits nor catches still reaches the bot's error
 * path, once, and the event is handled only when the rest has ended.
 * Calling it a second time is an error, reported the same way.
 */
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
 * The promise `next()` returns. It notes whether the middleware took its
 * rejection (`await`, `catch`, `then` with a second function), so that the
 * dispatch reports what nobody took, and never leaves a rejection
 * unhandled: a middleware that forgets to await `next()` must not bring
 * the process down.
 */
class _Next extends Promise<void> {
  /** True once the holder attached a rejection handler. */
  taken = false;
  /** Where a rejection nobody took goes; unset on the dispatch's own. */
  stray?: (error: unknown) => void;

  override then<A = void, B = never>(
    onFulfilled?: ((value: void) => A | PromiseLike<A>) | null,
    // deno-lint-ignore no-explicit-any
    onRejected?: ((reason: any) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    if (typeof onRejected === "function") this.taken = true;
    const derived = super.then(onFulfilled, onRejected);
    // `next().then(f)` left alone makes a promise that fails as the chain
    // does: it is watched in the same way.
    const made: unknown = derived;
    if (this.stray && made instanceof _Next) _watch(made, this.stray);
    return derived;
  }
}

/** Reports a rejection of `promise` that its holder did not take. */
function _watch(
  promise: _Next,
  stray: (error: unknown) => void,
  owned: () => boolean = () => false,
): void {
  promise.stray = stray;
  // The base `then`, so that watching does not count as taking; its
  // second function also marks the promise handled for the runtime.
  Promise.prototype.then.call(promise, undefined, (error) => {
    if (!promise.taken && !owned()) stray(error);
  });
}

/** How a promise ended, without throwing. */
function _settled(
  promise: Promise<unknown>,
): Promise<{ failed: boolean; error?: unknown }> {
  return Promise.prototype.then.call(
    promise,
    () => ({ failed: false }),
    (error) => ({ failed: true, error }),
  ) as Promise<{ failed: boolean; error?: unknown }>;
}

/**
 * Runs the routes that apply, in order, each getting `next` for the rest.
 * Routes that do not apply are skipped in a loop, without a promise each,
 * so a bot with many commands routes in a few microseconds.
 *
 * A step ends when its route and the rest of the chain it started have
 * both ended, even when the route did not await `next()`. The first error
 * rejects the dispatch; every other one (a rejection of `next()` that the
 * middleware never took, a second call of `next()`, one that comes after
 * the dispatch ended) goes to `stray`. Each error is reported once.
 */
export function _dispatch<C>(
  routes: readonly _Route<C>[],
  ctx: C,
  last: NextFunction,
  stray: (error: unknown) => void,
): Promise<void> {
  const routing: _Routing = {};
  const reported = new Set<unknown>();
  const report = (error: unknown) => {
    if (reported.has(error)) return;
    reported.add(error);
    stray(error);
  };
  const step = async (from: number): Promise<void> => {
    for (let index = from; index < routes.length; index++) {
      const route = routes[index];
      if (!route.test(ctx, routing)) continue;
      let rest: _Next | undefined;
      let open = true;
      const next = (): Promise<void> => {
        if (rest) {
          const error = new Error(
            "next() was called twice by the same middleware",
          );
          report(error);
          const twice = new _Next((_, reject) => reject(error));
          _watch(twice, report);
          return twice;
        }
        rest = new _Next((resolve, reject) =>
          step(index + 1).then(resolve, reject)
        );
        // While the step is open it waits for the rest and decides; a
        // `next()` called after the route ended reports on its own.
        _watch(rest, report, () => open);
        return rest;
      };
      let outcome = await _settled(
        (async () => await route.run(ctx, next))(),
      );
      if (rest) {
        const chain = await _settled(rest);
        if (
          chain.failed && !rest.taken &&
          !(outcome.failed && chain.error === outcome.error)
        ) {
          if (outcome.failed) report(chain.error);
          else outcome = chain;
        }
      }
      open = false;
      if (outcome.failed) throw outcome.error;
      return;
    }
    await last();
  };
  return step(0).catch((error) => {
    if (reported.has(error)) return;
    reported.add(error);
    throw error;
  });
}

/**
 * Bot handlers: the one function a bot is, written once for every space.
 *
 * @module
 */

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Space } from "./base.ts";
import { SpacesError } from "./errors.ts";
import { isTransient, MAX_RETRY_DELAY, retrying } from "./retry.ts";
import type { SpaceEvent } from "./events.ts";
import type { EventSink } from "./queue.ts";
import { messageOf } from "./_objects.ts";

/**
 * A bot: called once for each event the space hears. The same module runs
 * on the terminal with `cli.ts` and on Webex behind `server.ts`.
 *
 * @example A bot module (`my_bot.ts`)
 * ```ts
 * import type { BotHandler } from "@shellbot/spaces";
 *
 * export default (async (event, space) => {
 *   if (event.type === "message" && event.channelId) {
 *     await space.postMessage(event.channelId, `You said: ${event.text}`);
 *   }
 * }) satisfies BotHandler;
 * ```
 */
export type BotHandler = (
  event: SpaceEvent,
  space: Space,
  /** `signal` aborts when the space stops (Ctrl-C, SIGTERM). */
  options?: { signal?: AbortSignal },
) => void | Promise<void>;

/**
 * A bot as an object, such as a toolkit `Bot`: accepted wherever a
 * {@linkcode BotHandler} is (`loadBot`, `botSink`, `runBot`).
 *
 * @example A bot object, wired to a local space
 * ```ts
 * import { type BotLike, botSink, LocalSpace, type Space } from "@shellbot/spaces";
 *
 * const bot: BotLike = {
 *   async handle(event, space) {
 *     if (event.type === "message" && event.channelId) {
 *       await space.postMessage(event.channelId, "Heard you");
 *     }
 *   },
 * };
 * const space: Space = new LocalSpace({ input: ["hi"], ears: botSink(bot, () => space) });
 * await space.run();
 * ```
 */
export interface BotLike {
  /** Handles one event; `signal` aborts when the space stops. */
  handle(
    event: SpaceEvent,
    space: Space,
    options?: { signal?: AbortSignal },
  ): void | Promise<void>;
}

// The one place where a bot object becomes a handler. The handler keeps
// `handle`, so that a bot from loadBot still gets botSink's signal.
function asHandler(
  bot: BotHandler | BotLike,
  signal?: AbortSignal,
): BotHandler {
  const object = bot as Partial<BotLike>;
  if (typeof object.handle !== "function") return bot as BotHandler;
  const handle = object.handle.bind(bot);
  return Object.assign(
    (event: SpaceEvent, space: Space, options?: { signal?: AbortSignal }) =>
      handle(event, space, { signal: options?.signal ?? signal }),
    { handle },
  );
}

// Only the schemes a module can be imported from make a URL; anything else
// is a path, so `a:b.ts` (a colon in a file name) or `C:\bot.ts` is a file.
const MODULE_URL = /^(?:file|https?|data|jsr|npm|node|blob):/i;

/**
 * Loads a bot module and returns its default export.
 *
 * @param specifier A path (relative to the working directory), or a URL
 * with a scheme a module can have: `file:`, `http:`, `https:`, `data:`,
 * `jsr:`, `npm:`, `node:` or `blob:`. Anything else is a path, even with a
 * colon in it.
 * @returns The handler.
 * @throws {SpacesError} When the module cannot be loaded or its default
 * export is not a function.
 *
 * @example Load a bot from a data URL
 * ```ts
 * import { loadBot } from "@shellbot/spaces";
 *
 * const bot = await loadBot("data:text/javascript,export default () => {}");
 * console.log(typeof bot); // "function"
 * ```
 */
export async function loadBot(specifier: string): Promise<BotHandler> {
  const url = MODULE_URL.test(specifier)
    ? specifier
    // pathToFileURL escapes '#', '?' and '%', which a URL built by hand
    // would read as a fragment, a query or an escape.
    : pathToFileURL(resolve(specifier)).href;
  let module: Record<string, unknown>;
  try {
    module = await import(url);
  } catch (error) {
    throw new SpacesError(
      `Cannot load the bot module '${specifier}': ${messageOf(error)}`,
      { cause: error },
    );
  }
  const bot = module.default as BotHandler | BotLike | undefined;
  if (typeof bot !== "function" && typeof bot?.handle !== "function") {
    throw new SpacesError(
      `The bot module '${specifier}' must export a function as default, or a Bot: export default (event, space) => { ... }`,
    );
  }
  return asHandler(bot);
}

/**
 * Makes an event sink that calls a bot for each event, waiting for it, and
 * logs (without stopping) when the bot throws.
 *
 * @param bot The handler.
 * @param space The space passed to the handler, whose logger is used; or a
 * function returning it, for a sink made before its space (as `ears`).
 * @param options Retries on passing failures, and whether to rethrow.
 * @returns A sink to use as the space's `ears`.
 *
 * @example Wire a bot to a local space
 * ```ts
 * import { botSink, LocalSpace, type Space } from "@shellbot/spaces";
 *
 * let heard = 0;
 * const space: Space = new LocalSpace({
 *   input: ["hi"],
 *   stdout: new WritableStream(),
 *   ears: botSink(() => void heard++, () => space),
 * });
 * await space.run();
 * console.log(heard); // 1
 * ```
 */
export function botSink(
  bot: BotHandler | BotLike,
  space: Space | (() => Space),
  options: BotSinkOptions = {},
): EventSink<SpaceEvent> {
  const handler = asHandler(bot, options.signal);
  const spaceOf = typeof space === "function" ? space : () => space;
  const retries = options.retries ?? 2;
  const backoff = { base: options.backoff ?? 1_000, max: MAX_RETRY_DELAY };
  return {
    async put(event) {
      try {
        return await retrying(
          () => handler(event, spaceOf(), { signal: options.signal }),
          {
            attempts: retries + 1,
            // The bot runs again as a whole, deciding afresh what to send.
            when: (error) => isTransient(error),
            backoff,
            signal: options.signal,
            onRetry: (error, wait) =>
              spaceOf().logger.warn(
                `The bot failed on a ${event.type} event (${
                  messageOf(error)
                }); trying again in ${Math.round(wait) / 1000} s`,
              ),
          },
        );
      } catch (error) {
        // One line with the bot's own frames; the whole stack at debug.
        const logger = spaceOf().logger;
        logger.error(
          `The bot failed on a ${event.type} event: ${describeFailure(error)}`,
        );
        if (error instanceof Error && error.stack) logger.debug(error.stack);
        if (options.rethrow) throw error;
      }
    },
  };
}

// Frames of the library (spaces/ and the modules at its root, such as
// cli.ts) and of Deno itself say nothing about what the bot did wrong.
const ROOT = new URL("../", import.meta.url).href;

function isLibraryFrame(frame: string): boolean {
  const at = frame.indexOf(ROOT);
  if (at < 0) return /\b(ext|node):/.test(frame);
  const path = frame.slice(at + ROOT.length);
  return path.startsWith("spaces/") || /^[^/]+\.ts:/.test(path);
}

function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return messageOf(error);
  const own = (error.stack ?? "").split("\n")
    .map((line) => /^\s+at (.*)$/.exec(line)?.[1])
    .filter((frame): frame is string =>
      frame !== undefined && !isLibraryFrame(frame)
    )
    .slice(0, 3);
  const head = `${error.name}: ${error.message}`.replaceAll(/\s*\n\s*/g, " ");
  return own.length ? `${head} (at ${own.join(", ")})` : head;
}

/** Options of {@linkcode botSink}. */
export interface BotSinkOptions {
  /**
   * How many times to run the bot again on an event when it failed on a
   * passing problem of the back end (429, 5xx, 423, network). Webex never
   * processes a request it answers so, so a bot that posts one reply posts
   * it once. A bot that posts several messages may repeat the first ones.
   * @default 2
   */
  retries?: number;
  /**
   * Milliseconds before the first retry, doubled each time up to a minute,
   * of which a random half is kept. A `retryAfter` of the error wins.
   * @default 1_000
   */
  backoff?: number;
  /**
   * Throw the bot's last error instead of logging it only, so that a
   * durable queue delivers the event again.
   * @default false
   */
  rethrow?: boolean;
  /** Ends the waits between retries (the last error is then thrown). */
  signal?: AbortSignal;
}

/**
 * Feeds a bot with the events of a queue, one at a time, until the queue
 * ends; a failing bot is logged and the loop goes on. The server runs it
 * beside the webhook route, so deliveries are acknowledged before the bot
 * has finished.
 *
 * @param bot The handler.
 * @param space The space passed to the handler.
 * @param events The events, such as the space's `EventQueue` of `ears`.
 * @param options Retries of a failing bot.
 * @returns A promise that resolves when the queue ends.
 *
 * @example Drain a closed queue into a bot
 * ```ts
 * import { EventQueue, LocalSpace, runBot, type SpaceEvent } from "@shellbot/spaces";
 *
 * const events = new EventQueue<SpaceEvent>();
 * events.put({ type: "join", actorId: "p", channelId: "*local" });
 * events.close();
 * let seen = 0;
 * await runBot(() => void seen++, new LocalSpace({ input: [] }), events);
 * console.log(seen); // 1
 * ```
 */
export async function runBot(
  bot: BotHandler | BotLike,
  space: Space,
  events: AsyncIterable<SpaceEvent>,
  options: BotSinkOptions = {},
): Promise<void> {
  const sink = botSink(bot, space, options);
  for await (const event of events) await sink.put(event);
}

/**
 * `Bot`: commands, patterns and events routed to handlers, with
 * middleware, one place for errors and a built-in `help`.
 *
 * @module
 */

import type { Space } from "../base.ts";
import type { BotLike } from "../bot.ts";
import type { Message, SpaceEvent } from "../events.ts";
import { messageOf } from "../_objects.ts";
import { commandName, parseCommand } from "./_command.ts";
import {
  _dispatch,
  type _Route,
  type _Routing,
  type Handler,
  type Middleware,
} from "./compose.ts";
import { BotContext, type BotContextOptions } from "./context.ts";

/** The context of a command route: the command and its arguments are set. */
export type CommandContext = BotContext<Message> & {
  /** The command, lower-cased, without `/`. */
  command: string;
  /** The words after the command. */
  args: string[];
  /** Everything after the command, spacing kept. */
  rest: string;
};

/** The context of a `hears` route: what the pattern matched is set. */
export type HearsContext = BotContext<Message> & {
  /** The match: `match[0]` is the whole, then the groups. */
  match: RegExpMatchArray;
};

/** The context of an `on(type)` route: the event is of that type. */
export type EventContext<T extends SpaceEvent["type"]> = BotContext<
  Extract<SpaceEvent, { type: T }>
>;

/** Called with what a handler threw; see {@linkcode Bot.catch}. */
// deno-lint-ignore ban-types
export type ErrorHandler<X extends object = {}> = (
  error: unknown,
  ctx: BotContext & X,
) => unknown | Promise<unknown>;

/** Options of {@linkcode Bot.command}. */
export interface CommandOptions {
  /** What `help` says about the command. */
  description?: string;
}

/** Options of the {@linkcode Bot} constructor. */
export interface BotOptions {
  /**
   * Answer `help` with the list of commands, unless a `help` command is
   * registered (which then replaces it).
   * @default true
   */
  help?: boolean;
}

type Step<X> = _Route<BotContext & X>;

/**
 * A bot made of routes: commands, patterns, event types and middleware,
 * run in the order they were added. The first route that applies handles
 * the event; it goes on to the next one only when it calls `next()`.
 * A `Bot` is accepted wherever a bot handler is: as the default export of
 * a bot module (`cli.ts --bot`, `server.ts --bot`, `deno serve`), and by
 * `botSink`, `runBot` and `loadBot`.
 *
 * @typeParam X Extra fields of the context that middleware adds, such as
 * `SessionFlavor<S>` for {@linkcode session}.
 *
 * @example A bot module with a command, a pattern and an event
 * ```ts
 * import { Bot } from "@shellbot/spaces";
 *
 * export default new Bot()
 *   .command("echo", (ctx) => ctx.reply(ctx.rest || "(nothing to echo)"), {
 *     description: "says the text back",
 *   })
 *   .hears(/^thanks?\b/i, (ctx) => ctx.reply("You are welcome!"))
 *   .on("join", (ctx) => ctx.reply(`Welcome, ${ctx.event.actorLabel ?? "friend"}!`));
 * ```
 *
 * @example Run it on a scripted local space
 * ```ts
 * import { Bot, botSink, LocalSpace, type Space } from "@shellbot/spaces";
 *
 * const bot = new Bot().command("hello", (ctx) => ctx.reply("Hello!"));
 * const space: Space = new LocalSpace({ input: ["/hello"], ears: botSink(bot, () => space) });
 * await space.run(); // > /hello, then Hello!
 * ```
 */
// deno-lint-ignore ban-types
export class Bot<X extends object = {}> implements BotLike {
  #steps: Step<X>[] = [];
  #commands: { names: string[]; description?: string }[] = [];
  #onError?: ErrorHandler<X>;
  #help: boolean;

  /**
   * Makes a bot without routes.
   *
   * @param options Whether to answer `help`.
   */
  constructor(options: BotOptions = {}) {
    this.#help = options.help ?? true;
  }

  /**
   * Adds middleware that runs for every event reaching it, in order.
   *
   * @param middleware Functions of `(ctx, next)`.
   * @returns This bot, to chain calls.
   */
  use(...middleware: Middleware<X>[]): this {
    for (const run of middleware) this.#steps.push({ test: always, run });
    return this;
  }

  /**
   * Routes a command: a message whose first word is one of the names, with
   * or without a leading `/`, in any case. The context carries `command`,
   * `args` (the words after it) and `rest` (the rest of the line).
   *
   * @param names One name or several (aliases).
   * @param handler What to do.
   * @param options What `help` says about it.
   * @returns This bot, to chain calls.
   * @throws {TypeError} When a name is empty or holds a space.
   */
  command(
    names: string | readonly string[],
    handler: Handler<CommandContext & X>,
    options: CommandOptions = {},
  ): this {
    const list = (typeof names === "string" ? [names] : [...names]).map(
      commandName,
    );
    if (list.length === 0) {
      throw new TypeError("Bot.command(): give at least one command name");
    }
    if (this.#commands.length === 0 && this.#help) {
      // The built-in help sits where the first command is, so middleware
      // added before commands runs for it, and a catch-all added after
      // does not hide it.
      this.#steps.push({
        test: (ctx, routing) =>
          commandOf(ctx, routing, HELP_NAMES) &&
          !this.#commands.some((entry) => entry.names.includes("help")),
        run: (ctx) => ctx.reply(this.helpText()),
      });
    }
    this.#commands.push({ names: list, description: options.description });
    const wanted = new Set(list);
    this.#steps.push({
      test: (ctx, routing) => commandOf(ctx, routing, wanted),
      run: handler as Handler<BotContext & X>,
    });
    return this;
  }

  /**
   * Routes messages by their text: a string matches the whole text in any
   * case; a RegExp matches anywhere unless anchored. The context carries
   * `match`.
   *
   * @param pattern The text or the expression.
   * @param handler What to do.
   * @returns This bot, to chain calls.
   */
  hears(pattern: string | RegExp, handler: Handler<HearsContext & X>): this {
    const expression = typeof pattern === "string"
      ? new RegExp(`^${escape(pattern.trim())}$`, "i")
      // A global or sticky expression keeps state between calls.
      : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
    this.#steps.push({
      test: (ctx) => {
        if (ctx.event.type !== "message") return false;
        const match = expression.exec(ctx.text);
        if (match) ctx.match = match;
        return match !== null;
      },
      run: handler as Handler<BotContext & X>,
    });
    return this;
  }

  /**
   * Routes events by type; the handler's context has the event narrowed to
   * that type.
   *
   * @param types One type (`"message"`, `"join"`, `"leave"`...) or several.
   * @param handler What to do.
   * @returns This bot, to chain calls.
   */
  on<T extends SpaceEvent["type"]>(
    types: T | readonly T[],
    handler: Handler<EventContext<T> & X>,
  ): this {
    const wanted = new Set<string>(typeof types === "string" ? [types] : types);
    this.#steps.push({
      test: (ctx) => wanted.has(ctx.event.type),
      run: handler as unknown as Handler<BotContext & X>,
    });
    return this;
  }

  /**
   * Sets the one place for errors of handlers and middleware. Without it,
   * a failure is logged in one line on the space's logger and the bot goes
   * on. A handler that throws again hands the error to the caller of
   * {@linkcode Bot.handle} (`botSink` then retries passing failures, or
   * lets a durable queue deliver the event again).
   *
   * @param handler Gets the error and the context.
   * @returns This bot, to chain calls.
   */
  catch(handler: ErrorHandler<X>): this {
    this.#onError = handler;
    return this;
  }

  /**
   * The list the built-in `help` answers: the commands in the order they
   * were added, with their descriptions.
   *
   * @returns Lines of text, the first being `Commands:`.
   */
  helpText(): string {
    const entries = this.#commands.map((entry) => ({
      name: entry.names.join(", "),
      description: entry.description ?? "",
    }));
    if (this.#help && !this.#commands.some((e) => e.names.includes("help"))) {
      entries.unshift({ name: "help", description: "this list" });
    }
    const width = Math.max(0, ...entries.map((entry) => entry.name.length));
    return [
      "Commands:",
      ...entries.map((entry) =>
        `  ${entry.name.padEnd(width)}  ${entry.description}`.trimEnd()
      ),
    ].join("\n");
  }

  /**
   * Handles one event: makes its context and runs the routes. Errors go to
   * the handler of {@linkcode Bot.catch}, else to the log, each once; those
   * of a `next()` that a middleware did not await too.
   *
   * @param event The event.
   * @param space The space that heard it.
   * @param options The signal that aborts when the space stops.
   * @returns A promise that resolves when the routes are done.
   */
  async handle(
    event: SpaceEvent,
    space: Space,
    options: BotContextOptions = {},
  ): Promise<void> {
    const ctx = new BotContext(event, space, options) as BotContext & X;
    // An error the chain cannot throw (a forgotten `await next()`, or one
    // that comes after the event was handled) has no caller to go to:
    // when the handler of `catch` fails on it, the log says so.
    const stray = (error: unknown) =>
      void this.#fail(error, ctx).catch((again) =>
        space.logger.error(
          `The error handler of the bot failed: ${firstLine(again)}`,
        )
      );
    try {
      await _dispatch(this.#steps, ctx, done, stray);
    } catch (error) {
      await this.#fail(error, ctx);
    }
  }

  async #fail(error: unknown, ctx: BotContext & X): Promise<void> {
    if (this.#onError) return void await this.#onError(error, ctx);
    ctx.space.logger.error(
      `The bot failed on a ${ctx.event.type} event${
        ctx.command ? ` (command '${ctx.command}')` : ""
      }: ${firstLine(error)}`,
    );
  }
}

const HELP_NAMES = new Set(["help"]);

function always(): boolean {
  return true;
}

function done(): Promise<void> {
  return Promise.resolve();
}

function commandOf(
  ctx: BotContext,
  routing: _Routing,
  wanted: ReadonlySet<string>,
): boolean {
  if (ctx.event.type !== "message") return false;
  if (routing.parsed === undefined) {
    routing.parsed = parseCommand(ctx.text) ?? null;
  }
  const parsed = routing.parsed;
  if (!parsed || !wanted.has(parsed.command)) return false;
  ctx.command = parsed.command;
  ctx.args = parsed.args;
  ctx.rest = parsed.rest;
  return true;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function firstLine(error: unknown): string {
  const text = error instanceof Error
    ? `${error.name}: ${error.message}`
    : messageOf(error);
  return text.split("\n", 1)[0];
}

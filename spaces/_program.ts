/**
 * What the programs (`cli.ts`, `server.ts`, `try.ts`, `playground.ts`) do
 * alike with their command line: read the flags, answer `--help`, check the
 * choice of a flag, load the bot. Each returns the exit code to end with
 * when the program should not go on, having said why on stderr.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { type BotHandler, type BotLike, loadBot } from "./bot.ts";
import { messageOf } from "./_objects.ts";

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/**
 * Reads the flags (`-h`/`--help` included): their values, or 2 after a bad
 * flag (the error and the usage on stderr), or 0 after printing `help`.
 */
export function readFlags<const O extends FlagOptions>(
  args: string[],
  options: O,
  usage: string,
  help: string = usage,
) {
  try {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { ...options, help: { type: "boolean", short: "h" } } as const,
    });
    if ((values as { help?: boolean }).help) {
      console.log(help);
      return 0;
    }
    return values;
  } catch (error) {
    console.error(`${messageOf(error)}\n\n${usage}`);
    return 2;
  }
}

/** How a bot hears events, as `--events` names it. */
export type EventsFlag = "webhook" | "polling" | "websocket";

/**
 * The value of `--events` (`webhooks` is taken for `webhook`), `undefined`
 * when absent, or 2 after saying what it takes.
 */
export function readEventsFlag(
  value: string | undefined,
): EventsFlag | undefined | 2 {
  const events = value === "webhooks" ? "webhook" : value;
  if (
    events === undefined || events === "webhook" || events === "polling" ||
    events === "websocket"
  ) {
    return events;
  }
  console.error(
    `--events takes 'webhook', 'websocket' or 'polling', not '${value}'`,
  );
  return 2;
}

/** The bot of `--bot`, `undefined` without one, or 2 after saying why it could not load. */
export async function readBot(
  path: string | undefined,
): Promise<BotHandler | BotLike | undefined | 2> {
  if (path === undefined) return undefined;
  try {
    return await loadBot(path);
  } catch (error) {
    console.error(messageOf(error));
    return 2;
  }
}

/**
 * Try a bot on a fake Webex, in your terminal: a `FakeWebex` on 127.0.0.1,
 * your bot behind the real webhook server (signed webhooks into its hook
 * route), and a prompt where you talk to it as a Webex user: in a group
 * room (your line mentions the bot, as a Webex client sends it), in a
 * direct room, with a file, and as people join and leave.
 *
 * ```sh
 * deno task try --bot ./my_bot.ts                        # in a clone
 * deno run -A jsr:@shellbot/spaces/try --bot ./my_bot.ts  # anywhere
 * ```
 *
 * At the prompt: `/room group|direct`, `/file <path> [text]`,
 * `/submit [button] name=value ...` (the bot's last card, as on the
 * terminal), `/join <email>`, `/leave <email>`, `/help`, `/quit`; any other
 * line is a message to the bot (an unknown `/command` too, said once). The
 * bot's messages show as on the terminal: `↳ ` before a reply in a thread,
 * a card as its fallback text with its inputs and buttons. Ctrl-C aborts
 * the bot's signal and stops; a second Ctrl-C exits at once.
 *
 * @module
 */

import { tryMain } from "./spaces/server/try/try_main.ts";

/**
 * Runs a try session with the given command-line arguments, reading the
 * lines you type from stdin.
 *
 * @param args The arguments, without the program name.
 * @returns The exit code: 0, 1 when the session could not start, 2 for
 * bad arguments.
 *
 * @example Print the usage and the commands
 * ```ts
 * import { main } from "@shellbot/spaces/try";
 *
 * const code = await main(["--help"]);
 * console.log(code); // 0
 * ```
 */
export function main(args: string[]): Promise<number> {
  return tryMain(args);
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

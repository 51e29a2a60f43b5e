/**
 * Talk to a bot on the terminal: a local space against stdin.
 *
 * ```sh
 * deno run --allow-read --allow-env --allow-net cli.ts      # the demo bot
 * deno run --allow-read --allow-env --allow-net cli.ts --bot ./my_bot.ts
 * deno run -A cli.ts --bot ./my_bot.ts     # a bot that needs more than that
 * printf 'hello\necho hi\n' | deno run --allow-read --allow-env cli.ts
 * ```
 *
 * Ctrl-C aborts the `signal` the bot gets and stops; a second Ctrl-C exits
 * at once, even while a bot that ignores its signal is still busy.
 *
 * @module
 */

import { botSink } from "./spaces/bot.ts";
import { readBot, readFlags } from "./spaces/_program.ts";
import { Context } from "./spaces/context.ts";
import demoBot from "./examples/demo_bot.ts";
import { LocalSpace } from "./spaces/local.ts";
import type { Space } from "./spaces/base.ts";

const USAGE = `Usage: deno run -A jsr:@shellbot/spaces/cli [options]
       (in a clone of the repository: deno task start [options])

Talk to a bot in your terminal. Lines come from --input, else from stdin.
Ctrl-C stops (the bot's signal aborts); Ctrl-C again exits at once.

Options:
  --bot <module>    a module whose default export is (event, space) => ...
                    (without it, a demo bot answers help, hello,
                    echo <text> and card)
  --title <title>   title of the local channel
  --input <line>    a scripted user line; repeat for more lines
  -h, --help        show this help
`;

/**
 * Runs the local space with the given command-line arguments.
 *
 * @param args The arguments, without the program name.
 * @returns The process exit code: 0, or 2 for bad arguments.
 *
 * @example Print the usage
 * ```ts
 * import { main } from "@shellbot/spaces/cli";
 *
 * const code = await main(["--help"]);
 * console.log(code); // 0
 * ```
 */
export async function main(args: string[]): Promise<number> {
  const flags = readFlags(args, {
    bot: { type: "string" },
    title: { type: "string" },
    input: { type: "string", multiple: true },
  }, USAGE);
  if (typeof flags === "number") return flags;
  const loaded = await readBot(flags.bot);
  if (loaded === 2) return 2;
  const bot = loaded ?? demoBot;

  // The bot sees this signal: Ctrl-C aborts its work, not only the input.
  const controller = new AbortController();
  const context = new Context({ space: { type: "local" } });
  if (flags.title !== undefined) context.set("space.title", flags.title);
  const space: Space = new LocalSpace({
    context,
    input: flags.input,
    ears: botSink(bot, () => space, { signal: controller.signal }),
  });
  await space.connect();

  const onInterrupt = () => {
    if (controller.signal.aborted) Deno.exit(130);
    console.error("Stopping (Ctrl-C again to quit at once)");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const running = await space.start({ signal: controller.signal });
    await running?.done;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

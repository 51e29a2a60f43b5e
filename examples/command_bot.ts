/**
 * A command bot: a few commands with descriptions (the built-in `help`
 * lists them), a pattern, a welcome, and one place for errors.
 *
 * ```sh
 * deno run --allow-read --allow-env cli.ts --bot ./examples/command_bot.ts
 * ```
 *
 * @module
 */

import { Bot } from "@shellbot/spaces";

const bot = new Bot();

bot.command("hello", (ctx) => ctx.reply("Hello!"), {
  description: "a greeting",
});

bot.command(["echo", "say"], (ctx) => ctx.reply(ctx.rest || "(nothing)"), {
  description: "says <text> back",
});

bot.command("add", (ctx) => {
  const numbers = ctx.args.map(Number);
  if (numbers.length === 0 || numbers.some(Number.isNaN)) {
    throw new RangeError(`cannot add '${ctx.rest}'`);
  }
  return ctx.reply(String(numbers.reduce((sum, n) => sum + n, 0)));
}, { description: "adds <numbers>" });

bot.hears(/\b(thanks|thank you)\b/i, (ctx) => ctx.reply("You are welcome!"));

bot.on(
  "join",
  (ctx) => ctx.reply(`Welcome, ${ctx.event.actorLabel ?? ctx.event.actorId}!`),
);

bot.on(
  "message",
  (ctx) => ctx.reply(`Sorry, I do not know '${ctx.text}' (try help)`),
);

bot.catch((error, ctx) =>
  ctx.reply(`That did not work: ${(error as Error).message}`)
);

export default bot;

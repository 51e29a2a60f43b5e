/**
 * A markdown bot: answers with rich text. `content` is markdown on Webex,
 * `text` the plain version for clients and spaces that show no markdown.
 *
 * ```sh
 * deno task try --bot ./examples/markdown_bot.ts
 * ```
 *
 * @module
 */

import { Bot } from "@shellbot/spaces";

const bot = new Bot();

bot.command("status", (ctx) =>
  ctx.reply({
    text: "Status: all green. build ok, tests ok.",
    content: [
      "**Status**: all green",
      "",
      "- build: `ok`",
      "- tests: `ok`",
      "",
      "_Ask again with_ `status`",
    ].join("\n"),
  }), { description: "a status in markdown" });

bot.on("message", (ctx) => ctx.reply("Say **status**"));

export default bot;

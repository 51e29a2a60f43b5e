/**
 * A file bot: tells the size of a file you send it, and sends a file back
 * on `report`. On Webex a message carries at most one file: `ctx.event.url`
 * is where it is, `ctx.event.attachment` its name.
 *
 * ```sh
 * deno task try --bot ./examples/file_bot.ts
 * (Try room)> /file ./README.md what is this?
 * (Try room)> report
 * ```
 *
 * @module
 */

import { Bot, WebexSpace } from "@shellbot/spaces";

const bot = new Bot();

bot.command("report", (ctx) =>
  ctx.reply({
    text: "Here is your report",
    file: new File([`Report for ${ctx.event.fromLabel}\n`], "report.txt", {
      type: "text/plain",
    }),
  }), { description: "sends you a file" });

bot.on("message", async (ctx) => {
  const { url, attachment } = ctx.event;
  if (!url) return await ctx.reply("Send me a file, or say report");
  if (!(ctx.space instanceof WebexSpace)) {
    return await ctx.reply(`Got ${attachment ?? "a file"}`);
  }
  // Streamed: nothing is held in memory but the count.
  let size = 0;
  const body = await ctx.space.getAttachment(url, { signal: ctx.signal });
  for await (const chunk of body) size += chunk.byteLength;
  await ctx.reply(`Got ${attachment ?? "a file"} (${size} bytes)`);
});

export default bot;

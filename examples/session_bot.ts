/**
 * A session bot: a to-do list per channel, kept in memory (or on Deno KV
 * with `KvSessionStorage` from `@shellbot/spaces/kv`, shared by every
 * instance). Two quick messages never overwrite each other's item: events
 * of one channel are handled one after the other.
 *
 * ```sh
 * deno run --allow-read --allow-env cli.ts --bot ./examples/session_bot.ts
 * ```
 *
 * @module
 */

import { Bot, session, type SessionFlavor } from "@shellbot/spaces";

interface Todo {
  items: string[];
}

const bot = new Bot<SessionFlavor<Todo>>();

bot.use(session({ initial: (): Todo => ({ items: [] }) }));

bot.command("add", (ctx) => {
  if (!ctx.rest) return ctx.reply("Add what? (add <item>)");
  ctx.session.items.push(ctx.rest);
  return ctx.reply(`Added: ${ctx.rest} (${ctx.session.items.length} to do)`);
}, { description: "adds <item> to the list" });

bot.command("list", (ctx) =>
  ctx.reply(
    ctx.session.items.length
      ? ctx.session.items.map((item, i) => `${i + 1}. ${item}`).join("\n")
      : "Nothing to do.",
  ), { description: "shows the list" });

bot.command("done", (ctx) => {
  const index = Number(ctx.args[0]) - 1;
  if (!Number.isInteger(index) || !(index in ctx.session.items)) {
    return ctx.reply("No such item (done <number>)");
  }
  const [item] = ctx.session.items.splice(index, 1);
  return ctx.reply(`Done: ${item}`);
}, { description: "crosses out item <number>" });

bot.command("clear", (ctx) => {
  ctx.session = { items: [] };
  return ctx.reply("The list is empty.");
}, { description: "empties the list" });

export default bot;

/**
 * A join bot: welcomes people who join the room, says goodbye to those who
 * leave, and lists who is there on `who`.
 *
 * ```sh
 * deno task try --bot ./examples/join_bot.ts
 * (Try room)> /join bob@example.com
 * (Try room)> who
 * (Try room)> /leave bob@example.com
 * ```
 *
 * @module
 */

import { Bot } from "@shellbot/spaces";

const bot = new Bot();

const who = (
  event: { actorLabel?: string; actorAddress?: string; actorId: string },
) => event.actorLabel ?? event.actorAddress ?? event.actorId;

bot.on("join", (ctx) => {
  // The bot hears its own joins too, such as a new direct room with it.
  const me = ctx.space.context.get<string>("bot.id", "");
  if (ctx.space.isSameId(ctx.event.actorId, me)) return;
  return ctx.reply(`Welcome, ${who(ctx.event)}!`);
});
bot.on("leave", (ctx) => ctx.reply(`Goodbye, ${who(ctx.event)}.`));

bot.command("who", async (ctx) => {
  const people = await ctx.space.listParticipants(ctx.event.channelId!, {
    signal: ctx.signal,
  });
  await ctx.reply(`Here: ${people.join(", ") || "nobody but me"}`);
}, { description: "who is in the room" });

export default bot;

/**
 * The demo bot: what `cli.ts`, `server.ts`, `try.ts` and the playground run
 * when no `--bot` is given. It answers `help`, `hello`, `echo <text>` and
 * `card`, replies in a thread when spoken to in one, and describes any other
 * event, so a new user sees what a bot receives. Copy it to start your own
 * (in your project, import from `@shellbot/spaces`):
 *
 * ```sh
 * npx -y deno@2.9.6 task start --bot ./examples/demo_bot.ts
 * ```
 *
 * @module
 */

import { type AdaptiveCard, Bot, type SpaceEvent } from "../mod.ts";

/** The card that `card` shows: one input and a button that sends it. */
export const DEMO_CARD: AdaptiveCard = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [
    { type: "TextBlock", text: "What should I call you?", weight: "Bolder" },
    { type: "Input.Text", id: "name", label: "Your name" },
  ],
  actions: [{ type: "Action.Submit", title: "Send" }],
};

/**
 * Answers `help`, `hello`, `echo <text>` and `card` in the channel of the
 * event (in its thread when it has one), greets whoever submits the card,
 * and describes any other message, join, leave or deletion.
 *
 * @example Talk to it on a scripted terminal
 * ```ts
 * import { botSink, LocalSpace, type Space } from "@shellbot/spaces";
 * import demoBot from "./demo_bot.ts";
 *
 * const space: Space = new LocalSpace({
 *   input: ["hello", "echo hi"],
 *   ears: botSink(demoBot, () => space),
 * });
 * await space.run(); // prints "Hello!" and "hi"
 * ```
 */
const demoBot: Bot = new Bot();

demoBot.command("hello", (ctx) => ctx.reply("Hello!"), {
  description: "a greeting",
});
demoBot.command(
  "echo",
  (ctx) => ctx.reply(ctx.rest || "(nothing to echo)"),
  { description: "says <text> back" },
);
demoBot.command(
  "card",
  (ctx) =>
    ctx.reply({
      text: "What should I call you? (your client cannot show cards)",
      card: DEMO_CARD,
    }),
  { description: "shows an Adaptive Card" },
);
// A submitted card is answered under the card, in its thread.
demoBot.on("action", (ctx) =>
  ctx.space.postMessage({
    id: ctx.event.channelId,
    text: `Nice to meet you, ${String(ctx.event.inputs.name || "stranger")}!`,
    parentId: ctx.event.messageId,
  }));
demoBot.on(["message", "join", "leave", "deleted"], (ctx) => {
  // The bot hears its own join to a new room too: nothing to describe.
  const me = ctx.space.context.get<string>("bot.id", "");
  const event = ctx.event;
  if (event.type === "join" && me && ctx.space.isSameId(event.actorId, me)) {
    return;
  }
  return ctx.reply(describe(event));
});

export default demoBot;

function describe(event: SpaceEvent): string {
  switch (event.type) {
    case "message":
      return `Received a message: "${event.text}" (try 'help')`;
    case "join":
      return `Received a join: ${
        event.actorLabel ?? event.actorAddress ?? event.actorId
      } joined`;
    case "leave":
      return `Received a leave: ${
        event.actorLabel ?? event.actorAddress ?? event.actorId
      } left`;
    case "action":
      return `Received a card action: ${JSON.stringify(event.inputs)}`;
    case "deleted":
      return `Received a deletion of message ${event.id}`;
  }
}

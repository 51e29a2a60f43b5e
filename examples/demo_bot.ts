/**
 * The demo bot: what `cli.ts` and `server.ts` run when no `--bot` is given.
 * It answers `help`, `hello` and `echo <text>`, and describes any other
 * event, so a new user sees what a bot receives. A bot module is a file
 * whose default export is `(event, space) => ...`; copy this one to start
 * your own (in your project, import the types from `@shellbot/spaces`):
 *
 * ```sh
 * deno run --allow-read --allow-env cli.ts --bot ./examples/demo_bot.ts
 * deno run -A --env-file server.ts --bot ./examples/demo_bot.ts
 * ```
 *
 * @module
 */

import type { BotHandler, SpaceEvent } from "../mod.ts";

const HELP = [
  "Commands:",
  "  help         this list",
  "  hello        a greeting",
  "  echo <text>  says <text> back",
].join("\n");

/**
 * Answers `help`, `hello` and `echo <text>` in the channel of the event,
 * and describes any other message, join or leave.
 *
 * @example The shape of a bot module of your own
 * ```ts
 * import type { BotHandler } from "@shellbot/spaces";
 *
 * export default (async (event, space) => {
 *   if (event.type === "message" && event.channelId) {
 *     await space.postMessage(event.channelId, `You said: ${event.text}`);
 *   }
 * }) satisfies BotHandler;
 * ```
 */
const demoBot: BotHandler = async (event, space) => {
  const channel = event.channelId;
  if (!channel) return;
  if (event.type !== "message") {
    await space.postMessage(channel, describe(event));
    return;
  }
  const botName = space.context.get<string>("bot.name", "");
  const [verb, ...rest] = withoutMention(event.text, botName).split(/\s+/);
  const argument = rest.join(" ");
  switch (verb.toLowerCase()) {
    case "help":
      return void await space.postMessage(channel, HELP);
    case "hello":
      return void await space.postMessage(channel, "Hello!");
    case "echo":
      return void await space.postMessage(
        channel,
        argument || "(nothing to echo)",
      );
    default:
      return void await space.postMessage(channel, describe(event));
  }
};

export default demoBot;

// In Webex group rooms the text of a message to the bot starts with its name.
function withoutMention(text: string, botName: string): string {
  const trimmed = text.trim();
  if (botName && trimmed.toLowerCase().startsWith(botName.toLowerCase())) {
    return trimmed.slice(botName.length).trim();
  }
  return trimmed;
}

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

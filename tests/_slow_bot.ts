/**
 * The bot of the restart tests, loaded by `server.ts --bot`: it takes
 * `SLOW_BOT_MS` ms (a bot that works, not a wait of the test), then answers
 * `echo: <text>` and prints "replied: <text>", which the test waits on.
 *
 * @module
 */

import type { BotHandler } from "../mod.ts";

const delay = Number(Deno.env.get("SLOW_BOT_MS") ?? 0);

const bot: BotHandler = async (event, space) => {
  if (event.type !== "message" || !event.channelId) return;
  await new Promise((resolve) => setTimeout(resolve, delay));
  await space.postMessage(event.channelId, `echo: ${event.text}`);
  console.log(`replied: ${event.text}`);
};
export default bot;

/**
 * The echo bot: the smallest bot, a plain function that says back what it
 * heard. The README's `my_bot.ts`.
 *
 * ```sh
 * deno task start --bot ./examples/echo_bot.ts    # on the terminal
 * deno task try --bot ./examples/echo_bot.ts      # on a fake Webex
 * ```
 *
 * @module
 */

import type { BotHandler } from "@shellbot/spaces";

export default (async (event, space) => {
  if (event.type === "message" && event.channelId) {
    await space.postMessage(event.channelId, `You said: ${event.text}`);
  }
}) satisfies BotHandler;

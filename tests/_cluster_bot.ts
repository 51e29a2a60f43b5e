/**
 * The bot of the cluster tests and benchmark, loaded by `server.ts --bot`
 * in each subprocess: it answers each message with `echo: <text>`, so the
 * test counts the replies per text in FakeWebex.
 *
 * @module
 */

import type { BotHandler } from "../mod.ts";

const bot: BotHandler = async (event, space) => {
  if (event.type === "message" && event.channelId) {
    await space.postMessage(event.channelId, `echo: ${event.text}`);
  }
};
export default bot;

/**
 * The bot of the cluster tests and benchmark, loaded by `server.ts --bot`
 * in each subprocess: it answers each message with `echo: <text>`, so the
 * test counts the replies per text in FakeWebex, and prints "replied" once
 * the reply is posted, so the test waits on that line instead of polling.
 *
 * @module
 */

import type { BotHandler } from "../mod.ts";

const bot: BotHandler = async (event, space) => {
  if (event.type === "message" && event.channelId) {
    await space.postMessage(event.channelId, `echo: ${event.text}`);
    console.log("replied");
  }
};
export default bot;

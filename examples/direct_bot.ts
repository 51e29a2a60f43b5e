/**
 * A direct-message bot: in a group room it answers you privately, in a
 * direct room it says the talk stays between you. `event.isDirect` tells
 * which; `postMessage({ person })` writes to a person by e-mail address.
 *
 * ```sh
 * deno task try --bot ./examples/direct_bot.ts
 * (Try room)> psst
 * (Try room)> /room direct
 * (direct)> hello
 * ```
 *
 * @module
 */

import type { BotHandler } from "@shellbot/spaces";

export default (async (event, space) => {
  if (event.type !== "message" || !event.channelId) return;
  if (event.isDirect) {
    await space.postMessage(event.channelId, "This stays between us.");
    return;
  }
  if (!event.fromLabel?.includes("@")) return;
  await space.postMessage({
    person: event.fromLabel,
    text: "You wrote in the group room; let us talk here.",
  });
  await space.postMessage(event.channelId, "I wrote to you directly.");
}) satisfies BotHandler;

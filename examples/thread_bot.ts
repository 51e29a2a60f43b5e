/**
 * A bot that answers in threads: every message gets its reply in the
 * message's thread (or in the thread it already belongs to, since threads
 * are one level deep), greeting the sender by name.
 *
 * ```sh
 * deno run -A jsr:@shellbot/spaces/cli --bot examples/thread_bot.ts
 * ```
 *
 * @module
 */

import type { BotHandler } from "@shellbot/spaces";

/**
 * Replies in the thread of each message, with the sender's name.
 *
 * @example Try it on a scripted terminal
 * ```ts
 * import { botSink, LocalSpace, type Space } from "@shellbot/spaces";
 * import threadBot from "./thread_bot.ts";
 *
 * const space: Space = new LocalSpace({
 *   input: ["hello"],
 *   ears: botSink(threadBot, () => space),
 * });
 * await space.connect();
 * await space.run();
 * ```
 */
const threadBot: BotHandler = async (event, space) => {
  if (event.type !== "message" || !event.channelId || !event.id) return;
  const person = event.fromId ? await space.getPerson(event.fromId) : undefined;
  await space.postMessage({
    id: event.channelId,
    text: `${person?.displayName ?? "Someone"} said: ${event.text}`,
    // A reply to a reply is refused: answer in the thread's first message.
    parentId: event.parentId ?? event.id,
  });
};

export default threadBot;

/**
 * What the bot did, as lines of the try transcript: as the terminal shows
 * it (`↳ ` before a reply in a thread, a card's inputs and buttons under
 * its fallback text), prefixed with the bot's name and the room.
 *
 * @module
 */

import type { AdaptiveCard } from "../../cards.ts";
import { cardLines } from "../../local/_cards.ts";
import { REPLY_MARK } from "../../local/_render.ts";
import type { FakeWebex } from "../../../testing.ts";
import type { TryPost } from "./try_session.ts";

/** The last card the bot posted, which `/submit` answers. */
export interface LastCard {
  messageId: string;
  card: AdaptiveCard;
}

/**
 * The lines of something the bot did.
 *
 * @param post What the bot did, as the fake stored it.
 * @param webex The fake, for the names of files.
 * @returns The lines, and the card of the message if it has one.
 */
export function postLines(
  post: TryPost,
  webex: FakeWebex,
): { lines: string[]; card?: LastCard } {
  const botName = webex.bot.displayName;
  const message = post.message;
  if (post.action === "deleted" || !message) {
    return { lines: [`${botName} deleted a message`] };
  }
  const text = message.markdown ?? message.text ?? "";
  const parts = [message.parentId ? REPLY_MARK + text : text];
  for (const url of message.files ?? []) {
    parts.push(`[file: ${webex.content(url)?.name ?? url}]`);
  }
  const verb = post.action === "edited" ? " (edited)" : "";
  const lines = [`${botName} (${post.where})${verb}: ${parts.join(" ")}`];
  const content = message.attachments?.[0]?.content;
  if (!content) return { lines };
  const card = content as unknown as AdaptiveCard;
  return {
    lines: [...lines, ...cardLines(card)],
    card: { messageId: message.id, card },
  };
}

/**
 * Text addressed to the bot: Webex starts the text of a message that
 * mentions the bot first with the bot's display name (in group rooms every
 * message a bot receives does), and marks it in `html` with
 * `<spark-mention data-object-id="...">Name</spark-mention>`. The name is
 * removed, with the whitespace after it, when that first mention is the
 * bot's; mentions of others stay.
 *
 * @module
 */

import { sameWebexId } from "./ids.ts";

// The html of a message starts with its first element, often inside <p>.
const LEADING_MENTION =
  /^\s*(?:<p>\s*)?<spark-mention\b([^>]*)>([\s\S]*?)<\/spark-mention>\s*/i;
const OBJECT_ID = /\bdata-object-id\s*=\s*(?:"([^"]*)"|'([^']*)')/i;
const OBJECT_TYPE = /\bdata-object-type\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/** What remains of a message once the leading mention of the bot is gone. */
export interface Addressed {
  text: string;
  /** The html without the mention, when there was html. */
  html?: string;
}

/**
 * Removes the leading mention of the bot from `text` (and from `html`).
 *
 * @param text The message's plain text.
 * @param html The message's html, where Webex marks mentions.
 * @param botId The bot's person id, in any spelling.
 * @returns The text (and html) addressed to the bot; unchanged when the
 * message does not start with a mention of the bot.
 */
export function addressedText(
  text: string,
  html: string | undefined,
  botId: string | undefined,
): Addressed {
  const unchanged = { text, html };
  if (!html || !botId) return unchanged;
  const match = LEADING_MENTION.exec(html);
  if (!match) return unchanged;
  const attributes = match[1];
  const type = OBJECT_TYPE.exec(attributes);
  if (type && (type[1] ?? type[2]) !== "person") return unchanged;
  const id = OBJECT_ID.exec(attributes);
  const mentioned = id ? id[1] ?? id[2] : undefined;
  if (!mentioned || !sameWebexId(mentioned, botId)) return unchanged;
  const name = decodeEntities(match[2].replace(/<[^>]*>/g, "")).trim();
  const start = text.trimStart();
  if (!name || !start.startsWith(name)) return unchanged;
  const opening = /^\s*<p>/i.test(html) ? "<p>" : "";
  return {
    text: start.slice(name.length).trimStart(),
    html: opening + html.slice(match[0].length),
  };
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

function decodeEntities(value: string): string {
  return value.replace(
    /&(#x[0-9a-f]+|#\d+|[a-z]+);/gi,
    (entity, body: string) => {
      if (body[0] === "#") {
        const code = body[1] === "x" || body[1] === "X"
          ? parseInt(body.slice(2), 16)
          : parseInt(body.slice(1), 10);
        return Number.isFinite(code) && code <= 0x10ffff
          ? String.fromCodePoint(code)
          : entity;
      }
      return ENTITIES[body.toLowerCase()] ?? entity;
    },
  );
}

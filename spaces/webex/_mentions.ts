/**
 * Text addressed to the bot: Webex starts the text of a message that
 * mentions the bot first with the bot's display name (in group rooms every
 * message a bot receives does), and marks it in `html` with
 * `<spark-mention data-object-id="...">Name</spark-mention>`. The name is
 * removed, with the whitespace after it, when that first mention is the
 * bot's; mentions of others stay. In `html` the mention may follow opening
 * tags and blank space (`<p dir="auto">&nbsp;`): the tags stay, the blank
 * space around the mention goes.
 *
 * @module
 */

import { sameWebexId } from "./ids.ts";

// The mention may come after opening tags (`<p>`, `<p dir="auto">`,
// `<div>`) and blank space, written as such or as an entity; the tags are
// kept, the blank space before and after the mention goes. Each part starts
// with its own character and a tag cannot hold `>`, so a match is unique and
// a failing one costs one pass.
const BLANK = String.raw`(?:\s|&nbsp;|&#160;|&#xa0;)`;
const OPENING_TAG = String
  .raw`<(?!spark-mention\b)[a-z][a-z0-9-]*(?:[\s/][^>]*)?>`;
const LEADING_MENTION = new RegExp(
  String.raw`^((?:${BLANK}|${OPENING_TAG})*)` +
    String.raw`<spark-mention\b([^>]*)>([\s\S]*?)<\/spark-mention>${BLANK}*`,
  "i",
);
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
  const attributes = match[2];
  const type = OBJECT_TYPE.exec(attributes);
  if (type && (type[1] ?? type[2]) !== "person") return unchanged;
  const id = OBJECT_ID.exec(attributes);
  const mentioned = id ? id[1] ?? id[2] : undefined;
  if (!mentioned || !sameWebexId(mentioned, botId)) return unchanged;
  const name = decodeEntities(match[3].replace(/<[^>]*>/g, "")).trim();
  const start = text.trimStart();
  if (!name || !start.startsWith(name)) return unchanged;
  const opening = match[1].match(/<[^>]*>/g)?.join("") ?? "";
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

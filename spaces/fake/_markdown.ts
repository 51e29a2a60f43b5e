/**
 * A small markdown renderer for the read-only `html` of messages, with the
 * mention syntax `<@personEmail:address|Name>` and `<@personId:id|Name>`.
 *
 * @module
 */

import type { PersonRecord } from "./_state.ts";

/** What a markdown source renders to. */
export interface Rendered {
  html: string;
  /** The plain text the real service derives from markdown. */
  text: string;
  /** The people mentioned, in order, each once. */
  mentioned: PersonRecord[];
}

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
};

/** Escapes text for html. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char]);
}

function unescapeHtml(html: string): string {
  return html.replace(
    /&(amp|lt|gt|quot);/g,
    (_, name: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"' })[name]!,
  );
}

/** The html of a mention, as the real service writes it. */
export function mentionTag(personRef: string, name: string): string {
  return `<spark-mention data-object-type="person" data-object-id="${personRef}">${
    escapeHtml(name)
  }</spark-mention>`;
}

/** The plain text of rendered html: tags dropped, breaks kept. */
export function textOf(html: string): string {
  return unescapeHtml(
    html.replace(/<\/p>\s*<p>/g, "\n\n").replace(/<br\s*\/?>/g, "\n").replace(
      /<[^>]+>/g,
      "",
    ),
  );
}

const MENTION = /<@(personEmail|personId):([^|>\s]+)(?:\|([^>]*))?>/g;

/**
 * Renders markdown to html.
 *
 * @param markdown The source.
 * @param lookup Finds a mentioned person by e-mail or id.
 * @param refOf The person id to write in a mention.
 */
export function renderMarkdown(
  markdown: string,
  lookup: (idOrEmail: string) => PersonRecord | undefined,
  refOf: (person: PersonRecord) => string,
): Rendered {
  const mentions: string[] = [];
  const mentioned: PersonRecord[] = [];
  const source = markdown.replace(
    MENTION,
    (_token, _kind: string, value: string, label?: string) => {
      const person = lookup(value);
      if (!person) return label ?? value;
      if (!mentioned.includes(person)) mentioned.push(person);
      mentions.push(mentionTag(refOf(person), label || person.displayName));
      return `\uE000${mentions.length - 1}\uE000`;
    },
  );
  const paragraphs = source.replace(/\r\n/g, "\n").split(/\n\s*\n/).filter((
    part,
  ) => part.trim() !== "");
  const html = paragraphs.map((paragraph) =>
    `<p>${inline(paragraph.trim())}</p>`
  ).join("")
    .replace(
      /\uE000(\d+)\uE000/g,
      (_, index: string) => mentions[Number(index)],
    );
  return { html, text: textOf(html), mentioned };
}

function inline(paragraph: string): string {
  const codes: string[] = [];
  return escapeHtml(paragraph)
    .replace(/`([^`]+)`/g, (_, code: string) => {
      codes.push(`<code>${code}</code>`);
      return `\uE001${codes.length - 1}\uE001`;
    })
    .replace(
      /\[([^\]]+)\]\((https?:[^)\s]+)\)/g,
      '<a href="$2" rel="nofollow">$1</a>',
    )
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w*])\*([^*]+)\*/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_([^_]+)_/g, "$1<em>$2</em>")
    .replace(/\n/g, "<br/>")
    .replace(/\uE001(\d+)\uE001/g, (_, index: string) => codes[Number(index)]);
}

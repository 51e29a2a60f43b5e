// Safe html for the page: the service's html of a message, and the
// markdown of a card's text, both kept to a few harmless tags.

import { element } from "./dom.js";

const ALLOWED = new Set([
  "P",
  "BR",
  "STRONG",
  "B",
  "EM",
  "I",
  "CODE",
  "PRE",
  "A",
  "UL",
  "OL",
  "LI",
  "BLOCKQUOTE",
  "H1",
  "H2",
  "H3",
  "SPARK-MENTION",
]);

// Copies the allowed tags of the service's html into fresh elements: no
// attribute comes along but a link's http(s) address.
export function sanitise(html) {
  const source = new DOMParser().parseFromString(html, "text/html").body;
  const out = document.createDocumentFragment();
  const walk = (from, into) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        into.append(child.textContent);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED.has(child.tagName)) {
          walk(child, into);
          continue;
        }
        let copy;
        if (child.tagName === "SPARK-MENTION") {
          copy = element("span", { className: "mention" });
        } else if (child.tagName === "A") {
          copy = element("a", {
            rel: "noopener noreferrer nofollow",
            target: "_blank",
          });
          const href = child.getAttribute("href") ?? "";
          if (/^https?:\/\//i.test(href)) copy.href = href;
        } else {
          copy = document.createElement(child.tagName.toLowerCase());
        }
        walk(child, copy);
        into.append(copy);
      }
    }
  };
  walk(source, out);
  return out;
}

const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

// The markdown Webex renders in messages, as the fake renders it: code,
// links, bold, italics, breaks and paragraphs. The text is escaped first.
function inline(text) {
  const codes = [];
  return text.replace(/[&<>"]/g, (char) => ENTITIES[char])
    .replace(/`([^`]+)`/g, (_, code) => {
      codes.push(`<code>${code}</code>`);
      return `\uE001${codes.length - 1}\uE001`;
    })
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, '<a href="$2">$1</a>')
    .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
    .replace(/(^|[^\w*])\*([^*]+)\*/g, "$1<em>$2</em>")
    .replace(/(^|[^\w])_([^_]+)_/g, "$1<em>$2</em>")
    .replace(/\n/g, "<br>")
    .replace(/\uE001(\d+)\uE001/g, (_, index) => codes[Number(index)]);
}

/**
 * Renders markdown to html that went through the same sanitiser as the
 * messages' html.
 * @param {string} markdown The source.
 * @returns {string} The html.
 */
export function markdownHtml(markdown) {
  const html = markdown.replace(/\r\n/g, "\n").split(/\n\s*\n/)
    .filter((part) => part.trim() !== "")
    .map((part) => `<p>${inline(part.trim())}</p>`).join("");
  const holder = document.createElement("div");
  holder.append(sanitise(html));
  return holder.innerHTML;
}

/**
 * The page and its assets, served as they are: no build step. The Adaptive
 * Cards renderer is the official browser bundle from npm, read from Deno's
 * npm cache, so that the page works offline.
 *
 * @module
 */

import page from "./static/index.html" with { type: "text" };
import script from "./static/app.js" with { type: "text" };
import cards from "./static/cards.js" with { type: "text" };
import dom from "./static/dom.js" with { type: "text" };
import messages from "./static/messages.js" with { type: "text" };
import markdown from "./static/markdown.js" with { type: "text" };
import styles from "./static/app.css" with { type: "text" };
import renderer from "adaptivecards/dist/adaptivecards.min.js" with {
  type: "text",
};

/** A static file: its body and content type. */
export interface Asset {
  body: string;
  type: string;
}

const JS = "text/javascript; charset=utf-8";
const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">` +
  `<rect x="2" y="4" width="12" height="10" rx="2" fill="#0b6e99"/>` +
  `<circle cx="6" cy="9" r="1.5" fill="#fff"/>` +
  `<circle cx="10" cy="9" r="1.5" fill="#fff"/>` +
  `<rect x="7.25" y="1" width="1.5" height="3" fill="#0b6e99"/></svg>`;

/** The static files, by path. */
export const ASSETS: Record<string, Asset> = {
  "/": { body: page, type: "text/html; charset=utf-8" },
  "/app.js": { body: script, type: JS },
  "/cards.js": { body: cards, type: JS },
  "/dom.js": { body: dom, type: JS },
  "/messages.js": { body: messages, type: JS },
  "/markdown.js": { body: markdown, type: JS },
  // Browsers ask for it on every load: a robot face, not a 404.
  "/favicon.ico": { body: ICON, type: "image/svg+xml" },
  "/app.css": { body: styles, type: "text/css; charset=utf-8" },
  "/vendor/adaptivecards.js": { body: renderer, type: JS },
};

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

/** The static files, by path. */
export const ASSETS: Record<string, Asset> = {
  "/": { body: page, type: "text/html; charset=utf-8" },
  "/app.js": { body: script, type: JS },
  "/cards.js": { body: cards, type: JS },
  "/dom.js": { body: dom, type: JS },
  "/messages.js": { body: messages, type: JS },
  "/app.css": { body: styles, type: "text/css; charset=utf-8" },
  "/vendor/adaptivecards.js": { body: renderer, type: JS },
};

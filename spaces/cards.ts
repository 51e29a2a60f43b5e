/**
 * Adaptive Cards: what a bot may post with `postMessage({ card })`, and the
 * checks made before anything is sent.
 *
 * @module
 */

import { isPlainObject } from "./_objects.ts";

/**
 * An Adaptive Card as a plain object (see adaptivecards.io): `type` is
 * `"AdaptiveCard"`, `version` a schema version, `body` its elements and
 * `actions` its buttons. Other fields pass through unchanged.
 *
 * @example A card with one input and a button
 * ```ts
 * import type { AdaptiveCard } from "@shellbot/spaces";
 *
 * const card: AdaptiveCard = {
 *   type: "AdaptiveCard",
 *   version: "1.3",
 *   body: [{ type: "Input.Text", id: "name", label: "Your name" }],
 *   actions: [{ type: "Action.Submit", title: "Send" }],
 * };
 * console.log(card.body?.length); // 1
 * ```
 */
export interface AdaptiveCard {
  /** Always `"AdaptiveCard"`. */
  type: "AdaptiveCard";
  /** Schema version, such as `"1.3"`; Webex renders up to {@linkcode MAX_CARD_VERSION}. */
  version: string;
  /** The card's elements. */
  body?: Record<string, unknown>[];
  /** The card's buttons. */
  actions?: Record<string, unknown>[];
  /** Any other field of the schema. */
  [field: string]: unknown;
}

/**
 * The content type of an Adaptive Card attachment on Webex.
 *
 * @example Find the card of a Webex message
 * ```ts
 * import { CARD_CONTENT_TYPE } from "@shellbot/spaces";
 *
 * const attachments = [{ contentType: "application/vnd.microsoft.card.adaptive", content: {} }];
 * console.log(attachments.some((item) => item.contentType === CARD_CONTENT_TYPE)); // true
 * ```
 */
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/**
 * The newest Adaptive Card schema version that Webex renders. A card of a
 * later version shows as "cannot be displayed" in Webex clients.
 *
 * @example Pick the version of a new card
 * ```ts
 * import { MAX_CARD_VERSION } from "@shellbot/spaces";
 *
 * const card = { type: "AdaptiveCard", version: MAX_CARD_VERSION, body: [] };
 * console.log(card.version); // "1.3"
 * ```
 */
export const MAX_CARD_VERSION = "1.3";

/**
 * The largest card this library sends, in UTF-8 bytes of its JSON. Webex
 * does not publish the size of a card attachment it takes; this ceiling
 * (the one other chat platforms publish for Adaptive Cards) refuses a card
 * before Webex would, with a clear error instead of a bare 400.
 *
 * @example Check a card's size before building a bigger one
 * ```ts
 * import { MAX_CARD_BYTES } from "@shellbot/spaces";
 *
 * const card = { type: "AdaptiveCard", version: "1.3", body: [] };
 * console.log(new TextEncoder().encode(JSON.stringify(card)).length <= MAX_CARD_BYTES); // true
 * ```
 */
export const MAX_CARD_BYTES = 25_000;

const encoder = new TextEncoder();

/**
 * Checks a card before it is posted: a plain object of type
 * `"AdaptiveCard"`, a version Webex renders, and a size under
 * {@linkcode MAX_CARD_BYTES}.
 *
 * @param card The card to post.
 * @returns The card, typed.
 * @throws {TypeError} When the card is not an Adaptive Card object, or has
 * no version.
 * @throws {RangeError} When its version is above {@linkcode MAX_CARD_VERSION}
 * or its JSON is over {@linkcode MAX_CARD_BYTES}.
 *
 * @example Refuse a card Webex cannot show
 * ```ts
 * import { checkCard } from "@shellbot/spaces";
 *
 * try {
 *   checkCard({ type: "AdaptiveCard", version: "1.5", body: [] });
 * } catch (error) {
 *   console.log(error instanceof RangeError); // true
 * }
 * ```
 */
export function checkCard(card: unknown): AdaptiveCard {
  if (!isPlainObject(card) || card.type !== "AdaptiveCard") {
    throw new TypeError(
      'postMessage() card must be an Adaptive Card object, with type "AdaptiveCard"',
    );
  }
  const version = card.version;
  const parts = typeof version === "string"
    ? /^(\d+)\.(\d+)$/.exec(version)
    : null;
  if (!parts) {
    throw new TypeError(
      `postMessage() card needs a version such as "${MAX_CARD_VERSION}", got ${
        JSON.stringify(version)
      }`,
    );
  }
  const [major, minor] = MAX_CARD_VERSION.split(".").map(Number);
  const [cardMajor, cardMinor] = [Number(parts[1]), Number(parts[2])];
  if (cardMajor > major || (cardMajor === major && cardMinor > minor)) {
    throw new RangeError(
      `postMessage() card has version ${version}; Webex renders Adaptive Cards up to ${MAX_CARD_VERSION}: lower the version and drop newer elements`,
    );
  }
  let json: string;
  try {
    json = JSON.stringify(card);
  } catch (error) {
    throw new TypeError("postMessage() card cannot be turned into JSON", {
      cause: error,
    });
  }
  const size = encoder.encode(json).length;
  if (size > MAX_CARD_BYTES) {
    throw new RangeError(
      `postMessage() card is ${size} bytes of JSON; at most ${MAX_CARD_BYTES} are sent: split it into several cards`,
    );
  }
  return card as AdaptiveCard;
}

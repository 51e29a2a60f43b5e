/**
 * Adaptive Cards on Webex: a card goes out as the one attachment of a
 * message, with the content type Webex expects.
 *
 * @module
 */

import { type AdaptiveCard, CARD_CONTENT_TYPE, checkCard } from "../cards.ts";

/** The `attachments` of `POST /messages` for one card, checked first. */
export function cardAttachments(
  card: AdaptiveCard,
): { contentType: string; content: AdaptiveCard }[] {
  return [{ contentType: CARD_CONTENT_TYPE, content: checkCard(card) }];
}

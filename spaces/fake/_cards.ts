/**
 * Cards in messages: the `attachments` field of `POST /messages`, checked
 * as the real service checks it.
 *
 * @module
 */

import { HttpError } from "./_http.ts";
import type { FakeAttachment } from "./webex_types.ts";

/** The one content type of an attachment the real service takes. */
export const CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

/**
 * How many attachments a message may carry: "Only one card per message is
 * supported" (the spec, `POST /messages`).
 */
export const MAX_ATTACHMENTS_PER_MESSAGE = 1;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The attachments of a request body, checked; `undefined` when absent or
 * empty.
 *
 * @throws {HttpError} 400 when they are not one Adaptive Card with a `type`
 * of `AdaptiveCard` and a `version`, as the spec's `AdaptiveCard` requires.
 */
export function readAttachments(value: unknown): FakeAttachment[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every(isObject)) {
    throw new HttpError(
      400,
      "Field 'attachments' must be an array of attachment objects.",
    );
  }
  if (value.length === 0) return undefined;
  if (value.length > MAX_ATTACHMENTS_PER_MESSAGE) {
    throw new HttpError(400, "Only one card per message is supported.");
  }
  return value.map((attachment) => {
    if (attachment.contentType !== CARD_CONTENT_TYPE) {
      throw new HttpError(
        400,
        `Attachment contentType '${
          String(attachment.contentType)
        }' is not supported; use '${CARD_CONTENT_TYPE}'.`,
      );
    }
    const content = attachment.content;
    if (
      !isObject(content) || content.type !== "AdaptiveCard" ||
      typeof content.version !== "string"
    ) {
      throw new HttpError(
        400,
        "Attachment content must be an Adaptive Card with type 'AdaptiveCard' and a version.",
      );
    }
    // A deep copy: the caller's object must not change what is stored.
    return {
      contentType: CARD_CONTENT_TYPE,
      content: structuredClone(content),
    };
  });
}

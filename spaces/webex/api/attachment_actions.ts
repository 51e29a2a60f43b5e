/**
 * Attachment actions: `/attachment/actions/{id}`, the submissions of cards.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexAttachmentAction } from "./types.ts";

/**
 * One card submission with its inputs (`GET /attachment/actions/{id}`): a
 * webhook delivery carries its ids only.
 */
export function getAttachmentAction(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<WebexAttachmentAction> {
  return client.get<WebexAttachmentAction>(
    itemPath("attachment/actions", id),
    { signal: options.signal },
  );
}

/**
 * The inbound events beside messages and memberships: card submissions
 * (`attachmentActions`/`created`, fetched, since a delivery holds ids only)
 * and deletions (`messages`/`deleted`, whose delivery says all there is).
 * Both go through the same claim, release and completion as messages.
 *
 * @module
 */

import { getAttachmentAction } from "./api/attachment_actions.ts";
import type { WebexDelivery } from "./delivery.ts";
import { uuidOf } from "./ids.ts";
import { actionFromWebex, deletedFromWebex } from "./normalise.ts";
import { once, type Outcome, type PipelineDeps } from "./_pipeline.ts";

/** The dedupe key of a card submission: padded and unpadded ids are the same. */
export function actionKey(id: string): string {
  return `action:${uuidOf(id) ?? id}`;
}

/** The dedupe key of a deletion. */
export function deletedKey(id: string): string {
  return `deleted:${uuidOf(id) ?? id}`;
}

/**
 * Handles a card submission once: fetches it (`GET /attachment/actions/{id}`)
 * and puts an `action` event on `ears`. A refused fetch is final and ignored.
 */
export async function handleAction(
  deps: PipelineDeps,
  delivery: WebexDelivery,
  isRefusal: (error: unknown) => boolean,
): Promise<Outcome> {
  const id = delivery.data.id;
  return await once(deps, actionKey(id), "attachmentActions", async () => {
    let json;
    try {
      json = await getAttachmentAction(deps.client, id);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      deps.logger.info(`Card action ${id} was refused; ignored`);
      return "ignored";
    }
    const action = actionFromWebex(json);
    if (delivery.hook) action.hook = delivery.hook;
    await deps.ears.put(action);
    return "queued";
  });
}

/** Handles a deletion once: puts a `deleted` event on `ears`. */
export async function handleDeleted(
  deps: PipelineDeps,
  delivery: WebexDelivery,
): Promise<Outcome> {
  return await once(
    deps,
    deletedKey(delivery.data.id),
    "messages",
    async () => {
      const deleted = deletedFromWebex(delivery.data);
      if (delivery.hook) deleted.hook = delivery.hook;
      await deps.ears.put(deleted);
      return "queued";
    },
  );
}

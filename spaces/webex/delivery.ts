/**
 * The accepted form of a webhook delivery, as it travels through a queue
 * between the route that receives it and the worker that processes it.
 *
 * @module
 */

/**
 * A webhook delivery that passed the signature check and parsing: plain
 * JSON, so it survives any queue, such as Deno KV.
 *
 * @example A message delivery
 * ```ts
 * import type { WebexDelivery } from "@shellbot/spaces";
 *
 * const delivery: WebexDelivery = {
 *   resource: "messages",
 *   event: "created",
 *   hook: "shellbot-messages",
 *   data: { id: "M1", roomId: "R1", personId: "P1" },
 * };
 * console.log(delivery.data.id);
 * ```
 */
export interface WebexDelivery {
  /** `messages`, `memberships` or `attachmentActions` (card submissions). */
  resource: "messages" | "memberships" | "attachmentActions";
  /** `created`, or `deleted` for memberships and messages. */
  event: "created" | "deleted";
  /** Name of the webhook that delivered it, such as `shellbot-messages`. */
  hook: string;
  /** The delivery's `data`: ids only for messages and actions, the membership for memberships. */
  data: { id: string; [field: string]: unknown };
}

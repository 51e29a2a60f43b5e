/**
 * Webhooks: `/webhooks` and `/webhooks/{webhookId}`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexWebhook } from "./types.ts";

/** Body of `POST /webhooks`. */
export type CreateWebhookBody = {
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  /** Key of the `X-Spark-Signature` HMAC of each delivery. */
  secret?: string;
};

/** Body of `PUT /webhooks/{webhookId}`; `status: "active"` revives an inactive one. */
export type UpdateWebhookBody = {
  name: string;
  targetUrl: string;
  secret?: string;
  status?: "active" | "inactive";
};

/** The token's webhooks, page by page (`GET /webhooks`). */
export function listWebhooks(
  client: WebexClient,
  query: { max?: number } = {},
  options: CallOptions = {},
): AsyncIterable<WebexWebhook> {
  return client.list<WebexWebhook>("/webhooks", {
    query: { max: query.max ?? 100 },
    signal: options.signal,
  });
}

/** Creates a webhook (`POST /webhooks`). */
export function createWebhook(
  client: WebexClient,
  body: CreateWebhookBody,
  options: CallOptions = {},
): Promise<WebexWebhook> {
  return client.post<WebexWebhook>("/webhooks", body, {
    signal: options.signal,
  });
}

/** Changes a webhook (`PUT /webhooks/{webhookId}`). */
export function updateWebhook(
  client: WebexClient,
  id: string,
  body: UpdateWebhookBody,
  options: CallOptions = {},
): Promise<WebexWebhook> {
  return client.put<WebexWebhook>(itemPath("webhooks", id), body, {
    signal: options.signal,
  });
}

/** Deletes a webhook (`DELETE /webhooks/{webhookId}`); a gone one is a 404. */
export function deleteWebhook(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<void> {
  return client.delete(itemPath("webhooks", id), { signal: options.signal });
}

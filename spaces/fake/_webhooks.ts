/**
 * Webhooks and the `/webhooks` endpoints. Each webhook belongs to the token
 * that created it; its secret signs deliveries and, as the spec's `Webhook`
 * schema has it, comes back in the API's answers to its owner (never in a
 * delivery).
 *
 * @module
 */

import {
  HttpError,
  json,
  MESSAGES,
  noContent,
  optionalString,
  pageOf,
  parseMax,
  readJsonObject,
  requiredString,
} from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { PersonRecord, State, WebhookRecord } from "./_state.ts";
import { fakeWebexId } from "./ids.ts";
import type { FakeWebhook } from "./webex_types.ts";

const RESOURCES = new Set([
  "messages",
  "memberships",
  "rooms",
  "attachmentActions",
  "all",
]);
const EVENTS = new Set(["created", "updated", "deleted", "all"]);

/** The webhook as the API renders it; with its secret unless told. */
export function webhookJson(
  state: State,
  webhook: WebhookRecord,
  options: { secret?: boolean } = {},
): FakeWebhook {
  const withSecret = (options.secret ?? true) && webhook.secret !== undefined;
  return {
    id: webhook.id,
    name: webhook.name,
    targetUrl: webhook.targetUrl,
    resource: webhook.resource,
    event: webhook.event,
    ...(webhook.filter !== undefined ? { filter: webhook.filter } : {}),
    ...(withSecret ? { secret: webhook.secret } : {}),
    orgId: state.orgId,
    createdBy: state.personRef(webhook.ownerUuid),
    appId: state.appId,
    ownedBy: "creator",
    status: webhook.status,
    created: webhook.created,
  };
}

function targetUrl(body: Record<string, unknown>): string {
  const value = requiredString(body, "targetUrl");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HttpError(400, `Field 'targetUrl' is not a URL: '${value}'.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError(
      400,
      `Field 'targetUrl' must be an http or https URL, got '${value}'.`,
    );
  }
  return value;
}

function ownWebhook(
  state: State,
  id: string | undefined,
  caller: PersonRecord,
): WebhookRecord {
  const webhook = state.find(state.webhooks, "WEBHOOK", id);
  if (webhook.ownerUuid !== caller.uuid) {
    throw new HttpError(404, MESSAGES.notFound);
  }
  return webhook;
}

/** The `/webhooks` endpoints. */
export const webhookRoutes: Record<string, Handler> = {
  "GET /webhooks": ({ state, url, caller }) => {
    const max = parseMax(url, 100, 1000);
    const items = [...state.webhooks.values()].filter((webhook) =>
      webhook.ownerUuid === caller.uuid
    )
      .sort((a, b) => a.seq - b.seq);
    return pageOf(
      url,
      items,
      (webhook) => webhook.seq,
      max,
      (webhook) => webhookJson(state, webhook),
    );
  },
  "POST /webhooks": async ({ state, request, caller }) => {
    const body = await readJsonObject(request);
    const name = requiredString(body, "name");
    const target = targetUrl(body);
    const resource = requiredString(body, "resource");
    const event = requiredString(body, "event");
    if (!RESOURCES.has(resource)) {
      throw new HttpError(400, `Unknown webhook resource '${resource}'.`);
    }
    if (!EVENTS.has(event)) {
      throw new HttpError(400, `Unknown webhook event '${event}'.`);
    }
    const filter = optionalString(body, "filter");
    const secret = optionalString(body, "secret");
    const uuid = crypto.randomUUID();
    const webhook: WebhookRecord = {
      uuid,
      id: fakeWebexId("WEBHOOK", uuid),
      name,
      targetUrl: target,
      resource,
      event,
      ...(filter ? { filter } : {}),
      ...(secret ? { secret } : {}),
      status: "active",
      failures: 0,
      ownerUuid: caller.uuid,
      created: state.now(),
      seq: state.nextSeq(),
    };
    state.webhooks.set(uuid, webhook);
    return json(webhookJson(state, webhook));
  },
  "GET /webhooks/{id}": ({ state, id, caller }) =>
    json(webhookJson(state, ownWebhook(state, id, caller))),
  "PUT /webhooks/{id}": async ({ state, request, id, caller }) => {
    const webhook = ownWebhook(state, id, caller);
    const body = await readJsonObject(request);
    const name = requiredString(body, "name");
    const target = targetUrl(body);
    const secret = optionalString(body, "secret");
    const status = optionalString(body, "status");
    if (status !== undefined && status !== "active" && status !== "inactive") {
      throw new HttpError(
        400,
        `Field 'status' must be 'active' or 'inactive', got '${status}'.`,
      );
    }
    webhook.name = name;
    webhook.targetUrl = target;
    if (secret !== undefined) webhook.secret = secret;
    if (status !== undefined) webhook.status = status;
    // A revived webhook starts counting failures afresh.
    if (status === "active") webhook.failures = 0;
    return json(webhookJson(state, webhook));
  },
  "DELETE /webhooks/{id}": ({ state, id, caller }) => {
    state.webhooks.delete(ownWebhook(state, id, caller).uuid);
    return noContent();
  },
};

/**
 * A Mercury activity becomes the delivery a webhook would have brought, so
 * that it goes through the same pipeline with the same dedupe keys. Content
 * is encrypted in activities: only ids are read, and turned into the REST
 * ids that the API answers for (it decrypts server-side).
 *
 * @module
 */

import type { WebexDelivery } from "../delivery.ts";
import type { HostEntry } from "./_catalog.ts";

/** What a conversion needs besides the activity. */
export interface ActivityContext {
  /** The catalog's hosts, for the cluster of the conversation. */
  hostCatalog: Record<string, HostEntry[]>;
  /** The uuid of the bot, whose own activities are skipped. */
  botUuid?: string;
}

type Fields = Record<string, unknown>;

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * The REST id of an object: base64url, without padding, of
 * `ciscospark://<cluster>/<TYPE>/<uuid>`.
 */
export function restId(cluster: string, type: string, uuid: string): string {
  const bytes = new TextEncoder().encode(
    `ciscospark://${cluster}/${type}/${uuid}`,
  );
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * The cluster of a conversation URL (the SDK's hydra cluster string): its
 * host's entry in the catalog, cut to three `:`-parts; `us` for the
 * original cluster (`urn:TEAM:us-east-2_a`) and when the host is unknown.
 */
export function clusterOf(
  url: string | undefined,
  hostCatalog: Record<string, HostEntry[]>,
): string {
  const host = url ? URL.parse(url)?.host : undefined;
  const entries = host ? hostCatalog[host] : undefined;
  const id = Array.isArray(entries) ? text(entries[0]?.id) : undefined;
  if (!id) return "us";
  const cluster = id.split(":").slice(0, 3).join(":");
  return cluster.startsWith("urn:TEAM:us-east-2_a") ? "us" : cluster;
}

/**
 * The delivery for an activity: `post`/`share` a created message,
 * `cardAction` a card submission, `delete` a deleted message, `add`/`leave`
 * a membership change; `undefined` for the other verbs and the bot's own
 * messages.
 */
export function deliveryOf(
  activity: Fields,
  context: ActivityContext,
): WebexDelivery | undefined {
  const id = text(activity.id);
  const actor = (activity.actor ?? {}) as Fields;
  const object = (activity.object ?? {}) as Fields;
  const target = (activity.target ?? {}) as Fields;
  const parent = (activity.parent ?? {}) as Fields;
  const roomUuid = text(target.id);
  if (!id || !roomUuid) return undefined;
  const cluster = clusterOf(text(target.url), context.hostCatalog);
  const actorUuid = text(actor.entryUUID) ?? text(actor.id);
  const roomId = restId(cluster, "ROOM", roomUuid);
  const personId = actorUuid ? restId("us", "PEOPLE", actorUuid) : undefined;
  const common = { roomId, ...(personId ? { personId } : {}) };
  const hook = "";
  switch (activity.verb) {
    case "post":
    case "share":
      if (actorUuid && actorUuid === context.botUuid) return undefined;
      return {
        resource: "messages",
        event: "created",
        hook,
        data: { id: restId(cluster, "MESSAGE", id), ...common },
      };
    case "cardAction": {
      const messageUuid = text(parent.id);
      return {
        resource: "attachmentActions",
        event: "created",
        hook,
        data: {
          id: restId(cluster, "ATTACHMENT_ACTION", id),
          ...common,
          ...(messageUuid
            ? { messageId: restId(cluster, "MESSAGE", messageUuid) }
            : {}),
        },
      };
    }
    case "delete": {
      const messageUuid = text(object.id);
      if (!messageUuid) return undefined;
      return {
        resource: "messages",
        event: "deleted",
        hook,
        data: {
          id: restId(cluster, "MESSAGE", messageUuid),
          ...common,
          ...(text(activity.published) ? { created: activity.published } : {}),
        },
      };
    }
    case "add":
    case "leave":
      return membershipDelivery(activity, object, cluster, roomUuid, roomId);
    default:
      return undefined;
  }
}

function membershipDelivery(
  activity: Fields,
  object: Fields,
  cluster: string,
  roomUuid: string,
  roomId: string,
): WebexDelivery | undefined {
  const personUuid = text(object.entryUUID) ?? text(object.id);
  if (!personUuid) return undefined;
  const email = text(object.emailAddress);
  return {
    resource: "memberships",
    event: activity.verb === "add" ? "created" : "deleted",
    hook: "",
    data: {
      id: restId(cluster, "MEMBERSHIP", `${personUuid}:${roomUuid}`),
      roomId,
      personId: restId("us", "PEOPLE", personUuid),
      ...(email ? { personEmail: email } : {}),
      ...(text(object.displayName) && !isEncrypted(object.displayName)
        ? { personDisplayName: object.displayName }
        : {}),
      created: text(activity.published) ?? "",
    },
  };
}

/** Encrypted fields are JWE: five base64url parts joined by dots. */
function isEncrypted(value: unknown): boolean {
  return typeof value === "string" && value.split(".").length === 5;
}

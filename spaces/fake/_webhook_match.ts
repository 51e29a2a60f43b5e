/**
 * Which webhooks an event reaches: the owner must be able to see the event
 * (as on the real service) and the webhook's filter must accept it.
 *
 * @module
 */

import type { FakeEvent, State, WebhookRecord } from "./_state.ts";
import { parseFakeWebexId } from "./ids.ts";
import type {
  FakeAttachmentAction,
  FakeMembership,
  FakeMessage,
} from "./webex_types.ts";

/** Whether an active webhook receives an event. */
export function webhookMatches(
  state: State,
  webhook: WebhookRecord,
  event: FakeEvent,
): boolean {
  return webhook.status === "active" &&
    (webhook.resource === event.resource || webhook.resource === "all") &&
    (webhook.event === event.event || webhook.event === "all") &&
    visible(state, webhook.ownerUuid, event) &&
    filterAccepts(state, webhook, event);
}

/** The fields of an event's object that filters read, whatever its kind. */
type EventFields = Partial<
  FakeMessage & FakeMembership & Omit<FakeAttachmentAction, "type">
>;

function visible(state: State, ownerUuid: string, event: FakeEvent): boolean {
  const data: EventFields = event.data;
  if (!state.membership(event.roomUuid, ownerUuid)) {
    // Whoever leaves a room still hears that they left.
    return event.resource === "memberships" &&
      parseFakeWebexId(String(data.personId))?.uuid === ownerUuid;
  }
  const owner = state.people.get(ownerUuid);
  if (event.resource === "attachmentActions") {
    // A bot hears the submits of its own cards, and its own submits.
    const card = state.messages.get(
      parseFakeWebexId(String(data.messageId))?.uuid ?? "",
    );
    return owner?.type !== "bot" || event.actorUuid === ownerUuid ||
      card?.personUuid === ownerUuid;
  }
  if (event.resource !== "messages" || data.roomType !== "group") return true;
  // A bot in a group room only hears what mentions it, and its own words.
  return owner?.type !== "bot" || event.actorUuid === ownerUuid ||
    mentions(data, ownerUuid);
}

function mentions(data: EventFields, uuid: string): boolean {
  const mentioned = data.mentionedPeople;
  return Array.isArray(mentioned) &&
    mentioned.some((id) => parseFakeWebexId(String(id))?.uuid === uuid);
}

/**
 * The `key=value` pairs of a filter. Values may be percent-encoded; `+` is
 * kept as it is, since it occurs in base64 ids.
 */
export function parseFilter(filter: string): [string, string][] {
  return filter.split("&").filter((pair) => pair !== "").map((pair) => {
    const at = pair.indexOf("=");
    const key = at < 0 ? pair : pair.slice(0, at);
    const value = at < 0 ? "" : pair.slice(at + 1);
    try {
      return [key.trim(), decodeURIComponent(value).trim()];
    } catch {
      return [key.trim(), value.trim()];
    }
  });
}

function filterAccepts(
  state: State,
  webhook: WebhookRecord,
  event: FakeEvent,
): boolean {
  if (!webhook.filter) return true;
  const data: EventFields = event.data;
  return parseFilter(webhook.filter).every(([key, value]) => {
    switch (key) {
      case "roomId":
        return sameId(data.roomId, value);
      case "roomType":
        return data.roomType === value;
      case "personId":
        return sameId(data.personId, value);
      case "messageId":
        return sameId(data.messageId, value);
      case "personEmail":
        return String(data.personEmail).toLowerCase() === value.toLowerCase();
      case "mentionedPeople": {
        const uuid = value === "me"
          ? webhook.ownerUuid
          : value.includes("@")
          ? state.lookupPerson(value)?.uuid
          : parseFakeWebexId(value)?.uuid;
        return uuid !== undefined && mentions(data, uuid);
      }
      case "hasFiles":
        return (Array.isArray(data.files) && data.files.length > 0) ===
          (value === "true");
      case "isModerator":
        return data.isModerator === (value === "true");
      default:
        // Filters the fake does not know are ignored rather than guessed at.
        return true;
    }
  });
}

function sameId(actual: unknown, wanted: string): boolean {
  const uuid = parseFakeWebexId(wanted)?.uuid;
  return uuid !== undefined && parseFakeWebexId(String(actual))?.uuid === uuid;
}

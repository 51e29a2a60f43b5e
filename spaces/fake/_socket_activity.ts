/**
 * What the fake's websocket pushes for an event: a Mercury envelope around
 * a `conversation.activity`, written from the notes on the protocol
 * (`WEBSOCKET.md`), apart from the library's client. Content is never in
 * clear text: names and texts are stand-ins for the JWE the real service
 * sends, so a client must fetch by REST id. The activity id of a message
 * is the uuid inside its REST id, as on the real service.
 *
 * @module
 */

import type { FakeEvent, State } from "./_state.ts";
import { parseFakeWebexId } from "./ids.ts";

/** The host of conversation URLs, named in the fake's catalog. */
export const CONVERSATION_HOST = "conv-fake.wbx2.com";

const uuidOf = (id: unknown): string =>
  parseFakeWebexId(String(id ?? ""))?.uuid ?? "";

/** A stand-in for an encrypted field: five dot-separated parts, like a JWE. */
function sealed(): string {
  return ["eyJhbGciOiJkaXIifQ", "", crypto.randomUUID(), "c2VhbGVk", "dGFn"]
    .join(".");
}

function person(state: State, uuid: string): Record<string, unknown> {
  const record = state.people.get(uuid);
  return {
    objectType: "person",
    id: uuid,
    entryUUID: uuid,
    ...(record ? { emailAddress: record.emails[0] } : {}),
  };
}

/** The activity of an event, or `undefined` for one the socket does not tell. */
export function activityOf(
  state: State,
  event: FakeEvent,
): Record<string, unknown> | undefined {
  const target = {
    objectType: "conversation",
    id: event.roomUuid,
    url:
      `https://${CONVERSATION_HOST}/conversation/api/v1/conversations/${event.roomUuid}`,
    tags: [],
  };
  const common = {
    objectType: "activity",
    actor: person(state, event.actorUuid),
    target,
    published: new Date().toISOString(),
    encryptionKeyUrl: `kms://kms-fake.wbx2.com/keys/${event.roomUuid}`,
  };
  if (event.resource === "messages") {
    const message = event.data;
    const uuid = uuidOf(message.id);
    if (event.event === "created") {
      const files = Array.isArray(message.files) && message.files.length > 0;
      return {
        ...common,
        id: uuid,
        verb: files ? "share" : "post",
        published: message.created,
        object: {
          objectType: files ? "content" : "comment",
          displayName: sealed(),
          content: sealed(),
        },
        ...(message.parentId
          ? { parent: { id: uuidOf(message.parentId), type: "reply" } }
          : {}),
      };
    }
    return {
      ...common,
      id: crypto.randomUUID(),
      verb: event.event === "deleted" ? "delete" : "update",
      object: { objectType: "activity", id: uuid },
    };
  }
  if (event.resource === "attachmentActions") {
    return {
      ...common,
      id: uuidOf(event.data.id),
      verb: "cardAction",
      published: event.data.created,
      object: { objectType: "submit", inputs: sealed() },
      parent: { id: uuidOf(event.data.messageId), type: "cardAction" },
    };
  }
  const membership = event.data;
  const verb = event.event === "created"
    ? "add"
    : event.event === "deleted"
    ? "leave"
    : membership.isModerator
    ? "assignModerator"
    : "unassignModerator";
  return {
    ...common,
    id: crypto.randomUUID(),
    verb,
    object: person(state, uuidOf(membership.personId)),
  };
}

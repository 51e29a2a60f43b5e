/**
 * The one place where Webex JSON becomes the library's events and channels.
 *
 * @module
 */

import { type Channel, createChannel } from "../channel.ts";
import {
  createJoin,
  createLeave,
  createMessage,
  type Join,
  type Leave,
  type Message,
} from "../events.ts";

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/**
 * Turns a Webex message into a {@linkcode Message}: `content` is the html
 * (or markdown) when there is one, `url` the first file, `raw` the JSON.
 *
 * @param json A message as `GET /messages/{id}` answers it.
 * @returns The event.
 */
export function messageFromWebex(json: Record<string, unknown>): Message {
  const files = Array.isArray(json.files) ? json.files : [];
  const mentioned = Array.isArray(json.mentionedPeople)
    ? json.mentionedPeople.filter((id): id is string => typeof id === "string")
    : [];
  const plain = text(json.text) ?? "";
  return createMessage({
    id: text(json.id),
    text: plain,
    content: text(json.html) ?? text(json.markdown) ?? plain,
    fromId: text(json.personId),
    fromLabel: text(json.personEmail),
    isDirect: json.roomType === "direct",
    mentionedIds: mentioned,
    channelId: text(json.roomId),
    stamp: text(json.created),
    url: text(files[0]),
    raw: json,
  });
}

/**
 * Turns a Webex room into a {@linkcode Channel}.
 *
 * @param json A room as `GET /rooms/{id}` answers it.
 * @returns The channel.
 */
export function channelFromRoom(json: Record<string, unknown>): Channel {
  return createChannel({
    id: String(json.id ?? ""),
    title: String(json.title ?? ""),
    type: json.type === "direct" ? "direct" : "group",
    isModerated: json.isLocked === true,
    teamId: text(json.teamId),
    raw: json,
  });
}

/**
 * Turns a Webex membership into a {@linkcode Join} or a {@linkcode Leave}.
 *
 * @param json A membership, as a `memberships` webhook carries it in `data`.
 * @param kind `"join"` for a created membership, `"leave"` for a deleted one.
 * @returns The event.
 */
export function membershipEvent(
  json: Record<string, unknown>,
  kind: "join" | "leave",
): Join | Leave {
  const fields = {
    actorId: String(json.personId ?? ""),
    actorAddress: text(json.personEmail),
    actorLabel: text(json.personDisplayName),
    channelId: String(json.roomId ?? ""),
    stamp: text(json.created),
    raw: json,
  };
  return kind === "join" ? createJoin(fields) : createLeave(fields);
}

/**
 * The one place where Webex JSON becomes the library's events and channels.
 *
 * @module
 */

import { type Channel, createChannel } from "../channel.ts";
import {
  type Action,
  createAction,
  createDeleted,
  createJoin,
  createLeave,
  createMessage,
  type Deleted,
  type Join,
  type Leave,
  type Message,
} from "../events.ts";
import { addressedText } from "./_mentions.ts";

const text = (value: unknown): string | undefined =>
  typeof value === "string" && value !== "" ? value : undefined;

/** Options of {@linkcode messageFromWebex}. */
export interface MessageFromWebexOptions {
  /** The bot's id: a leading mention of the bot is removed from `text`. */
  botId?: string;
}

/**
 * Turns a Webex message into a {@linkcode Message}: `text` is what was
 * addressed to the bot (a leading mention of `options.botId` removed, with
 * the whitespace after it), `content` the html (or markdown) when there is
 * one, `url` the first file, `parentId` the thread's first message, `raw`
 * the JSON as it came.
 *
 * @param json A message as `GET /messages/{id}` answers it.
 * @param options The bot's id.
 * @returns The event.
 */
export function messageFromWebex(
  json: Record<string, unknown>,
  options: MessageFromWebexOptions = {},
): Message {
  const files = Array.isArray(json.files) ? json.files : [];
  const mentioned = Array.isArray(json.mentionedPeople)
    ? json.mentionedPeople.filter((id): id is string => typeof id === "string")
    : [];
  const addressed = addressedText(
    text(json.text) ?? "",
    text(json.html),
    options.botId,
  );
  return createMessage({
    id: text(json.id),
    text: addressed.text,
    content: text(addressed.html) ?? text(json.markdown) ?? addressed.text,
    fromId: text(json.personId),
    fromLabel: text(json.personEmail),
    isDirect: json.roomType === "direct",
    mentionedIds: mentioned,
    channelId: text(json.roomId),
    stamp: text(json.created),
    url: text(files[0]),
    parentId: text(json.parentId),
    raw: json,
  });
}

/**
 * Turns a Webex attachment action (a card submission) into an
 * {@linkcode Action}.
 *
 * @param json An action as `GET /attachment/actions/{id}` answers it.
 * @returns The event.
 */
export function actionFromWebex(json: Record<string, unknown>): Action {
  const inputs = json.inputs;
  return createAction({
    id: String(json.id ?? ""),
    messageId: String(json.messageId ?? ""),
    channelId: String(json.roomId ?? ""),
    fromId: text(json.personId),
    inputs: typeof inputs === "object" && inputs !== null &&
        !Array.isArray(inputs)
      ? { ...inputs as Record<string, unknown> }
      : {},
    stamp: text(json.created),
    raw: json,
  });
}

/**
 * Turns the `data` of a `messages`/`deleted` delivery into a
 * {@linkcode Deleted}.
 *
 * @param json The delivery's `data`: the ids of the deleted message.
 * @returns The event.
 */
export function deletedFromWebex(json: Record<string, unknown>): Deleted {
  return createDeleted({
    id: String(json.id ?? ""),
    channelId: String(json.roomId ?? ""),
    stamp: text(json.created),
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

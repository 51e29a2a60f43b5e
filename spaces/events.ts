/**
 * The events a space puts on its queues: messages, joins and leaves, card
 * actions and deletions.
 *
 * Events are plain objects discriminated by `type`, so they survive
 * `JSON.stringify` and `JSON.parse` unchanged when they travel through a
 * queue. An optional field without a value is left out, never set to
 * `undefined`.
 *
 * @module
 */

import { withoutUndefined } from "./_objects.ts";

/** A message posted in a channel, or directly to the bot. */
export interface Message {
  /** Discriminant. */
  type: "message";
  /** Id of the message at the back end. */
  id?: string;
  /**
   * The plain text of the message, as addressed to the bot: a leading
   * mention of the bot (Webex puts the bot's name first in group rooms) is
   * removed, with the whitespace after it. Mentions of others stay.
   */
  text: string;
  /** The rich form (html or markdown) when there is one, else the text. */
  content: string;
  /** Id of the sender. */
  fromId?: string;
  /** E-mail address or name of the sender. */
  fromLabel?: string;
  /** True when the message was sent in a direct (one-to-one) channel. */
  isDirect: boolean;
  /** Ids of the persons mentioned in the message. */
  mentionedIds: string[];
  /** Id of the channel where the message was posted. */
  channelId?: string;
  /** Id of the first message of the thread, when the message replies in one. */
  parentId?: string;
  /** ISO 8601 time of creation. */
  stamp?: string;
  /** Content URL of the first attachment. */
  url?: string;
  /** File name of the first attachment. */
  attachment?: string;
  /** Name of the webhook that delivered the event. */
  hook?: string;
  /** The platform's own JSON, as it came. */
  raw?: Record<string, unknown>;
}

/** Fields shared by {@linkcode Join} and {@linkcode Leave}. */
export interface MembershipEvent {
  /** Id of the person who joined or left. */
  actorId: string;
  /** E-mail address of that person. */
  actorAddress?: string;
  /** Display name of that person. */
  actorLabel?: string;
  /** Id of the channel joined or left. */
  channelId: string;
  /** ISO 8601 time of the change. */
  stamp?: string;
  /** Name of the webhook that delivered the event. */
  hook?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

/** A person joined a channel. */
export interface Join extends MembershipEvent {
  /** Discriminant. */
  type: "join";
}

/** A person left a channel. */
export interface Leave extends MembershipEvent {
  /** Discriminant. */
  type: "leave";
}

/**
 * A person submitted a card: the values of its inputs (and the `data` of
 * the button pressed).
 */
export interface Action {
  /** Discriminant. */
  type: "action";
  /** Id of the action at the back end. */
  id: string;
  /** Id of the message that carries the card. */
  messageId: string;
  /** Id of the channel of that message. */
  channelId: string;
  /** Id of the person who submitted the card. */
  fromId?: string;
  /** The submitted values, by input id. */
  inputs: Record<string, unknown>;
  /** ISO 8601 time of the submission. */
  stamp?: string;
  /** Name of the webhook that delivered the event. */
  hook?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

/** A message was deleted. */
export interface Deleted {
  /** Discriminant. */
  type: "deleted";
  /** Id of the message that was deleted. */
  id: string;
  /** Id of its channel. */
  channelId: string;
  /** ISO 8601 time, as the back end gives it. */
  stamp?: string;
  /** Name of the webhook that delivered the event. */
  hook?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

/**
 * Anything a space puts on `ears` or `fan`.
 *
 * @example Dispatch on the type
 * ```ts
 * import type { SpaceEvent } from "@shellbot/spaces";
 *
 * function describe(event: SpaceEvent): string {
 *   switch (event.type) {
 *     case "message":
 *       return `said ${event.text}`;
 *     case "join":
 *       return `${event.actorId} joined`;
 *     case "leave":
 *       return `${event.actorId} left`;
 *     case "action":
 *       return `submitted ${JSON.stringify(event.inputs)}`;
 *     case "deleted":
 *       return `deleted ${event.id}`;
 *   }
 * }
 * console.log(describe({ type: "join", actorId: "p1", channelId: "c1" }));
 * ```
 */
export type SpaceEvent = Message | Join | Leave | Action | Deleted;

/** What {@linkcode createMessage} needs: `text`, and any other field. */
export type MessageInit =
  & Partial<Omit<Message, "type" | "text">>
  & { text?: string };

/**
 * Builds a {@linkcode Message}, filling `content` from `text`, `isDirect`
 * with false and `mentionedIds` with an empty list, and leaving out fields
 * that have no value.
 *
 * @param init The fields of the message.
 * @returns A message that survives a JSON round trip unchanged.
 *
 * @example Make a message
 * ```ts
 * import { createMessage } from "@shellbot/spaces";
 *
 * const message = createMessage({ text: "hello", channelId: "*local" });
 * console.log(message.content); // "hello"
 * ```
 */
export function createMessage(init: MessageInit = {}): Message {
  const text = init.text ?? "";
  return withoutUndefined({
    ...init,
    type: "message",
    text,
    content: init.content || text,
    isDirect: init.isDirect ?? false,
    mentionedIds: init.mentionedIds ?? [],
  });
}

/**
 * Builds a {@linkcode Join} event, leaving out fields that have no value.
 *
 * @param init The fields of the event.
 * @returns The event.
 *
 * @example Someone joined
 * ```ts
 * import { createJoin } from "@shellbot/spaces";
 *
 * const join = createJoin({ actorId: "p1", actorAddress: "a@acme.com", channelId: "c1" });
 * console.log(join.type); // "join"
 * ```
 */
export function createJoin(init: MembershipEvent): Join {
  return withoutUndefined({ ...init, type: "join" });
}

/**
 * Builds a {@linkcode Leave} event, leaving out fields that have no value.
 *
 * @param init The fields of the event.
 * @returns The event.
 *
 * @example Someone left
 * ```ts
 * import { createLeave } from "@shellbot/spaces";
 *
 * const leave = createLeave({ actorId: "p1", channelId: "c1" });
 * console.log(leave.type); // "leave"
 * ```
 */
export function createLeave(init: MembershipEvent): Leave {
  return withoutUndefined({ ...init, type: "leave" });
}

/** What {@linkcode createAction} needs: every field but `type`. */
export type ActionInit = Omit<Action, "type">;

/**
 * Builds an {@linkcode Action} event, leaving out fields that have no value.
 *
 * @param init The fields of the event.
 * @returns The event.
 *
 * @example Someone submitted a card
 * ```ts
 * import { createAction } from "@shellbot/spaces";
 *
 * const action = createAction({ id: "A1", messageId: "M1", channelId: "c1", inputs: { colour: "red" } });
 * console.log(action.type, action.inputs.colour); // "action" "red"
 * ```
 */
export function createAction(init: ActionInit): Action {
  return withoutUndefined({ ...init, type: "action" });
}

/** What {@linkcode createDeleted} needs: every field but `type`. */
export type DeletedInit = Omit<Deleted, "type">;

/**
 * Builds a {@linkcode Deleted} event, leaving out fields that have no value.
 *
 * @param init The fields of the event.
 * @returns The event.
 *
 * @example A message was deleted
 * ```ts
 * import { createDeleted } from "@shellbot/spaces";
 *
 * const deleted = createDeleted({ id: "M1", channelId: "c1" });
 * console.log(deleted.type); // "deleted"
 * ```
 */
export function createDeleted(init: DeletedInit): Deleted {
  return withoutUndefined({ ...init, type: "deleted" });
}

/**
 * Checks that a value parsed from JSON is a {@linkcode SpaceEvent}, as a
 * queue consumer should before trusting it.
 *
 * @param value Anything.
 * @returns True when `value` has the shape of a message, join, leave,
 * action or deletion.
 *
 * @example Validate what came out of a queue
 * ```ts
 * import { isSpaceEvent } from "@shellbot/spaces";
 *
 * console.log(isSpaceEvent(JSON.parse('{"type":"leave","actorId":"p","channelId":"c"}'))); // true
 * console.log(isSpaceEvent({ type: "message" })); // false
 * ```
 */
export function isSpaceEvent(value: unknown): value is SpaceEvent {
  if (typeof value !== "object" || value === null) return false;
  const event = value as Record<string, unknown>;
  switch (event.type) {
    case "message":
      return typeof event.text === "string" &&
        typeof event.content === "string" &&
        typeof event.isDirect === "boolean" &&
        Array.isArray(event.mentionedIds);
    case "join":
    case "leave":
      return typeof event.actorId === "string" &&
        typeof event.channelId === "string";
    case "action":
      return typeof event.id === "string" &&
        typeof event.messageId === "string" &&
        typeof event.channelId === "string" &&
        typeof event.inputs === "object" && event.inputs !== null &&
        !Array.isArray(event.inputs);
    case "deleted":
      return typeof event.id === "string" &&
        typeof event.channelId === "string";
    default:
      return false;
  }
}

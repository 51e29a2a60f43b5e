/**
 * The Webex objects `FakeWebex` hands out, as its API renders them. Field
 * names follow the schemas of the official OpenAPI description (`Room`,
 * `Team`, `Membership`, `ListMessage`, `Webhook`); the few fields the real
 * service sends beyond a schema are marked.
 *
 * They are object types rather than interfaces so that they stay assignable
 * to `Record<string, unknown>`, the type these objects had before: code that
 * hands them to a JSON helper keeps compiling.
 *
 * @module
 */

/** A room as the API renders it to a member (schema `Room`). */
export type FakeRoom = {
  /** The room id, padded. */
  id: string;
  /** The title; in a direct room, the other person's display name. */
  title: string;
  /** `group`, or `direct` for a one-to-one room. */
  type: "group" | "direct";
  /** Whether the room is moderated. */
  isLocked: boolean;
  /** The team the room belongs to. */
  teamId?: string;
  /** When the last message was posted (ISO 8601). */
  lastActivity: string;
  /** Who created the room, unpadded. */
  creatorId: string;
  /** When the room was created (ISO 8601). */
  created: string;
  /** The id of the organisation that owns the room. */
  ownerId: string;
  /** Whether anyone in the organisation may find and join the room. */
  isPublic: boolean;
  /** Whether a compliance officer made the room read-only. */
  isReadOnly: boolean;
};

/** A team as the API renders it (schema `Team`). */
export type FakeTeam = {
  /** The team id, padded. */
  id: string;
  /** The team's name, also the title of its general room. */
  name: string;
  /** Who created the team, unpadded; the real service sends it, the schema omits it. */
  creatorId: string;
  /** When the team was created (ISO 8601). */
  created: string;
};

/** A membership: a person in a room (schema `Membership`). */
export type FakeMembership = {
  /** The membership id, padded; the id to `DELETE /memberships/{id}`. */
  id: string;
  /** The room id, padded. */
  roomId: string;
  /** The person id, unpadded. */
  personId: string;
  /** The person's main e-mail address. */
  personEmail: string;
  /** The person's display name. */
  personDisplayName: string;
  /** The id of the person's organisation. */
  personOrgId: string;
  /** Whether the person moderates the room. */
  isModerator: boolean;
  /** Whether the person is a monitoring bot (deprecated; always false). */
  isMonitor: boolean;
  /** Whether the direct room is hidden in Webex clients; direct rooms only. */
  isRoomHidden?: boolean;
  /** The type of the room. */
  roomType: "group" | "direct";
  /** When the person joined (ISO 8601). */
  created: string;
};

/**
 * A card in a message: an Adaptive Card as a plain object (the `attachments`
 * of `POST /messages` and `ListMessage`).
 */
export type FakeAttachment = {
  /** Always `application/vnd.microsoft.card.adaptive`. */
  contentType: "application/vnd.microsoft.card.adaptive";
  /** The card: `{ type: "AdaptiveCard", version, body, actions, ... }`. */
  content: Record<string, unknown>;
};

/** A message as `GET /messages/{id}` renders it (schema `ListMessage`). */
export type FakeMessage = {
  /** The message id, padded. */
  id: string;
  /** The message this one answers in a thread. */
  parentId?: string;
  /** The room id, padded. */
  roomId: string;
  /** The type of the room. */
  roomType: "group" | "direct";
  /** Plain text; a message that mentions people begins with their names. */
  text?: string;
  /** Markdown, as posted. */
  markdown?: string;
  /** HTML rendered by the service from markdown or mentions; read-only. */
  html?: string;
  /** Content URLs of the attached file (one at most). */
  files?: string[];
  /** The card of the message (one at most). */
  attachments?: FakeAttachment[];
  /** The author's id, unpadded. */
  personId: string;
  /** The author's main e-mail address. */
  personEmail: string;
  /** Ids of the people mentioned, unpadded. */
  mentionedPeople?: string[];
  /** When the message was posted (ISO 8601). */
  created: string;
  /** When the author last edited it (ISO 8601); only on edited messages. */
  updated?: string;
};

/**
 * A card submitted by a person: an attachment action as
 * `GET /attachment/actions/{id}` renders it (schema `AttachmentActivity`).
 */
export type FakeAttachmentAction = {
  /** The action id, padded. */
  id: string;
  /** Always `submit`. */
  type: "submit";
  /** The message whose card was submitted, padded. */
  messageId: string;
  /** The values of the card's inputs, by input id. */
  inputs: Record<string, unknown>;
  /** Who submitted, unpadded. */
  personId: string;
  /** The room of the card's message, padded. */
  roomId: string;
  /** When it was submitted (ISO 8601). */
  created: string;
};

/** What an `attachmentActions` delivery tells of the action: all but `inputs`. */
export type FakeAttachmentActionEventData = Omit<
  FakeAttachmentAction,
  "inputs"
>;

/**
 * What a `messages` delivery tells of the message: ids and dates, without
 * its content (`text`, `markdown`, `html`, `attachments` must be fetched).
 */
export type FakeMessageEventData = Pick<
  FakeMessage,
  | "id"
  | "parentId"
  | "roomId"
  | "roomType"
  | "personId"
  | "personEmail"
  | "mentionedPeople"
  | "files"
  | "created"
  | "updated"
>;

/** A webhook as the API renders it to its owner (schema `Webhook`). */
export type FakeWebhook = {
  /** The webhook id, padded. */
  id: string;
  /** Its name. */
  name: string;
  /** Where deliveries are POSTed. */
  targetUrl: string;
  /** The resource it hears, such as `messages`, `memberships` or `all`. */
  resource: string;
  /** The event it hears, such as `created`, `deleted` or `all`. */
  event: string;
  /** Its filter, such as `roomId=...`. */
  filter?: string;
  /** The secret that signs its deliveries, when it has one; never in a delivery. */
  secret?: string;
  /** The owner's organisation; sent by the real service, not in the schema. */
  orgId: string;
  /** The owner's id, unpadded; sent by the real service, not in the schema. */
  createdBy: string;
  /** The id of the application; sent by the real service, not in the schema. */
  appId: string;
  /** Who owns it: always `creator` in the fake. */
  ownedBy: "creator";
  /** `inactive` after repeated failed deliveries; `PUT` can set `active` again. */
  status: "active" | "inactive";
  /** When the webhook was created (ISO 8601). */
  created: string;
};

/**
 * The body of a webhook delivery, as a receiver parses it from
 * `FakeDelivery.body`: the webhook's fields, what happened, and `data`.
 */
export interface FakeWebhookEvent
  extends Omit<FakeWebhook, "resource" | "event" | "secret"> {
  /** The resource of the event (not the webhook's own, which may be `all`). */
  resource: "messages" | "memberships" | "attachmentActions";
  /** What happened to it. */
  event: "created" | "updated" | "deleted";
  /** Who caused the event, unpadded. */
  actorId: string;
  /**
   * For `messages`, the message without its content (`text`, `markdown` and
   * `html` must be fetched); for `memberships`, the membership; for
   * `attachmentActions`, the action without its `inputs` (fetch them).
   */
  data:
    | FakeMessageEventData
    | FakeMembership
    | FakeAttachmentActionEventData;
}

/**
 * The JSON shapes Webex answers with, as the official OpenAPI description
 * of the messaging API names their fields (`webex-messaging.json`: the
 * schemas `Person`, `Room`, `Membership`, `Message`/`ListMessage`,
 * `Webhook`, `Team`, `AttachmentActivity`). Only `id` is certain; every other field may be
 * missing, so code reading them stays defensive.
 *
 * These are type aliases rather than interfaces so that a value of them is
 * still a `Record<string, unknown>`, as the `raw` field of events expects.
 *
 * @module
 */

/** `GET /people/me`, `GET /people/{personId}`. */
export type WebexPerson = {
  id: string;
  emails?: string[];
  displayName?: string;
  nickName?: string;
  firstName?: string;
  lastName?: string;
  avatar?: string;
  orgId?: string;
  created?: string;
  lastModified?: string;
  lastActivity?: string;
  status?: string;
  /** `person`, `bot` or `appuser`. */
  type?: "person" | "bot" | "appuser";
};

/** `GET /rooms/{roomId}`, an item of `GET /rooms`. */
export type WebexRoom = {
  id: string;
  title?: string;
  type?: "direct" | "group";
  /** The room is moderated. */
  isLocked?: boolean;
  teamId?: string;
  lastActivity?: string;
  creatorId?: string;
  created?: string;
  ownerId?: string;
  isAnnouncementOnly?: boolean;
  isReadOnly?: boolean;
  isPublic?: boolean;
  description?: string;
};

/** `POST /memberships`, an item of `GET /memberships`, a membership delivery's `data`. */
export type WebexMembership = {
  id: string;
  roomId?: string;
  personId?: string;
  personEmail?: string;
  personDisplayName?: string;
  personOrgId?: string;
  isModerator?: boolean;
  isRoomHidden?: boolean;
  roomType?: "direct" | "group";
  isMonitor?: boolean;
  created?: string;
};

/** `GET /messages/{messageId}`, an item of `GET /messages`, `POST /messages`. */
export type WebexMessage = {
  id: string;
  /** Set when the message replies in a thread. */
  parentId?: string;
  roomId?: string;
  roomType?: "direct" | "group";
  toPersonId?: string;
  toPersonEmail?: string;
  text?: string;
  markdown?: string;
  /** Rendered by Webex from the markdown; read-only. */
  html?: string;
  /** Content URLs of the attached files (one at most is posted). */
  files?: string[];
  attachments?: unknown[];
  personId?: string;
  personEmail?: string;
  mentionedPeople?: string[];
  mentionedGroups?: string[];
  created?: string;
  updated?: string;
  isVoiceClip?: boolean;
};

/** `GET /attachment/actions/{id}`: a card submission. */
export type WebexAttachmentAction = {
  id: string;
  /** `submit`. */
  type?: string;
  /** The message that carries the card. */
  messageId?: string;
  /** The submitted values, by input id, with the button's `data`. */
  inputs?: Record<string, unknown>;
  personId?: string;
  roomId?: string;
  created?: string;
};

/** The resources a webhook can watch, of those this library registers. */
export type WebexHookResource =
  | "messages"
  | "memberships"
  | "attachmentActions";

/** `GET /webhooks/{webhookId}`, an item of `GET /webhooks`. */
export type WebexWebhook = {
  id: string;
  name?: string;
  targetUrl?: string;
  resource?: string;
  event?: string;
  filter?: string;
  secret?: string;
  /** `inactive` after repeated failed deliveries. */
  status?: "active" | "inactive";
  created?: string;
  ownedBy?: string;
};

/** `POST /teams`, an item of `GET /teams`. */
export type WebexTeam = {
  id: string;
  name?: string;
  description?: string;
  created?: string;
};

/** One page of a list endpoint; the next page is the `Link` header's `rel="next"`. */
export type WebexListPage<T> = { items: T[] };

/**
 * What Webex POSTs to a webhook's `targetUrl`: the webhook's own fields and
 * `data`, which holds ids only for messages (fetch the text with
 * `GET /messages/{data.id}`) and the membership itself for memberships.
 */
export type WebexWebhookEnvelope<Data = Record<string, unknown>> = {
  id?: string;
  name?: string;
  targetUrl?: string;
  resource?: string;
  event?: string;
  filter?: string;
  orgId?: string;
  createdBy?: string;
  appId?: string;
  ownedBy?: string;
  status?: string;
  created?: string;
  actorId?: string;
  data: Data;
};

/** The `data` of a `messages`/`created` delivery: ids only. */
export type WebexMessageData = {
  id: string;
  roomId?: string;
  roomType?: "direct" | "group";
  personId?: string;
  personEmail?: string;
  created?: string;
};

/** Options of every call of the API layer. */
export type CallOptions = {
  /** Cancels the request, its retries and the waits between them. */
  signal?: AbortSignal;
};

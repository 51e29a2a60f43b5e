/**
 * Messages: `/messages` and `/messages/{messageId}`.
 *
 * @module
 */

import type { WebexClient, WebexRequestOptions } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexMessage } from "./types.ts";

/** Query of `GET /messages`. */
export type ListMessagesQuery = {
  roomId: string;
  /** `me`: only the messages that mention the token's owner; a bot needs it in group rooms. */
  mentionedPeople?: string;
  parentId?: string;
  before?: string;
  beforeMessage?: string;
  /** Page size. @default 50 */
  max?: number;
};

/** The messages of a room, newest first, page by page (`GET /messages`). */
export function listMessages(
  client: WebexClient,
  query: ListMessagesQuery,
  options: CallOptions = {},
): AsyncIterable<WebexMessage> {
  return client.list<WebexMessage>("/messages", {
    query: { ...query, max: query.max ?? 50 },
    signal: options.signal,
  });
}

/** One message with its text (`GET /messages/{messageId}`). */
export function getMessage(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<WebexMessage> {
  return client.get<WebexMessage>(itemPath("messages", id), {
    signal: options.signal,
  });
}

/**
 * Posts a message (`POST /messages`): a JSON body, or a multipart upload,
 * as `outgoingMessage` builds it.
 */
export function createMessage(
  client: WebexClient,
  request: WebexRequestOptions,
): Promise<WebexMessage> {
  return client.json<WebexMessage>("POST", "/messages", request);
}

/** Body of `PUT /messages/{messageId}`: the room, and the new text or markdown. */
export type UpdateMessageBody = {
  roomId: string;
  text?: string;
  markdown?: string;
};

/**
 * Edits a message the token's owner posted (`PUT /messages/{messageId}`);
 * Webex refuses a message with files or cards, and an eleventh edit.
 */
export function updateMessage(
  client: WebexClient,
  id: string,
  body: UpdateMessageBody,
  options: CallOptions = {},
): Promise<WebexMessage> {
  return client.put<WebexMessage>(itemPath("messages", id), body, {
    signal: options.signal,
  });
}

/** Deletes a message (`DELETE /messages/{messageId}`). */
export function deleteMessage(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<void> {
  return client.delete(itemPath("messages", id), { signal: options.signal });
}

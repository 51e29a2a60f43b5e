/**
 * Edits and deletes of messages, by the API or by a simulated user, with
 * their `messages`/`updated` and `messages`/`deleted` events.
 *
 * @module
 */

import { deleteContents } from "./_contents.ts";
import { HttpError, MESSAGES } from "./_http.ts";
import { MAX_EDITS_PER_MESSAGE } from "./_limits.ts";
import { checkSizes, messageJson, renderContent } from "./_message_create.ts";
import type { MessageRecord, PersonRecord, State } from "./_state.ts";

/** What an edit gives: the room (which cannot change) and the new content. */
export interface EditInput {
  roomId?: string;
  text?: string;
  markdown?: string;
}

/** A message the caller can see, or 404. */
export function visibleMessage(
  state: State,
  id: string | undefined,
  caller: PersonRecord,
): MessageRecord {
  const message = state.find(state.messages, "MESSAGE", id);
  if (message.deleted || !state.membership(message.roomUuid, caller.uuid)) {
    throw new HttpError(404, MESSAGES.notFound);
  }
  return message;
}

/**
 * Edits a message as `PUT /messages/{id}` does: only its author, in its own
 * room, at most 10 times, never a message with a file or a card, and with
 * the same kind of content (markdown for a markdown message, text for a
 * text one). An edit in text keeps the mentions a Webex client put first.
 */
export function editMessage(
  state: State,
  caller: PersonRecord,
  message: MessageRecord,
  input: EditInput,
): MessageRecord {
  if (message.personUuid !== caller.uuid) {
    throw new HttpError(403, "Only the author can edit a message.");
  }
  const room = state.rooms.get(message.roomUuid)!;
  if (!input.roomId) throw new HttpError(400, "Field 'roomId' is required.");
  if (state.find(state.rooms, "ROOM", input.roomId) !== room) {
    throw new HttpError(
      400,
      "Field 'roomId' must be the room of the message: a message cannot move.",
    );
  }
  if (input.text === undefined && input.markdown === undefined) {
    throw new HttpError(400, "An edit needs text or markdown.");
  }
  checkSizes(input);
  if (message.files?.length || message.attachments?.length) {
    throw new HttpError(
      400,
      "Editing a message with files or attachments is not supported.",
    );
  }
  if (message.edits >= MAX_EDITS_PER_MESSAGE) {
    throw new HttpError(
      400,
      `The message has reached the limit of ${MAX_EDITS_PER_MESSAGE} edits.`,
    );
  }
  const wasMarkdown = message.markdown !== undefined;
  if (wasMarkdown !== (input.markdown !== undefined)) {
    throw new HttpError(
      400,
      `An edit must have the same kind of content as the message: ${
        wasMarkdown ? "markdown" : "text, without markdown"
      }.`,
    );
  }
  const keptMentions = wasMarkdown
    ? []
    : message.mentioned.map((uuid) => state.people.get(uuid)!);
  const content = renderContent(state, { ...input, mentions: keptMentions });
  delete message.text;
  delete message.markdown;
  delete message.html;
  Object.assign(message, {
    ...(content.text !== undefined ? { text: content.text } : {}),
    ...(content.markdown !== undefined ? { markdown: content.markdown } : {}),
    ...(content.html !== undefined ? { html: content.html } : {}),
  });
  message.mentioned = [
    ...new Set(content.mentioned.map((person) => person.uuid)),
  ];
  message.edits++;
  message.updated = state.now();
  state.emit({
    resource: "messages",
    event: "updated",
    actorUuid: caller.uuid,
    roomUuid: message.roomUuid,
    data: messageJson(state, message),
  });
  return message;
}

/**
 * Deletes a message as `DELETE /messages/{id}` does: its author, or a
 * moderator of a moderated room. Its files go with it.
 */
export function deleteMessage(
  state: State,
  caller: PersonRecord,
  message: MessageRecord,
): void {
  const room = state.rooms.get(message.roomUuid)!;
  const isModerator = room.isLocked &&
    state.membership(room.uuid, caller.uuid)?.isModerator;
  if (message.personUuid !== caller.uuid && !isModerator) {
    throw new HttpError(
      403,
      "Only the author or a moderator can delete a message.",
    );
  }
  // The event is rendered before the message goes: its room and author stay.
  const data = messageJson(state, message);
  message.deleted = true;
  deleteContents(state, message.files);
  state.emit({
    resource: "messages",
    event: "deleted",
    actorUuid: caller.uuid,
    roomUuid: message.roomUuid,
    data,
  });
}

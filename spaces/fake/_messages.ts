/**
 * Messages: how they are listed, and the `/messages` endpoints.
 *
 * @module
 */

import {
  HttpError,
  json,
  nextLink,
  noContent,
  optionalString,
  parseMax,
  readJsonObject,
} from "./_http.ts";
import {
  deleteMessage,
  editMessage,
  visibleMessage,
} from "./_message_edits.ts";
import { createMessage, messageJson } from "./_message_create.ts";
import { readMessageInput } from "./_message_input.ts";
import { fetchUrlFile } from "./_file_url.ts";
import type { Handler } from "./_router.ts";
import type { MessageRecord } from "./_state.ts";
import { parseFakeWebexId } from "./ids.ts";

/** The `/messages` endpoints. */
export const messageRoutes: Record<string, Handler> = {
  "GET /messages": ({ state, url, caller }) => {
    const roomId = url.searchParams.get("roomId");
    if (!roomId) {
      throw new HttpError(
        400,
        "The roomId parameter is required to list messages.",
      );
    }
    const room = state.memberRoom(roomId, caller);
    const mentionedPeople = url.searchParams.get("mentionedPeople");
    if (
      mentionedPeople && mentionedPeople !== "me" &&
      parseFakeWebexId(mentionedPeople)?.uuid !== caller.uuid
    ) {
      throw new HttpError(
        400,
        "Only 'me' or the caller's own person id can be given as mentionedPeople.",
      );
    }
    if (caller.type === "bot" && room.type === "group" && !mentionedPeople) {
      throw new HttpError(
        403,
        "A bot can list the messages of a group room only with mentionedPeople=me.",
      );
    }
    const max = parseMax(url, 50, mentionedPeople ? 100 : 1000);
    const list = state.roomMessages.get(room.uuid)!;
    let start = list.length - 1;
    const beforeMessage = url.searchParams.get("beforeMessage");
    if (beforeMessage) {
      const anchor = state.messages.get(
        parseFakeWebexId(beforeMessage)?.uuid ?? "",
      );
      if (!anchor || anchor.roomUuid !== room.uuid) {
        throw new HttpError(
          400,
          `The beforeMessage '${beforeMessage}' is not a message of this room.`,
        );
      }
      start = anchor.index - 1;
    }
    const beforeParam = url.searchParams.get("before");
    const before = beforeParam ? Date.parse(beforeParam) : Infinity;
    if (Number.isNaN(before)) {
      throw new HttpError(
        400,
        `The before parameter is not a date: '${beforeParam}'.`,
      );
    }
    const parentParam = url.searchParams.get("parentId");
    const parentUuid = parentParam
      ? parseFakeWebexId(parentParam)?.uuid ?? ""
      : undefined;
    const wanted = (message: MessageRecord) =>
      !message.deleted && Date.parse(message.created) < before &&
      (!mentionedPeople || message.mentioned.includes(caller.uuid)) &&
      (parentUuid === undefined || message.parentUuid === parentUuid);
    const items: MessageRecord[] = [];
    let more = false;
    for (let index = start; index >= 0; index--) {
      if (!wanted(list[index])) continue;
      if (items.length === max) {
        more = true;
        break;
      }
      items.push(list[index]);
    }
    const headers: Record<string, string> = more
      ? { link: nextLink(url, { beforeMessage: items[items.length - 1].id }) }
      : {};
    return json(
      { items: items.map((message) => messageJson(state, message)) },
      200,
      headers,
    );
  },
  "POST /messages": async ({ state, request, caller }) => {
    const input = await readMessageInput(request);
    // A card with a file is refused before anything is fetched.
    if (input.file && "url" in input.file && !input.attachments) {
      input.file = await fetchUrlFile(input.file.url, request.signal);
    }
    const message = createMessage(state, caller, input);
    return json({
      ...messageJson(state, message),
      ...(input.toPersonEmail ? { toPersonEmail: input.toPersonEmail } : {}),
      ...(input.toPersonId ? { toPersonId: input.toPersonId } : {}),
    });
  },
  "GET /messages/{id}": ({ state, id, caller }) =>
    json(messageJson(state, visibleMessage(state, id, caller))),
  "PUT /messages/{id}": async ({ state, request, id, caller }) => {
    const message = visibleMessage(state, id, caller);
    const body = await readJsonObject(request);
    const input = {
      roomId: optionalString(body, "roomId"),
      text: optionalString(body, "text"),
      markdown: optionalString(body, "markdown"),
    };
    if (body.html !== undefined) {
      throw new HttpError(
        400,
        "An edit cannot set 'html': remove it from the body.",
      );
    }
    return json(messageJson(state, editMessage(state, caller, message, input)));
  },
  "DELETE /messages/{id}": ({ state, id, caller }) => {
    deleteMessage(state, caller, visibleMessage(state, id, caller));
    return noContent();
  },
};

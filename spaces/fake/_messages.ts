/**
 * Messages: how they are made (by the API or by a simulated user), rendered
 * and listed, and the `/messages` endpoints.
 *
 * @module
 */

import {
  contentUrl,
  deleteContents,
  storeContent,
  typeOfName,
} from "./_contents.ts";
import {
  HttpError,
  json,
  MESSAGES,
  nextLink,
  noContent,
  parseMax,
} from "./_http.ts";
import { escapeHtml, mentionTag, renderMarkdown } from "./_markdown.ts";
import { type MessageInput, readMessageInput } from "./_message_input.ts";
import { directRoom } from "./_rooms.ts";
import type { Handler } from "./_router.ts";
import type {
  MessageRecord,
  PersonRecord,
  RoomRecord,
  State,
} from "./_state.ts";
import { fakeWebexId, parseFakeWebexId } from "./ids.ts";
import { MAX_TEXT_BYTES } from "./_limits.ts";
import type { FakeMessage } from "./webex_types.ts";

const encoder = new TextEncoder();

/** The message as the API renders it. */
export function messageJson(
  state: State,
  message: MessageRecord,
): FakeMessage {
  const room = state.rooms.get(message.roomUuid);
  const person = state.people.get(message.personUuid)!;
  return {
    id: message.id,
    ...(message.parentUuid
      ? { parentId: fakeWebexId("MESSAGE", message.parentUuid) }
      : {}),
    roomId: room?.id ?? fakeWebexId("ROOM", message.roomUuid),
    roomType: room?.type ?? "group",
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.markdown !== undefined ? { markdown: message.markdown } : {}),
    ...(message.html !== undefined ? { html: message.html } : {}),
    ...(message.files ? { files: [...message.files] } : {}),
    personId: state.personRef(person.uuid),
    personEmail: person.emails[0],
    ...(message.mentioned.length > 0
      ? {
        mentionedPeople: message.mentioned.map((uuid) => state.personRef(uuid)),
      }
      : {}),
    created: message.created,
  };
}

function checkSize(name: string, value: string | undefined): void {
  if (value !== undefined && encoder.encode(value).length > MAX_TEXT_BYTES) {
    throw new HttpError(
      400,
      `The message ${name} is longer than the maximum of ${MAX_TEXT_BYTES} bytes.`,
    );
  }
}

function destination(
  state: State,
  sender: PersonRecord,
  input: MessageInput,
): RoomRecord {
  const given = [input.roomId, input.toPersonEmail, input.toPersonId].filter((
    value,
  ) => value !== undefined);
  if (given.length !== 1) {
    throw new HttpError(
      400,
      "Message destination could not be determined. Provide only one destination in the roomId, toPersonEmail, or toPersonId field",
    );
  }
  if (input.roomId) return state.memberRoom(input.roomId, sender);
  const target = input.toPersonEmail
    ? state.lookupPerson(input.toPersonEmail)
    : state.find(state.people, "PEOPLE", input.toPersonId);
  if (!target) {
    throw new HttpError(404, `No person is known by '${input.toPersonEmail}'.`);
  }
  return directRoom(state, sender, target);
}

/** Creates a message from `sender`, as `POST /messages` does, and tells listeners. */
export function createMessage(
  state: State,
  sender: PersonRecord,
  input: MessageInput,
): MessageRecord {
  checkSize("text", input.text);
  checkSize("markdown", input.markdown);
  if (input.text === undefined && input.markdown === undefined && !input.file) {
    throw new HttpError(400, "A message needs text, markdown or a file.");
  }
  const room = destination(state, sender, input);
  const roomMessages = state.roomMessages.get(room.uuid)!;
  let parentUuid: string | undefined;
  if (input.parentId) {
    const parent = state.messages.get(
      parseFakeWebexId(input.parentId)?.uuid ?? "",
    );
    if (
      !parent || parent.deleted || parent.roomUuid !== room.uuid ||
      parent.parentUuid
    ) {
      throw new HttpError(
        400,
        "The parentId must be a message of the same room that is not itself a reply.",
      );
    }
    parentUuid = parent.uuid;
  }
  const mentions = input.mentions ?? [];
  const lookup = (key: string) => state.lookupPerson(key);
  const ref = (person: PersonRecord) => state.personRef(person.uuid);
  let { text, markdown } = input;
  let html: string | undefined;
  let mentioned: PersonRecord[] = [];
  if (markdown !== undefined) {
    markdown = [
      ...mentions.map((person) =>
        `<@personId:${ref(person)}|${person.displayName}>`
      ),
      markdown,
    ].join(" ");
    const rendered = renderMarkdown(markdown, lookup, ref);
    html = rendered.html;
    mentioned = rendered.mentioned;
    text = input.text !== undefined && mentions.length === 0
      ? input.text
      : rendered.text;
  } else if (text !== undefined && mentions.length > 0) {
    const tags = mentions.map((person) =>
      mentionTag(ref(person), person.displayName)
    );
    html = `<p>${[...tags, escapeHtml(text)].join(" ")}</p>`;
    text = [...mentions.map((person) => person.displayName), text].join(" ");
    mentioned = mentions;
  }
  let files: string[] | undefined;
  if (input.file) {
    const file = "url" in input.file
      ? {
        name: nameOfUrl(input.file.url),
        type: typeOfName(nameOfUrl(input.file.url)),
        chunks: [],
        size: 0,
      }
      : input.file;
    files = [
      contentUrl(state, storeContent(state, { ...file, roomUuid: room.uuid })),
    ];
  }
  const uuid = crypto.randomUUID();
  const message: MessageRecord = {
    uuid,
    id: fakeWebexId("MESSAGE", uuid),
    roomUuid: room.uuid,
    personUuid: sender.uuid,
    ...(text !== undefined ? { text } : {}),
    ...(markdown !== undefined ? { markdown } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(files ? { files } : {}),
    mentioned: [...new Set(mentioned.map((person) => person.uuid))],
    ...(parentUuid ? { parentUuid } : {}),
    created: state.now(),
    index: roomMessages.length,
    deleted: false,
  };
  state.messages.set(uuid, message);
  roomMessages.push(message);
  room.lastActivity = message.created;
  room.activitySeq = state.nextSeq();
  state.emit({
    resource: "messages",
    event: "created",
    actorUuid: sender.uuid,
    roomUuid: room.uuid,
    data: messageJson(state, message),
  });
  return message;
}

function nameOfUrl(url: string): string {
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last) || "file";
  } catch {
    return last || "file";
  }
}

function visibleMessage(
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
    const message = createMessage(state, caller, input);
    return json({
      ...messageJson(state, message),
      ...(input.toPersonEmail ? { toPersonEmail: input.toPersonEmail } : {}),
      ...(input.toPersonId ? { toPersonId: input.toPersonId } : {}),
    });
  },
  "GET /messages/{id}": ({ state, id, caller }) =>
    json(messageJson(state, visibleMessage(state, id, caller))),
  "DELETE /messages/{id}": ({ state, id, caller }) => {
    const message = visibleMessage(state, id, caller);
    const room = state.rooms.get(message.roomUuid)!;
    const isModerator = room.isLocked &&
      state.membership(room.uuid, caller.uuid)?.isModerator;
    if (message.personUuid !== caller.uuid && !isModerator) {
      throw new HttpError(
        403,
        "Only the author or a moderator can delete a message.",
      );
    }
    message.deleted = true;
    deleteContents(state, message.files);
    return noContent();
  },
};

/**
 * How messages are made (by the API or by a simulated user) and rendered.
 *
 * @module
 */

import { contentUrl, storeContent } from "./_contents.ts";
import { HttpError } from "./_http.ts";
import { escapeHtml, mentionTag, renderMarkdown } from "./_markdown.ts";
import type { MessageInput } from "./_message_input.ts";
import { directRoom } from "./_rooms.ts";
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
    ...(message.attachments
      ? { attachments: structuredClone(message.attachments) }
      : {}),
    personId: state.personRef(person.uuid),
    personEmail: person.emails[0],
    ...(message.mentioned.length > 0
      ? {
        mentionedPeople: message.mentioned.map((uuid) => state.personRef(uuid)),
      }
      : {}),
    created: message.created,
    ...(message.updated ? { updated: message.updated } : {}),
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

/** A message's text forms and the people it mentions. */
export interface Content {
  text?: string;
  markdown?: string;
  html?: string;
  mentioned: PersonRecord[];
}

/**
 * Renders what a message says: `html` from markdown, or from the mentions a
 * simulated user puts first (then `text` begins with their names).
 */
export function renderContent(
  state: State,
  input: { text?: string; markdown?: string; mentions?: PersonRecord[] },
): Content {
  const mentions = input.mentions ?? [];
  const lookup = (key: string) => state.lookupPerson(key);
  const ref = (person: PersonRecord) => state.personRef(person.uuid);
  const { text } = input;
  if (input.markdown !== undefined) {
    const markdown = [
      ...mentions.map((person) =>
        `<@personId:${ref(person)}|${person.displayName}>`
      ),
      input.markdown,
    ].join(" ");
    const rendered = renderMarkdown(markdown, lookup, ref);
    return {
      text: text !== undefined && mentions.length === 0 ? text : rendered.text,
      markdown,
      html: rendered.html,
      mentioned: rendered.mentioned,
    };
  }
  if (text !== undefined && mentions.length > 0) {
    const tags = mentions.map((person) =>
      mentionTag(ref(person), person.displayName)
    );
    return {
      text: [...mentions.map((person) => person.displayName), text].join(" "),
      html: `<p>${[...tags, escapeHtml(text)].join(" ")}</p>`,
      mentioned: mentions,
    };
  }
  return { ...(text !== undefined ? { text } : {}), mentioned: [] };
}

/** Checks the sizes of `text` and `markdown`. */
export function checkSizes(input: { text?: string; markdown?: string }): void {
  checkSize("text", input.text);
  checkSize("markdown", input.markdown);
}

/** Creates a message from `sender`, as `POST /messages` does, and tells listeners. */
export function createMessage(
  state: State,
  sender: PersonRecord,
  input: MessageInput,
): MessageRecord {
  checkSizes(input);
  if (
    input.text === undefined && input.markdown === undefined && !input.file &&
    !input.attachments
  ) {
    throw new HttpError(
      400,
      "A message needs text, markdown, a file or a card attachment.",
    );
  }
  if (input.file && input.attachments) {
    throw new HttpError(
      400,
      "A message cannot carry both files and a card attachment.",
    );
  }
  const room = destination(state, sender, input);
  const roomMessages = state.roomMessages.get(room.uuid)!;
  const parentUuid = input.parentId
    ? threadParent(state, room, input.parentId).uuid
    : undefined;
  const { text, markdown, html, mentioned } = renderContent(state, input);
  let files: string[] | undefined;
  if (input.file) {
    const file = input.file;
    if ("url" in file) {
      // POST /messages fetches it first (see _file_url.ts).
      throw new Error("A file URL must be fetched before the message is made");
    }
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
    ...(input.attachments ? { attachments: input.attachments } : {}),
    mentioned: [...new Set(mentioned.map((person) => person.uuid))],
    ...(parentUuid ? { parentUuid } : {}),
    created: state.now(),
    edits: 0,
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

/** The message a reply answers; threads are one level deep, in one room. */
function threadParent(
  state: State,
  room: RoomRecord,
  parentId: string,
): MessageRecord {
  const parent = state.messages.get(parseFakeWebexId(parentId)?.uuid ?? "");
  if (!parent || parent.deleted) {
    throw new HttpError(
      400,
      `Invalid parentId '${parentId}': no such message.`,
    );
  }
  if (parent.roomUuid !== room.uuid) {
    throw new HttpError(
      400,
      "Invalid parentId: the parent message is in another room.",
    );
  }
  if (parent.parentUuid) {
    throw new HttpError(
      400,
      "Invalid parentId: the parent message is itself a reply; threads are one level deep.",
    );
  }
  return parent;
}

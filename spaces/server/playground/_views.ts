/**
 * What the page reads: the people, the rooms with their members, and a
 * room's messages with their authors, files and cards, from the fake's
 * views.
 *
 * @module
 */

import type { FakePerson, FakeWebex } from "../../../testing.ts";

/** A person as the page shows them. */
export interface PersonView {
  id: string;
  name: string;
  email: string;
  isBot: boolean;
}

/** A room as the page lists it. */
export interface RoomView {
  /** The room id, or `direct:<personId>` for a direct room not opened yet. */
  id: string;
  title: string;
  type: "group" | "direct";
  /** For a direct room: the person who talks with the bot. */
  personId?: string;
  members: PersonView[];
}

/** A file of a message. */
export interface FileView {
  id: string;
  name: string;
  type: string;
  size: number;
}

/** A message as the page shows it. */
export interface MessageView {
  id: string;
  parentId?: string;
  author: PersonView;
  created: string;
  updated?: string;
  text: string;
  html?: string;
  files: FileView[];
  card?: Record<string, unknown>;
}

/** The people of the playground and the room of the bot. */
export interface World {
  webex: FakeWebex;
  people: FakePerson[];
}

/** The prefix of a direct room that exists only once its first message is sent. */
export const DIRECT_PREFIX = "direct:";

export function personView(webex: FakeWebex, id: string): PersonView {
  const person = webex.findPerson(id);
  return {
    id: person?.id ?? id,
    name: person?.displayName ?? "(unknown)",
    email: person?.emails[0] ?? "",
    isBot: person?.type === "bot",
  };
}

/** The direct room of a person with the bot, when it exists. */
export function directRoomOf(
  world: World,
  personId: string,
): string | undefined {
  const { webex } = world;
  const email = webex.findPerson(personId)?.emails[0];
  return webex.rooms().find((room) =>
    room.type === "direct" &&
    webex.memberships(room.id).some((member) => member.personEmail === email)
  )?.id;
}

/** Every group room, then a direct room with the bot for each person. */
export function roomViews(world: World): RoomView[] {
  const { webex } = world;
  const members = (roomId: string) =>
    webex.memberships(roomId).map((member) =>
      personView(webex, member.personId)
    );
  const groups: RoomView[] = webex.rooms().filter((room) =>
    room.type === "group"
  ).map((room) => ({
    id: room.id,
    title: room.title,
    type: "group",
    members: members(room.id),
  }));
  const directs: RoomView[] = world.people.map((person) => {
    const id = directRoomOf(world, person.id);
    return {
      id: id ?? DIRECT_PREFIX + person.id,
      title: `${person.displayName} & ${webex.bot.displayName}`,
      type: "direct",
      personId: person.id,
      members: id ? members(id) : [
        personView(webex, webex.bot.id),
        personView(webex, person.id),
      ],
    };
  });
  return [...groups, ...directs];
}

/** A room's messages, oldest first, as the page shows them. */
export function messageViews(world: World, roomId: string): MessageView[] {
  if (roomId.startsWith(DIRECT_PREFIX)) return [];
  const { webex } = world;
  return webex.messages(roomId).map((message) => ({
    id: message.id,
    ...(message.parentId ? { parentId: message.parentId } : {}),
    author: personView(webex, message.personId),
    created: message.created,
    ...(message.updated ? { updated: message.updated } : {}),
    text: message.text ?? "",
    ...(message.html ? { html: message.html } : {}),
    files: (message.files ?? []).flatMap((url) => {
      const content = webex.content(url);
      return content
        ? [{
          id: content.id,
          name: content.name,
          type: content.type,
          size: content.size,
        }]
        : [];
    }),
    ...(message.attachments?.[0]
      ? { card: message.attachments[0].content }
      : {}),
  }));
}

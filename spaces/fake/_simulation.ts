/**
 * What `FakeWebex`'s test helpers do: build rooms and teams, and act as
 * simulated users, through the same code as the API so that webhooks hear
 * it.
 *
 * @module
 */

import { contentUrl, storeContent, typeOfName } from "./_contents.ts";
import { readAttachments } from "./_cards.ts";
import { helper, type Internals, personOf } from "./_internals.ts";
import {
  addMembership,
  membershipJson,
  removeMembership,
} from "./_memberships.ts";
import { actionJson, createAction } from "./_actions.ts";
import { createMessage, messageJson } from "./_message_create.ts";
import {
  deleteMessage,
  editMessage,
  visibleMessage,
} from "./_message_edits.ts";
import { createRoom, roomJson } from "./_rooms.ts";
import { createTeam, teamJson } from "./_teams.ts";
import type {
  AddRoomInit,
  PersonRef,
  SimulatedAction,
  SimulatedDelete,
  SimulatedEdit,
  SimulatedMembership,
  SimulatedMessage,
} from "./types.ts";
import type {
  FakeAttachmentAction,
  FakeMembership,
  FakeMessage,
  FakeRoom,
  FakeTeam,
} from "./webex_types.ts";

/** A file a test hands in. */
export interface FileInit {
  name: string;
  type?: string;
  bytes: Uint8Array;
}

/** Adds a team, with its general room. */
export function addTeam(
  internals: Internals,
  init: { name: string; creator?: PersonRef },
): FakeTeam {
  const { state, bot } = internals;
  const creator = init.creator ? personOf(internals, init.creator) : bot;
  return teamJson(state, createTeam(state, { name: init.name, creator }));
}

/** Adds a group room with its members and moderators. */
export function addRoom(internals: Internals, init: AddRoomInit): FakeRoom {
  return helper("Cannot add a room", () => {
    const { state, bot } = internals;
    const botIsMember = init.botIsMember ?? true;
    const members = (init.members ?? []).map((ref) =>
      personOf(internals, ref, true)
    );
    const moderators = (init.moderators ?? []).map((ref) =>
      personOf(internals, ref, true)
    );
    const creator = init.creator
      ? personOf(internals, init.creator)
      : botIsMember
      ? bot
      : moderators[0] ?? members[0];
    if (!creator) {
      throw new TypeError(
        "Cannot add a room: give a creator or a member when the bot is not one",
      );
    }
    const team = init.teamId
      ? state.find(state.teams, "TEAM", init.teamId)
      : undefined;
    const isLocked = init.isLocked ?? moderators.length > 0;
    const room = createRoom(state, {
      title: init.title,
      teamUuid: team?.uuid,
      isLocked,
      creator,
    });
    const everyone = [...(botIsMember ? [bot] : []), ...members, ...moderators];
    for (const person of everyone) {
      const isModerator = moderators.includes(person);
      const existing = state.membership(room.uuid, person.uuid);
      if (!existing) addMembership(state, room, person, isModerator, creator);
      else if (isModerator) existing.isModerator = true;
    }
    return roomJson(state, room, bot);
  });
}

/** Posts a message as a simulated user. */
export function simulateMessage(
  internals: Internals,
  init: SimulatedMessage,
): FakeMessage {
  return helper("Cannot simulate a message", () => {
    const { state } = internals;
    const from = personOf(internals, init.from);
    const file = init.file && {
      name: init.file.name,
      type: init.file.type ?? typeOfName(init.file.name),
      chunks: [init.file.bytes.slice()],
      size: init.file.bytes.length,
    };
    const message = createMessage(state, from, {
      ...(init.roomId !== undefined ? { roomId: init.roomId } : {}),
      ...(init.toPersonEmail !== undefined
        ? { toPersonEmail: init.toPersonEmail }
        : {}),
      ...(init.toPersonId !== undefined ? { toPersonId: init.toPersonId } : {}),
      ...(init.text !== undefined ? { text: init.text } : {}),
      ...(init.markdown !== undefined ? { markdown: init.markdown } : {}),
      ...(init.parentId !== undefined ? { parentId: init.parentId } : {}),
      ...(file ? { file } : {}),
      ...(init.attachments
        ? { attachments: readAttachments(init.attachments) }
        : {}),
      mentions: (init.mentions ?? []).map((ref) => personOf(internals, ref)),
    });
    return messageJson(state, message);
  });
}

/** Puts a person in a group room. */
export function simulateJoin(
  internals: Internals,
  init: SimulatedMembership,
): FakeMembership {
  return helper("Cannot simulate a join", () => {
    const { state } = internals;
    const person = personOf(internals, init.person, true);
    const room = state.find(state.rooms, "ROOM", init.roomId);
    if (room.type === "direct") {
      throw new TypeError(
        "Cannot simulate a join: the members of a direct room cannot change",
      );
    }
    const by = init.by ? personOf(internals, init.by) : person;
    const membership = addMembership(
      state,
      room,
      person,
      init.isModerator ?? false,
      by,
    );
    return membershipJson(state, membership);
  });
}

/** Takes a person out of a group room. */
export function simulateLeave(
  internals: Internals,
  init: SimulatedMembership,
): FakeMembership {
  return helper("Cannot simulate a leave", () => {
    const { state } = internals;
    const person = personOf(internals, init.person);
    const room = state.find(state.rooms, "ROOM", init.roomId);
    if (room.type === "direct") {
      throw new TypeError(
        "Cannot simulate a leave: the members of a direct room cannot change",
      );
    }
    const membership = state.membership(room.uuid, person.uuid);
    if (!membership) {
      throw new TypeError(
        `Cannot simulate a leave: ${person.displayName} is not a member of '${room.title}'`,
      );
    }
    const data = membershipJson(state, membership);
    removeMembership(
      state,
      membership,
      init.by ? personOf(internals, init.by) : person,
    );
    return data;
  });
}

/** Stores a file in a room without a message; returns its content URL. */
export function addContent(
  internals: Internals,
  roomId: string,
  file: FileInit,
): string {
  const { state } = internals;
  const room = helper(
    "Cannot add a content",
    () => state.find(state.rooms, "ROOM", roomId),
  );
  const content = storeContent(state, {
    name: file.name,
    type: file.type ?? typeOfName(file.name),
    chunks: [file.bytes.slice()],
    size: file.bytes.length,
    roomUuid: room.uuid,
  });
  return contentUrl(state, content);
}

/** Submits a card as a simulated user. */
export function simulateAction(
  internals: Internals,
  init: SimulatedAction,
): FakeAttachmentAction {
  return helper("Cannot simulate an action", () => {
    const { state } = internals;
    const from = personOf(internals, init.from);
    const action = createAction(state, from, {
      type: "submit",
      messageId: init.messageId,
      inputs: init.inputs ?? {},
    });
    return actionJson(state, action);
  });
}

/** Edits a message as its author, from a Webex client. */
export function simulateEdit(
  internals: Internals,
  init: SimulatedEdit,
): FakeMessage {
  return helper("Cannot simulate an edit", () => {
    const { state } = internals;
    const from = personOf(internals, init.from);
    const message = visibleMessage(state, init.messageId, from);
    const room = state.rooms.get(message.roomUuid)!;
    return messageJson(
      state,
      editMessage(state, from, message, {
        roomId: room.id,
        ...(init.text !== undefined ? { text: init.text } : {}),
        ...(init.markdown !== undefined ? { markdown: init.markdown } : {}),
      }),
    );
  });
}

/** Deletes a message as its author (by default) or a moderator. */
export function simulateDelete(
  internals: Internals,
  init: SimulatedDelete,
): FakeMessage {
  return helper("Cannot simulate a delete", () => {
    const { state } = internals;
    const target = state.find(state.messages, "MESSAGE", init.messageId);
    const from = init.from
      ? personOf(internals, init.from)
      : state.people.get(target.personUuid)!;
    const message = visibleMessage(state, init.messageId, from);
    const data = messageJson(state, message);
    deleteMessage(state, from, message);
    return data;
  });
}

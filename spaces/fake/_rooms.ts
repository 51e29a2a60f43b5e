/**
 * Rooms, group and direct, and the `/rooms` endpoints.
 *
 * @module
 */

import { deleteContents } from "./_contents.ts";
import {
  addMembership,
  membershipJson,
  removeMembership,
} from "./_memberships.ts";
import {
  HttpError,
  json,
  MESSAGES,
  noContent,
  optionalBoolean,
  optionalString,
  pageOf,
  parseMax,
  readJsonObject,
  requiredString,
  type SortKey,
} from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { PersonRecord, RoomRecord, State } from "./_state.ts";
import { fakeWebexId } from "./ids.ts";
import type { FakeRoom } from "./webex_types.ts";

/**
 * The room as the API renders it to `viewer`: a direct room is titled with
 * the other person's name, so each side sees a different title.
 */
export function roomJson(
  state: State,
  room: RoomRecord,
  viewer?: PersonRecord,
): FakeRoom {
  let title = room.title;
  if (room.type === "direct") {
    const self = viewer?.uuid ?? room.creatorUuid;
    const other = [...(state.roomMembers.get(room.uuid)?.keys() ?? [])].find((
      uuid,
    ) => uuid !== self);
    title = (other && state.people.get(other)?.displayName) ?? room.title;
  }
  return {
    id: room.id,
    title,
    type: room.type,
    isLocked: room.isLocked,
    ...(room.teamUuid ? { teamId: state.teams.get(room.teamUuid)?.id } : {}),
    lastActivity: room.lastActivity,
    creatorId: state.personRef(room.creatorUuid),
    created: room.created,
    ownerId: state.orgId,
    isPublic: false,
    isReadOnly: false,
  };
}

/** Makes a room (direct when given the key of its pair); its creator is its first member, and its moderator when it is locked. */
export function createRoom(
  state: State,
  init: {
    title: string;
    teamUuid?: string;
    isLocked?: boolean;
    creator: PersonRecord;
    directKey?: string;
  },
): RoomRecord {
  const uuid = crypto.randomUUID();
  const created = state.now();
  const room: RoomRecord = {
    uuid,
    id: fakeWebexId("ROOM", uuid),
    title: init.title,
    type: init.directKey ? "direct" : "group",
    ...(init.directKey ? { directKey: init.directKey } : {}),
    isLocked: init.isLocked ?? false,
    ...(init.teamUuid ? { teamUuid: init.teamUuid } : {}),
    creatorUuid: init.creator.uuid,
    created,
    lastActivity: created,
    seq: state.nextSeq(),
    activitySeq: state.nextSeq(),
  };
  state.rooms.set(uuid, room);
  state.roomMessages.set(uuid, []);
  addMembership(state, room, init.creator, room.isLocked, init.creator);
  return room;
}

/** The direct room of two people, made on their first message. */
export function directRoom(
  state: State,
  from: PersonRecord,
  to: PersonRecord,
): RoomRecord {
  if (from.uuid === to.uuid) {
    throw new HttpError(400, "A message cannot be sent to oneself.");
  }
  const key = [from.uuid, to.uuid].sort().join(":");
  const existing = state.directRooms.get(key);
  if (existing) return state.rooms.get(existing)!;
  const room = createRoom(state, {
    title: to.displayName,
    creator: from,
    directKey: key,
  });
  state.directRooms.set(key, room.uuid);
  addMembership(state, room, to, false, from);
  return room;
}

/** Deletes a room with its memberships, messages and contents. */
export function deleteRoom(
  state: State,
  room: RoomRecord,
  actor: PersonRecord,
): void {
  const members = [...state.roomMembers.get(room.uuid)?.values() ?? []];
  // Every member hears of every removal, so all are told before any leaves.
  for (const membership of members) {
    state.emit({
      resource: "memberships",
      event: "deleted",
      actorUuid: actor.uuid,
      roomUuid: room.uuid,
      data: membershipJson(state, membership),
    });
  }
  for (const membership of members) {
    state.memberships.delete(membership.uuid);
    state.personRooms.get(membership.personUuid)?.delete(room.uuid);
  }
  state.roomMembers.delete(room.uuid);
  for (const message of state.roomMessages.get(room.uuid) ?? []) {
    message.deleted = true;
    deleteContents(state, message.files);
  }
  if (room.directKey) state.directRooms.delete(room.directKey);
  state.rooms.delete(room.uuid);
}

const SORTS: Record<string, (room: RoomRecord) => SortKey> = {
  id: (room) => room.uuid,
  created: (room) => -room.seq,
  lastactivity: (room) => -room.activitySeq,
};

/** The `/rooms` endpoints. */
export const roomRoutes: Record<string, Handler> = {
  "GET /rooms": ({ state, url, caller }) => {
    const max = parseMax(url, 100, 1000);
    const type = url.searchParams.get("type");
    if (type !== null && type !== "group" && type !== "direct") {
      throw new HttpError(
        400,
        `Query parameter 'type' must be 'group' or 'direct', got '${type}'.`,
      );
    }
    const teamId = url.searchParams.get("teamId");
    const team = teamId ? state.find(state.teams, "TEAM", teamId) : undefined;
    const sortBy = url.searchParams.get("sortBy") ?? "id";
    const key = SORTS[sortBy];
    if (!key) {
      throw new HttpError(
        400,
        `Query parameter 'sortBy' must be id, lastactivity or created, got '${sortBy}'.`,
      );
    }
    const items = [...(state.personRooms.get(caller.uuid)?.keys() ?? [])]
      .map((uuid) => state.rooms.get(uuid)!)
      .filter((room) =>
        (!type || room.type === type) && (!team || room.teamUuid === team.uuid)
      )
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return pageOf(
      url,
      items,
      key,
      max,
      (room) => roomJson(state, room, caller),
    );
  },
  "POST /rooms": async ({ state, request, caller }) => {
    const body = await readJsonObject(request);
    const title = requiredString(body, "title");
    const teamId = optionalString(body, "teamId");
    const team = teamId ? state.find(state.teams, "TEAM", teamId) : undefined;
    if (team && !team.members.has(caller.uuid)) {
      throw new HttpError(404, MESSAGES.notFound);
    }
    const room = createRoom(state, {
      title,
      teamUuid: team?.uuid,
      isLocked: optionalBoolean(body, "isLocked") ?? false,
      creator: caller,
    });
    return json(roomJson(state, room, caller));
  },
  "GET /rooms/{id}": ({ state, id, caller }) =>
    json(roomJson(state, state.memberRoom(id, caller), caller)),
  "PUT /rooms/{id}": async ({ state, request, id, caller }) => {
    const room = state.memberRoom(id, caller);
    const body = await readJsonObject(request);
    const title = requiredString(body, "title");
    const isLocked = optionalBoolean(body, "isLocked");
    if (room.type === "direct") {
      throw new HttpError(400, "A direct room cannot be updated.");
    }
    const membership = state.membership(room.uuid, caller.uuid)!;
    if (room.isLocked && !membership.isModerator) {
      throw new HttpError(403, "Only moderators can update a moderated room.");
    }
    room.title = title;
    if (isLocked === true && !room.isLocked) {
      membership.isModerator = true;
      room.isLocked = true;
    } else if (isLocked === false && room.isLocked) {
      for (const member of state.roomMembers.get(room.uuid)!.values()) {
        member.isModerator = false;
      }
      room.isLocked = false;
    }
    return json(roomJson(state, room, caller));
  },
  "DELETE /rooms/{id}": ({ state, id, caller }) => {
    const room = state.memberRoom(id, caller);
    const membership = state.membership(room.uuid, caller.uuid)!;
    const owns = room.type === "direct" ||
      (room.isLocked
        ? membership.isModerator
        : room.creatorUuid === caller.uuid);
    // A non-moderator's delete only takes the caller out, as on the real service.
    if (owns) deleteRoom(state, room, caller);
    else removeMembership(state, membership, caller);
    return noContent();
  },
};

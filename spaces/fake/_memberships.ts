/**
 * Memberships: who is in which room, and the `/memberships` endpoints.
 *
 * @module
 */

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
} from "./_http.ts";
import type { Handler } from "./_router.ts";
import type {
  MembershipRecord,
  PersonRecord,
  RoomRecord,
  State,
} from "./_state.ts";
import { fakeWebexId } from "./ids.ts";
import type { FakeMembership } from "./webex_types.ts";

/** The membership as the API renders it. */
export function membershipJson(
  state: State,
  membership: MembershipRecord,
): FakeMembership {
  const person = state.people.get(membership.personUuid)!;
  const room = state.rooms.get(membership.roomUuid)!;
  return {
    id: membership.id,
    roomId: room.id,
    personId: state.personRef(person.uuid),
    personEmail: person.emails[0],
    personDisplayName: person.displayName,
    personOrgId: person.orgId,
    isModerator: membership.isModerator,
    isMonitor: false,
    ...(room.type === "direct" ? { isRoomHidden: false } : {}),
    roomType: room.type,
    created: membership.created,
  };
}

/** Puts a person in a room; 409 when already there. */
export function addMembership(
  state: State,
  room: RoomRecord,
  person: PersonRecord,
  isModerator: boolean,
  actor: PersonRecord,
): MembershipRecord {
  if (state.membership(room.uuid, person.uuid)) {
    throw new HttpError(
      409,
      `${person.displayName} is already a participant of this room.`,
    );
  }
  const uuid = `${person.uuid}:${room.uuid}`;
  const membership: MembershipRecord = {
    uuid,
    id: fakeWebexId("MEMBERSHIP", uuid),
    roomUuid: room.uuid,
    personUuid: person.uuid,
    isModerator,
    created: state.now(),
    seq: state.nextSeq(),
  };
  state.memberships.set(uuid, membership);
  let members = state.roomMembers.get(room.uuid);
  if (!members) state.roomMembers.set(room.uuid, members = new Map());
  members.set(person.uuid, membership);
  let rooms = state.personRooms.get(person.uuid);
  if (!rooms) state.personRooms.set(person.uuid, rooms = new Map());
  rooms.set(room.uuid, membership);
  if (isModerator) room.isLocked = true;
  if (room.teamUuid) state.teams.get(room.teamUuid)?.members.add(person.uuid);
  emit(state, membership, "created", actor);
  return membership;
}

/** Takes a person out of a room. */
export function removeMembership(
  state: State,
  membership: MembershipRecord,
  actor: PersonRecord,
): void {
  const data = membershipJson(state, membership);
  state.memberships.delete(membership.uuid);
  state.roomMembers.get(membership.roomUuid)?.delete(membership.personUuid);
  state.personRooms.get(membership.personUuid)?.delete(membership.roomUuid);
  state.emit({
    resource: "memberships",
    event: "deleted",
    actorUuid: actor.uuid,
    roomUuid: membership.roomUuid,
    data,
  });
}

function emit(
  state: State,
  membership: MembershipRecord,
  event: "created" | "updated",
  actor: PersonRecord,
): void {
  const data = membershipJson(state, membership);
  state.emit({
    resource: "memberships",
    event,
    actorUuid: actor.uuid,
    roomUuid: membership.roomUuid,
    data,
  });
}

/** 403 unless the caller may manage the room's members. */
function checkManager(
  state: State,
  room: RoomRecord,
  caller: PersonRecord,
): void {
  if (room.type === "direct") {
    throw new HttpError(400, "The members of a direct room cannot be changed.");
  }
  if (room.isLocked && !state.membership(room.uuid, caller.uuid)?.isModerator) {
    throw new HttpError(
      403,
      "Only moderators can change the members of a moderated room.",
    );
  }
}

function visibleMembership(
  state: State,
  id: string | undefined,
  caller: PersonRecord,
): MembershipRecord {
  const membership = state.find(state.memberships, "MEMBERSHIP", id);
  if (!state.membership(membership.roomUuid, caller.uuid)) {
    throw new HttpError(404, MESSAGES.notFound);
  }
  return membership;
}

const bySeq = (membership: MembershipRecord) => membership.seq;

/** The `/memberships` endpoints. */
export const membershipRoutes: Record<string, Handler> = {
  "GET /memberships": ({ state, url, caller }) => {
    const max = parseMax(url, 100, 1000);
    const roomId = url.searchParams.get("roomId");
    const personId = url.searchParams.get("personId");
    const personEmail = url.searchParams.get("personEmail");
    let items: MembershipRecord[];
    if (roomId) {
      const room = state.memberRoom(roomId, caller);
      items = [...state.roomMembers.get(room.uuid)!.values()];
      const person = personId ?? personEmail;
      if (person) {
        const wanted = state.lookupPerson(person);
        items = items.filter((membership) =>
          membership.personUuid === wanted?.uuid
        );
      }
    } else if (personId || personEmail) {
      throw new HttpError(
        400,
        "The roomId parameter is required when filtering by person.",
      );
    } else {
      items = [...(state.personRooms.get(caller.uuid)?.values() ?? [])];
    }
    items.sort((a, b) => a.seq - b.seq);
    return pageOf(
      url,
      items,
      bySeq,
      max,
      (membership) => membershipJson(state, membership),
    );
  },
  "POST /memberships": async ({ state, request, caller }) => {
    const body = await readJsonObject(request);
    const room = state.memberRoom(optionalString(body, "roomId") ?? "", caller);
    const personId = optionalString(body, "personId");
    const personEmail = optionalString(body, "personEmail");
    if (!personId === !personEmail) {
      throw new HttpError(
        400,
        "Exactly one of personId or personEmail is required.",
      );
    }
    checkManager(state, room, caller);
    const person = personId
      ? state.find(state.people, "PEOPLE", personId)
      : state.lookupPerson(personEmail!) ??
        state.addPerson({ email: personEmail! });
    const membership = addMembership(
      state,
      room,
      person,
      optionalBoolean(body, "isModerator") ?? false,
      caller,
    );
    return json(membershipJson(state, membership));
  },
  "GET /memberships/{id}": ({ state, id, caller }) =>
    json(membershipJson(state, visibleMembership(state, id, caller))),
  "PUT /memberships/{id}": async ({ state, request, id, caller }) => {
    const membership = visibleMembership(state, id, caller);
    const body = await readJsonObject(request);
    const isModerator = optionalBoolean(body, "isModerator");
    if (isModerator !== undefined && isModerator !== membership.isModerator) {
      const room = state.rooms.get(membership.roomUuid)!;
      checkManager(state, room, caller);
      membership.isModerator = isModerator;
      if (isModerator) room.isLocked = true;
      emit(state, membership, "updated", caller);
    }
    return json(membershipJson(state, membership));
  },
  "DELETE /memberships/{id}": ({ state, id, caller }) => {
    const membership = visibleMembership(state, id, caller);
    const room = state.rooms.get(membership.roomUuid)!;
    if (membership.personUuid !== caller.uuid) {
      checkManager(state, room, caller);
    } else if (room.type === "direct") {
      throw new HttpError(
        400,
        "The members of a direct room cannot be changed.",
      );
    }
    removeMembership(state, membership, caller);
    return noContent();
  },
};

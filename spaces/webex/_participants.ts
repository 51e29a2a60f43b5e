/**
 * The people of a room, for `WebexSpace`: listed, added and removed through
 * memberships.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import type { Logger } from "../log.ts";
import {
  createMembership,
  deleteMembership,
  listMemberships,
} from "./api/memberships.ts";
import type { CallOptions } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId } from "./ids.ts";

/** E-mail addresses of a room's members, the bot (`botId`) excluded. */
export async function listParticipants(
  client: WebexClient,
  roomId: string,
  botId: string | undefined,
  options: CallOptions,
): Promise<string[]> {
  const persons: string[] = [];
  for await (
    const membership of listMemberships(client, { roomId }, options)
  ) {
    if (botId && sameWebexId(String(membership.personId), botId)) continue;
    if (typeof membership.personEmail === "string") {
      persons.push(membership.personEmail);
    }
  }
  return persons;
}

/** Adds a person to a room; a person already there (409) is not an error. */
export async function addParticipant(
  client: WebexClient,
  logger: Logger,
  roomId: string,
  person: string,
  isModerator: boolean,
  options: CallOptions,
): Promise<void> {
  try {
    await createMembership(client, {
      roomId,
      personEmail: person,
      isModerator,
    }, options);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 409)) throw error;
    logger.debug(`${person} is already a member of room ${roomId}`);
  }
}

/** Removes a person from a room: Webex removes by membership, so it is looked up first. */
export async function removeParticipant(
  client: WebexClient,
  logger: Logger,
  roomId: string,
  person: string,
  options: CallOptions,
): Promise<void> {
  for await (
    const membership of listMemberships(client, {
      roomId,
      personEmail: person,
    }, options)
  ) {
    await deleteMembership(client, String(membership.id), options);
    return;
  }
  logger.debug(`${person} is not a member of room ${roomId}`);
}

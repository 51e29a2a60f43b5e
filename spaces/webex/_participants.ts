/**
 * The people of a room, for `WebexSpace`: listed, added and removed through
 * memberships.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import type { Context } from "../context.ts";
import type { Logger } from "../log.ts";
import {
  createMembership,
  deleteMembership,
  listMemberships,
} from "./api/memberships.ts";
import type { CallOptions } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId } from "./ids.ts";

/** The members of the space that participants use, read on each call. */
export interface ParticipantsHost {
  readonly client: WebexClient;
  readonly context: Context;
  readonly logger: Logger;
}

/** The people of the rooms of one space. */
export class Participants {
  #host: ParticipantsHost;

  constructor(host: ParticipantsHost) {
    this.#host = host;
  }

  /** E-mail addresses of a room's members, the bot excluded. */
  async list(roomId: string, options: CallOptions): Promise<string[]> {
    const botId = this.#host.context.get<string | undefined>("bot.id");
    const persons: string[] = [];
    for await (
      const membership of listMemberships(
        this.#host.client,
        { roomId },
        options,
      )
    ) {
      if (botId && sameWebexId(String(membership.personId), botId)) continue;
      if (typeof membership.personEmail === "string") {
        persons.push(membership.personEmail);
      }
    }
    return persons;
  }

  /** Adds a person to a room; a person already there (409) is not an error. */
  async add(
    roomId: string,
    person: string,
    isModerator: boolean,
    options: CallOptions,
  ): Promise<void> {
    try {
      await createMembership(this.#host.client, {
        roomId,
        personEmail: person,
        isModerator,
      }, options);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      this.#host.logger.debug(
        `${person} is already a member of room ${roomId}`,
      );
    }
  }

  /** Removes a person: Webex removes by membership, so it is looked up first. */
  async remove(
    roomId: string,
    person: string,
    options: CallOptions,
  ): Promise<void> {
    const client = this.#host.client;
    for await (
      const membership of listMemberships(client, {
        roomId,
        personEmail: person,
      }, options)
    ) {
      await deleteMembership(client, String(membership.id), options);
      return;
    }
    this.#host.logger.debug(`${person} is not a member of room ${roomId}`);
  }
}

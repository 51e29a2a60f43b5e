/**
 * Rooms as channels, for `WebexSpace`: lookups by id, title or person,
 * changes, teams, and a cache of room types (a bot lists the messages of a
 * group room differently from those of a direct one).
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import { ApiError } from "../errors.ts";
import {
  createRoom,
  deleteRoom,
  getRoom,
  listRooms,
  updateRoom,
} from "./api/rooms.ts";
import { createTeam, listTeams } from "./api/teams.ts";
import type { CallOptions, WebexRoom, WebexTeam } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { channelFromRoom } from "./normalise.ts";

/** Rooms of one token; `client` is read on each call, as the space makes it lazily. */
export class Rooms {
  #client: () => WebexClient;
  #types = new Map<string, string>();

  constructor(client: () => WebexClient) {
    this.#client = client;
  }

  /** Creates a group room, in the team given by id, or by name (created when missing). */
  async create(
    title: string,
    team: { id: string } | string | undefined,
    options: CallOptions,
  ): Promise<Channel> {
    let teamId: string | undefined;
    if (typeof team === "string" && team !== "") {
      const found = await this.getTeam(team, options) ??
        await createTeam(this.#client(), { name: team }, options);
      teamId = String(found.id);
    } else if (typeof team === "object" && team !== null) {
      teamId = team.id;
    }
    return this.#channel(
      await createRoom(this.#client(), { title, teamId }, options),
    );
  }

  /** The room with this id, or `undefined` when Webex answers 404. */
  async getById(
    id: string,
    options: CallOptions,
  ): Promise<Channel | undefined> {
    try {
      return this.#channel(await getRoom(this.#client(), id, options));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The first room of this type, most recently active first, that `test` accepts. */
  async find(
    type: "group" | "direct",
    test: (room: WebexRoom) => boolean,
    options: CallOptions,
  ): Promise<Channel | undefined> {
    for await (const room of this.#list(type, options)) {
      if (test(room)) return this.#channel(room);
    }
    return undefined;
  }

  /** At most `quantity` group rooms, most recently active first. */
  async listGroups(quantity: number, options: CallOptions): Promise<Channel[]> {
    const channels: Channel[] = [];
    if (quantity < 1) return channels;
    for await (const room of this.#list("group", options)) {
      channels.push(this.#channel(room));
      if (channels.length >= quantity) break;
    }
    return channels;
  }

  /** Saves the title of a room. */
  async update(channel: Channel, options: CallOptions): Promise<void> {
    await updateRoom(this.#client(), channel.id, {
      title: channel.title,
    }, options);
  }

  /** Deletes a room (for a non-moderator, Webex only removes the bot from it). */
  async delete(id: string, options: CallOptions): Promise<void> {
    await deleteRoom(this.#client(), id, options);
    this.#types.delete(id);
  }

  /** The team with exactly this name, or `undefined`. */
  async getTeam(
    name: string,
    options: CallOptions,
  ): Promise<WebexTeam | undefined> {
    for await (const team of listTeams(this.#client(), {}, options)) {
      if (team.name === name) return team;
    }
    return undefined;
  }

  /** `direct` or `group`, from the cache or one GET. */
  async typeOf(id: string, options: CallOptions): Promise<string> {
    const known = this.#types.get(id);
    if (known) return known;
    const room = await getRoom(this.#client(), id, options);
    return this.#channel(room).type ?? "group";
  }

  #list(
    type: "group" | "direct",
    options: CallOptions,
  ): AsyncIterable<WebexRoom> {
    return listRooms(this.#client(), { type, sortBy: "lastactivity" }, {
      signal: options.signal,
    });
  }

  #channel(room: WebexRoom): Channel {
    if (typeof room.id === "string" && typeof room.type === "string") {
      // A cache of room types, kept small: an unknown room costs one GET.
      if (this.#types.size >= 10_000) this.#types.clear();
      this.#types.set(room.id, room.type);
    }
    return channelFromRoom(room);
  }
}

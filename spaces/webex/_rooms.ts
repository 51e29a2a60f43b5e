/**
 * Rooms as channels, for `WebexSpace`: lookups by id, title or person,
 * changes, teams, their messages, and a cache of room types (a bot lists
 * the messages of a group room differently from those of a direct one).
 *
 * @module
 */

import type { Channel } from "../channel.ts";
import type { Context } from "../context.ts";
import { ApiError } from "../errors.ts";
import {
  createRoom,
  deleteRoom,
  getRoom,
  listRooms,
  updateRoom,
} from "./api/rooms.ts";
import type { PostMessageRequest } from "../base.ts";
import type { Message } from "../events.ts";
import { createMessage, listMessages } from "./api/messages.ts";
import { createTeam, listTeams } from "./api/teams.ts";
import type {
  CallOptions,
  WebexMessage,
  WebexRoom,
  WebexTeam,
} from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { channelFromRoom, messageFromWebex } from "./normalise.ts";
import { outgoingMessage } from "./outgoing.ts";

/** The members of the space that rooms use, read on each call (the client is made lazily). */
export interface RoomsHost {
  readonly client: WebexClient;
  readonly context: Context;
}

/** The rooms of one space. */
export class Rooms {
  #host: RoomsHost;
  #types = new Map<string, string>();

  constructor(host: RoomsHost) {
    this.#host = host;
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
        await createTeam(this.#host.client, { name: team }, options);
      teamId = String(found.id);
    } else if (typeof team === "object" && team !== null) {
      teamId = team.id;
    }
    return this.#channel(
      await createRoom(this.#host.client, { title, teamId }, options),
    );
  }

  /** The room with this id, or `undefined` when Webex answers 404. */
  async getById(
    id: string,
    options: CallOptions,
  ): Promise<Channel | undefined> {
    try {
      return this.#channel(await getRoom(this.#host.client, id, options));
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The first group room with exactly this title, most recently active first. */
  byTitle(title: string, options: CallOptions): Promise<Channel | undefined> {
    return this.#find("group", (room) => room.title === title, options);
  }

  /** The first direct room whose title (the person's name) starts with `label`. */
  byPerson(label: string, options: CallOptions): Promise<Channel | undefined> {
    return this.#find(
      "direct",
      (room) => String(room.title ?? "").startsWith(label),
      options,
    );
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
    await updateRoom(this.#host.client, channel.id, {
      title: channel.title,
    }, options);
  }

  /** Deletes a room (for a non-moderator, Webex only removes the bot from it). */
  async delete(id: string, options: CallOptions): Promise<void> {
    await deleteRoom(this.#host.client, id, options);
    this.#types.delete(id);
  }

  /** The team with exactly this name, or `undefined`. */
  async getTeam(
    name: string,
    options: CallOptions,
  ): Promise<WebexTeam | undefined> {
    for await (const team of listTeams(this.#host.client, {}, options)) {
      if (team.name === name) return team;
    }
    return undefined;
  }

  /**
   * A room's messages, newest first, page by page. A bot lists the messages
   * of a group room with `mentionedPeople=me`, or Webex answers 403.
   */
  async *messages(id: string, options: CallOptions): AsyncIterable<Message> {
    const isBot = this.#host.context.get("bot.type", "bot") === "bot";
    const mentionedOnly = isBot && await this.#typeOf(id, options) !== "direct";
    const query = {
      roomId: id,
      mentionedPeople: mentionedOnly ? "me" : undefined,
    };
    const botId = this.#host.context.get<string | undefined>("bot.id");
    for await (const json of listMessages(this.#host.client, query, options)) {
      yield messageFromWebex(json, { botId });
    }
  }

  /** Posts text, markdown, a card or one file, to a room or a person. */
  async post(request: PostMessageRequest): Promise<WebexMessage> {
    const sent = await outgoingMessage(request);
    return await createMessage(this.#host.client, sent);
  }

  async #typeOf(id: string, options: CallOptions): Promise<string> {
    const known = this.#types.get(id);
    if (known) return known;
    const room = await getRoom(this.#host.client, id, options);
    return this.#channel(room).type ?? "group";
  }

  async #find(
    type: "group" | "direct",
    test: (room: WebexRoom) => boolean,
    options: CallOptions,
  ): Promise<Channel | undefined> {
    for await (const room of this.#list(type, options)) {
      if (test(room)) return this.#channel(room);
    }
    return undefined;
  }

  #list(
    type: "group" | "direct",
    options: CallOptions,
  ): AsyncIterable<WebexRoom> {
    return listRooms(this.#host.client, { type, sortBy: "lastactivity" }, {
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

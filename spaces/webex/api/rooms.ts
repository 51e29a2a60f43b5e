/**
 * Rooms: `/rooms` and `/rooms/{roomId}`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexRoom } from "./types.ts";

/** Query of `GET /rooms`. */
export type ListRoomsQuery = {
  type?: "group" | "direct";
  teamId?: string;
  sortBy?: "id" | "lastactivity" | "created";
  /** Page size. @default 100 */
  max?: number;
};

/** Body of `POST /rooms`. */
export type CreateRoomBody = {
  title: string;
  teamId?: string;
  isLocked?: boolean;
};

/** Body of `PUT /rooms/{roomId}`: Webex wants the title even when it stays. */
export type UpdateRoomBody = { title: string; isLocked?: boolean };

/** The rooms of the token, page by page (`GET /rooms`). */
export function listRooms(
  client: WebexClient,
  query: ListRoomsQuery = {},
  options: CallOptions = {},
): AsyncIterable<WebexRoom> {
  return client.list<WebexRoom>("/rooms", {
    query: { ...query, max: query.max ?? 100 },
    signal: options.signal,
  });
}

/** One room (`GET /rooms/{roomId}`); an unknown one throws a 404 `ApiError`. */
export function getRoom(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<WebexRoom> {
  return client.get<WebexRoom>(itemPath("rooms", id), {
    signal: options.signal,
  });
}

/** Creates a group room (`POST /rooms`). */
export function createRoom(
  client: WebexClient,
  body: CreateRoomBody,
  options: CallOptions = {},
): Promise<WebexRoom> {
  return client.post<WebexRoom>("/rooms", body, { signal: options.signal });
}

/** Changes a room (`PUT /rooms/{roomId}`). */
export function updateRoom(
  client: WebexClient,
  id: string,
  body: UpdateRoomBody,
  options: CallOptions = {},
): Promise<WebexRoom> {
  return client.put<WebexRoom>(itemPath("rooms", id), body, {
    signal: options.signal,
  });
}

/** Deletes a room, or leaves it for a non-moderator (`DELETE /rooms/{roomId}`). */
export function deleteRoom(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<void> {
  return client.delete(itemPath("rooms", id), { signal: options.signal });
}

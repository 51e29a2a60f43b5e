/**
 * Memberships: `/memberships` and `/memberships/{membershipId}`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexMembership } from "./types.ts";

/** Query of `GET /memberships`. */
export type ListMembershipsQuery = {
  roomId?: string;
  personId?: string;
  personEmail?: string;
  /** Page size. @default 100 */
  max?: number;
};

/** Body of `POST /memberships`: one of `personId` or `personEmail`. */
export type CreateMembershipBody = {
  roomId: string;
  personId?: string;
  personEmail?: string;
  isModerator?: boolean;
};

/** Memberships, of a room or of a person, page by page (`GET /memberships`). */
export function listMemberships(
  client: WebexClient,
  query: ListMembershipsQuery,
  options: CallOptions = {},
): AsyncIterable<WebexMembership> {
  return client.list<WebexMembership>("/memberships", {
    query: { ...query, max: query.max ?? 100 },
    signal: options.signal,
  });
}

/** Adds a person to a room (`POST /memberships`); a member already there is a 409. */
export function createMembership(
  client: WebexClient,
  body: CreateMembershipBody,
  options: CallOptions = {},
): Promise<WebexMembership> {
  return client.post<WebexMembership>("/memberships", body, {
    signal: options.signal,
  });
}

/** Removes a membership by its id (`DELETE /memberships/{membershipId}`). */
export function deleteMembership(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<void> {
  return client.delete(itemPath("memberships", id), {
    signal: options.signal,
  });
}

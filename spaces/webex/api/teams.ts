/**
 * Teams: `/teams`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import type { CallOptions, WebexTeam } from "./types.ts";

/** The token's teams, page by page (`GET /teams`). */
export function listTeams(
  client: WebexClient,
  query: { max?: number } = {},
  options: CallOptions = {},
): AsyncIterable<WebexTeam> {
  return client.list<WebexTeam>("/teams", {
    query: { max: query.max ?? 100 },
    signal: options.signal,
  });
}

/** Creates a team (`POST /teams`). */
export function createTeam(
  client: WebexClient,
  body: { name: string; description?: string },
  options: CallOptions = {},
): Promise<WebexTeam> {
  return client.post<WebexTeam>("/teams", body, { signal: options.signal });
}

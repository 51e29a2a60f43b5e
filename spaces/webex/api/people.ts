/**
 * People: `/people/me`, `/people/{personId}` and `/people?email=`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import { itemPath } from "./_path.ts";
import type { CallOptions, WebexPerson } from "./types.ts";

/** The owner of the token: the bot itself (`GET /people/me`). */
export function getMe(
  client: WebexClient,
  options: CallOptions = {},
): Promise<WebexPerson> {
  return client.get<WebexPerson>("/people/me", { signal: options.signal });
}

/** One person by id (`GET /people/{personId}`); an unknown id is a 404. */
export function getPerson(
  client: WebexClient,
  id: string,
  options: CallOptions = {},
): Promise<WebexPerson> {
  return client.get<WebexPerson>(itemPath("people", id), {
    signal: options.signal,
  });
}

/** The people with this e-mail address, page by page (`GET /people?email=`). */
export function listPeopleByEmail(
  client: WebexClient,
  email: string,
  options: CallOptions = {},
): AsyncIterable<WebexPerson> {
  return client.list<WebexPerson>("/people", {
    query: { email },
    signal: options.signal,
  });
}

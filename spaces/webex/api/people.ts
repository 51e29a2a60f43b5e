/**
 * People: `/people/me`.
 *
 * @module
 */

import type { WebexClient } from "../client.ts";
import type { CallOptions, WebexPerson } from "./types.ts";

/** The owner of the token: the bot itself (`GET /people/me`). */
export function getMe(
  client: WebexClient,
  options: CallOptions = {},
): Promise<WebexPerson> {
  return client.get<WebexPerson>("/people/me", { signal: options.signal });
}

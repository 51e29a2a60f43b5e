/**
 * The server's settings from environment variables.
 *
 * @module
 */

import type { Settings } from "../context.ts";

/** Settings keys that `settingsFromEnv` reads, from `A_B` for `a.b`. */
const ENV_SETTINGS = [
  "space.room",
  "space.participants",
  "space.team",
  "server.url",
  "server.hook",
  "server.hostname",
  "server.port",
  "server.body_limit",
  "server.reading_limit",
  "server.body_timeout",
  "space.kv_lease",
  "server.drain",
  "server.queue_bound",
  "server.webhook_check",
];

/**
 * Reads the server's settings from environment variables named after the
 * keys: `SPACE_ROOM` for `space.room`, `SERVER_URL` for `server.url`, and
 * so on. Tokens and the webhook secret come from their own variables
 * (`WEBEX_BOT_TOKEN`, ...) when the space checks its settings.
 *
 * @param env Reads one variable.
 * @returns The settings found.
 *
 * @example Settings from a map
 * ```ts
 * import { settingsFromEnv } from "@shellbot/spaces/server";
 *
 * const settings = settingsFromEnv((name) => ({ SPACE_ROOM: "Ops" } as Record<string, string>)[name]);
 * console.log(settings); // { "space.room": "Ops" }
 * ```
 */
export function settingsFromEnv(
  env: (name: string) => string | undefined,
): Settings {
  const settings: Settings = {};
  for (const key of ENV_SETTINGS) {
    const value = env(key.replaceAll(".", "_").toUpperCase());
    if (value !== undefined && value !== "") settings[key] = value;
  }
  return settings;
}

import { listOf } from "../_arguments.ts";
import type { Context } from "../context.ts";
import { ConfigurationError } from "../errors.ts";
import { DEFAULT_API_URL } from "./client.ts";

/** Values given to the constructor, which win over the settings. */
export interface SettingOverrides {
  token?: string;
  auditToken?: string;
  apiUrl?: string;
}

/**
 * The one place that reads the Webex settings: `$NAME` values resolved,
 * environment fallbacks in the contract's order, participants as a list.
 *
 * @throws {ConfigurationError} When `space.room` or the bot token is
 * missing; the message names the setting and the variable, never a value.
 */
export function checkWebexSettings(
  context: Context,
  overrides: SettingOverrides,
): void {
  // The seed's fallback: the room title may come from the environment alone.
  context.check("space.room", { filter: true, default: "$CHAT_ROOM_TITLE" });
  if (context.get("space.room") === undefined) {
    // Name the variables that server.ts and deno serve read.
    throw new ConfigurationError(
      "Missing setting 'space.room': set SPACE_ROOM (or CHAT_ROOM_TITLE) to the title of the room the bot works in (it is created if missing), or space.room in the settings",
      { key: "space.room" },
    );
  }
  if (overrides.token) context.set("space.token", overrides.token);
  checkWithFallbacks(context, "space.token", [
    "WEBEX_BOT_TOKEN",
    "CISCO_SPARK_BOT_TOKEN",
  ]);
  if (!context.get("space.token")) {
    throw new ConfigurationError(
      "Missing setting 'space.token': set WEBEX_BOT_TOKEN (the bot's token, from developer.webex.com), or space.token in the settings",
      { key: "space.token" },
    );
  }
  if (overrides.auditToken) {
    context.set("space.audit_token", overrides.auditToken);
  }
  checkWithFallbacks(context, "space.audit_token", [
    "WEBEX_AUDIT_TOKEN",
    "CISCO_SPARK_AUDIT_TOKEN",
  ]);
  checkWithFallbacks(context, "space.webhook_secret", ["WEBEX_WEBHOOK_SECRET"]);
  if (overrides.apiUrl) context.set("space.api_url", overrides.apiUrl);
  checkWithFallbacks(context, "space.api_url", ["WEBEX_API_URL"]);
  context.check("space.api_url", { default: DEFAULT_API_URL });
  context.check("space.team", { filter: true });
  checkEvents(context);
  context.check("space.participants", {
    filter: true,
    default: "$CHANNEL_DEFAULT_PARTICIPANTS",
  });
  const participants = context.get("space.participants");
  if (participants !== undefined) {
    context.set("space.participants", listOf(participants));
  }
}

/** `key`, else the first of the variables that is set; `$NAME` resolved. */
function checkWithFallbacks(
  context: Context,
  key: string,
  variables: string[],
): void {
  context.check(key, { filter: true });
  for (const variable of variables) {
    if (context.get(key) !== undefined) return;
    context.check(key, { filter: true, default: `$${variable}` });
  }
}

/** How events arrive; `space.events`, else `SPACE_EVENTS`. */
export const EVENT_MODES = ["webhook", "polling", "websocket"] as const;

function checkEvents(context: Context): void {
  checkWithFallbacks(context, "space.events", ["SPACE_EVENTS"]);
  const events = context.get<unknown>("space.events");
  if (
    events !== undefined &&
    !(EVENT_MODES as readonly unknown[]).includes(events)
  ) {
    throw new ConfigurationError(
      `Invalid setting 'space.events' (or SPACE_EVENTS): use one of ${
        EVENT_MODES.join(", ")
      }`,
      { key: "space.events" },
    );
  }
  context.check("space.u2c_url", { filter: true });
}

/**
 * Every endpoint the fake serves, by endpoint key.
 *
 * @module
 */

import { actionRoutes } from "./_actions.ts";
import { contentRoutes } from "./_contents.ts";
import { membershipRoutes } from "./_memberships.ts";
import { messageRoutes } from "./_messages.ts";
import { peopleRoutes } from "./_people.ts";
import { roomRoutes } from "./_rooms.ts";
import type { Handler } from "./_router.ts";
import { teamRoutes } from "./_teams.ts";
import { webhookRoutes } from "./_webhooks.ts";

/** The endpoint table, such as `"GET /rooms/{id}"` → its handler. */
export const ROUTES: Record<string, Handler> = {
  ...peopleRoutes,
  ...roomRoutes,
  ...teamRoutes,
  ...membershipRoutes,
  ...messageRoutes,
  ...contentRoutes,
  ...webhookRoutes,
  ...actionRoutes,
};

/**
 * The guards of the webhook path that keep a signed delivery small, flat
 * and fresh: what is queued is cut to the flat fields the worker reads (so
 * no deep structure reaches the KV's serialiser, which overflows its stack
 * on deep nesting, and no value passes KV's 64 KiB), and replays are
 * dropped. `JSON.parse` itself is iterative: deep nesting costs it nothing
 * more than its bytes, which the route's body limit bounds.
 *
 * @module
 */

import type { WebexDelivery } from "./delivery.ts";
import type { InboundDeps } from "./_inbound.ts";

/** The fields of `data` that the worker reads: ids, names, times, flags. */
const KEPT_FIELDS = [
  "id",
  "roomId",
  "roomType",
  "personId",
  "personEmail",
  "personDisplayName",
  "personOrgId",
  "messageId",
  "created",
  "isModerator",
  "isMonitor",
  "isRoomHidden",
];
/** Longer strings are cut: no Webex name or address comes near. */
const MAX_FIELD = 1024;

/**
 * What a queue needs of `data`, small and flat: whatever else a body
 * holds (up to the body limit) never reaches the queue, whose values Deno
 * KV caps at 64 KiB.
 */
export function shrink(data: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const field of KEPT_FIELDS) {
    const value = data[field];
    if (typeof value === "string") kept[field] = value.slice(0, MAX_FIELD);
    else if (typeof value === "boolean") kept[field] = value;
  }
  return kept;
}

/**
 * A signed delivery for an event older than the window of the handled
 * record, or a message far behind its room's cursor: a replay, since
 * Webex delivers within seconds (and catch-up, not a delivery, brings what
 * was missed). Dropped whatever the record still holds.
 */
export async function isReplay(
  deps: InboundDeps,
  delivery: WebexDelivery,
): Promise<boolean> {
  if (deps.replayWindow === undefined) return false;
  const stamp = Date.parse(String(delivery.data.created ?? ""));
  if (Number.isNaN(stamp)) return false;
  let why: string | undefined;
  if (Date.now() - stamp > deps.replayWindow) {
    why = `created ${delivery.data.created}, older than ${
      deps.replayWindow / 1000
    } s`;
  } else if (
    delivery.resource === "messages" &&
    typeof delivery.data.roomId === "string" &&
    await deps.isBehind?.(delivery.data.roomId, stamp)
  ) {
    why = "far behind its room's cursor";
  }
  if (why === undefined) return false;
  deps.logger.debug(
    `Dropped a replayed ${delivery.resource} delivery (${why})`,
  );
  return true;
}

/** Log lines that a flood could repeat: at most one per kind every 10 s, with a count. */
const limits = new WeakMap<
  object,
  Map<string, { at: number; count: number }>
>();

export function limitedLog(
  deps: InboundDeps,
  level: "warn" | "error",
  kind: string,
  line: () => string,
): void {
  const kinds = limits.get(deps.logger) ?? new Map();
  limits.set(deps.logger, kinds);
  const now = Date.now();
  const seen = kinds.get(kind);
  if (seen && now - seen.at < 10_000) {
    seen.count++;
    return;
  }
  const more = seen && seen.count > 0 ? ` (and ${seen.count} more since)` : "";
  kinds.set(kind, { at: now, count: 0 });
  deps.logger[level](line() + more);
}

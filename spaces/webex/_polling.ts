import type { DedupeStore } from "../dedupe.ts";
import type { Message, SpaceEvent } from "../events.ts";
import type { EventSink } from "../queue.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId, uuidOf } from "./ids.ts";
import { messageFromWebex } from "./normalise.ts";

type Json = Record<string, unknown>;

/** What polling needs from its space. */
export interface PollingDeps {
  client: WebexClient;
  botId?: string;
  /** True when the token is a bot's, which must ask for mentions in group rooms. */
  isBot: boolean;
  ears: EventSink<SpaceEvent>;
  dedupe: DedupeStore;
  nameAttachment(message: Message, client: WebexClient): Promise<void>;
}

/** Where a room was read up to: the newest stamp, and the ids at that stamp. */
interface Cursor {
  stamp: number;
  ids: Set<string>;
}

/**
 * Polls Webex without webhooks. Webex lists messages per room only, so each
 * pull walks the rooms by last activity, stops at the first one unchanged
 * since the previous pull, and lists the new messages of the others (with
 * `mentionedPeople=me` in group rooms), putting each on `ears` once, oldest
 * first. All times come from Webex, so the local clock does not matter.
 */
export class Poller {
  #watermark?: number;
  #start?: number;
  #cursors = new Map<string, Cursor>();

  /** Fetches what is new since the previous pull; the first pull sets the start. */
  async pull(deps: PollingDeps, signal?: AbortSignal): Promise<void> {
    const rooms = deps.client.list<Json>("/rooms", {
      query: { sortBy: "lastactivity", max: 100 },
      signal,
    });
    if (this.#watermark === undefined) {
      let start = 0;
      for await (const room of rooms) {
        start = stampOf(room.lastActivity) ?? 0;
        break;
      }
      this.#watermark = this.#start = start;
      return;
    }
    const changed: Json[] = [];
    let newest = this.#watermark;
    for await (const room of rooms) {
      const activity = stampOf(room.lastActivity) ?? 0;
      if (activity < this.#watermark) break;
      newest = Math.max(newest, activity);
      changed.push(room);
    }
    for (const room of changed) await this.#pullRoom(deps, room, signal);
    this.#watermark = newest;
  }

  async #pullRoom(deps: PollingDeps, room: Json, signal?: AbortSignal) {
    const roomId = String(room.id);
    const key = uuidOf(roomId) ?? roomId;
    const cursor = this.#cursors.get(key) ?? this.#defaultCursor();
    const fresh: Json[] = [];
    const query = {
      roomId,
      mentionedPeople: deps.isBot && room.type !== "direct" ? "me" : undefined,
      max: 50,
    };
    for await (
      const json of deps.client.list<Json>("/messages", { query, signal })
    ) {
      const stamp = stampOf(json.created) ?? 0;
      if (stamp < cursor.stamp) break;
      const id = uuidOf(String(json.id)) ?? String(json.id);
      if (stamp === cursor.stamp && cursor.ids.has(id)) continue;
      fresh.push(json);
    }
    for (const json of fresh.reverse()) {
      await this.#deliver(deps, json);
      const stamp = stampOf(json.created) ?? 0;
      const id = uuidOf(String(json.id)) ?? String(json.id);
      if (stamp > cursor.stamp) {
        cursor.stamp = stamp;
        cursor.ids = new Set();
      }
      cursor.ids.add(id);
      this.#cursors.set(key, cursor);
    }
  }

  // Messages of the first pull's last millisecond are old: their ids are
  // unknown, so that millisecond is left out rather than replayed.
  #defaultCursor(): Cursor {
    const stamp = this.#watermark ?? 0;
    return { stamp: stamp === this.#start ? stamp + 1 : stamp, ids: new Set() };
  }

  async #deliver(deps: PollingDeps, json: Json): Promise<void> {
    if (
      deps.botId && typeof json.personId === "string" &&
      sameWebexId(json.personId, deps.botId)
    ) return;
    const key = `message:${uuidOf(String(json.id)) ?? json.id}`;
    if (!await deps.dedupe.claim(key)) return;
    try {
      const message = messageFromWebex(json);
      await deps.nameAttachment(message, deps.client);
      await deps.ears.put(message);
      await deps.dedupe.complete(key);
    } catch (error) {
      await deps.dedupe.release(key);
      throw error;
    }
  }
}

function stampOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const stamp = Date.parse(value);
  return Number.isNaN(stamp) ? undefined : stamp;
}

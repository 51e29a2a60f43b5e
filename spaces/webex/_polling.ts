import { type CursorStore, MemoryDedupeStore } from "../dedupe.ts";
import { BusyError } from "../kv/dedupe_store.ts";
import { listMessages } from "./api/messages.ts";
import { listRooms } from "./api/rooms.ts";
import type { WebexMessage, WebexRoom } from "./api/types.ts";
import { uuidOf } from "./ids.ts";
import { handleMessageId, type PipelineDeps } from "./_pipeline.ts";

/** What polling needs from its space. */
export interface PollingDeps extends PipelineDeps {
  /** True when the token is a bot's, which must ask for mentions in group rooms. */
  isBot: boolean;
}

/** Where a room was read up to: the newest stamp, and the ids at that stamp. */
interface Cursor {
  stamp: number;
  ids: string[];
}

/** The first pull's start, and the newest activity seen. */
interface Watermark {
  start: number;
  stamp: number;
}

const WATERMARK = "webex:watermark";
/** How far behind its room's cursor a delivered message may be, in ms. */
export const CURSOR_GRACE = 60_000;
const roomKey = (roomId: string) => `webex:room:${uuidOf(roomId) ?? roomId}`;

/**
 * Polls Webex without webhooks, and catches up after webhooks were down.
 *
 * Webex lists messages per room only, so each pull walks the rooms by last
 * activity, stops at the first one unchanged since the previous pull, and
 * lists the new messages of the others (with `mentionedPeople=me` in group
 * rooms), putting each on `ears` once, oldest first. The cursors live in a
 * {@linkcode CursorStore} (the dedupe store when it is one), and messages
 * handled by webhooks move them too, so a pull after a downtime fetches
 * exactly what was missed. All times come from Webex.
 */
export class Poller {
  #store: CursorStore;
  #activity = 0;
  /** Cursors as last read or written here: the webhook path reads these. */
  #cache = new Map<string, unknown>();
  /** Values waiting for their write, and the write under way, per key. */
  #dirty = new Map<string, unknown>();
  #flushes = new Map<string, Promise<void>>();

  /**
   * How many pulls found a room active since the one before (a message,
   * the bot's own reply included): the run loop polls faster after one.
   */
  get activity(): number {
    return this.#activity;
  }

  constructor(store: CursorStore = new MemoryDedupeStore()) {
    this.#store = store;
  }

  /** Fetches what is new since the previous pull; the first pull sets the start. */
  async pull(deps: PollingDeps, signal?: AbortSignal): Promise<void> {
    const rooms = listRooms(deps.client, { sortBy: "lastactivity" }, {
      signal,
    });
    const watermark = await this.#loadFresh<Watermark>(WATERMARK);
    if (!watermark) {
      let start = 0;
      for await (const room of rooms) {
        start = stampOf(room.lastActivity) ?? 0;
        break;
      }
      await this.#save(WATERMARK, { start, stamp: start });
      return;
    }
    const changed: WebexRoom[] = [];
    let newest = watermark.stamp;
    for await (const room of rooms) {
      const activity = stampOf(room.lastActivity) ?? 0;
      if (activity < watermark.stamp) break;
      newest = Math.max(newest, activity);
      changed.push(room);
    }
    if (newest > watermark.stamp) this.#activity++;
    for (const room of changed) {
      await this.#pullRoom(deps, room, watermark, signal);
    }
    await this.#advanceWatermark(newest);
  }

  /**
   * True when a message of `roomId` created at `stamp` is behind the
   * room's cursor by more than {@linkcode CURSOR_GRACE}: handled long ago,
   * so a delivery of it is a replay. The grace lets the deliveries that
   * Webex sends out of order, or that several workers handle at once, in.
   */
  async isBehind(roomId: string, stamp: number): Promise<boolean> {
    const cursor = await this.#load<Cursor>(roomKey(roomId));
    return cursor !== undefined && stamp < cursor.stamp - CURSOR_GRACE;
  }

  /** Moves the cursors past a message that a webhook delivered. */
  async noteHandled(message: WebexMessage): Promise<void> {
    const stamp = stampOf(message.created);
    if (typeof message.roomId !== "string" || stamp === undefined) return;
    const key = roomKey(message.roomId);
    const cursor = await this.#load<Cursor>(key);
    if (cursor && cursor.stamp > stamp) return;
    await this.#save(
      key,
      advance(cursor ?? { stamp, ids: [] }, stamp, idOf(message)),
    );
    // A pull after a downtime starts from the newest event handled. The
    // watermark only grows: one this process saw at or past the stamp
    // spares a read and a write per message.
    if (this.#watermark >= stamp) return;
    await this.#advanceWatermark(stamp);
  }

  /** The newest watermark this process read or wrote. */
  #watermark = -Infinity;

  async #pullRoom(
    deps: PollingDeps,
    room: WebexRoom,
    watermark: Watermark,
    signal?: AbortSignal,
  ): Promise<void> {
    const roomId = String(room.id);
    const key = roomKey(roomId);
    // Messages of the first pull's last millisecond are old: their ids are
    // unknown, so that millisecond is left out rather than replayed.
    let cursor = await this.#loadFresh<Cursor>(key) ?? {
      stamp: watermark.stamp === watermark.start
        ? watermark.stamp + 1
        : watermark.stamp,
      ids: [],
    };
    const fresh: WebexMessage[] = [];
    const query = {
      roomId,
      mentionedPeople: deps.isBot && room.type !== "direct" ? "me" : undefined,
    };
    for await (const json of listMessages(deps.client, query, { signal })) {
      const stamp = stampOf(json.created) ?? 0;
      if (stamp < cursor.stamp) break;
      if (stamp === cursor.stamp && cursor.ids.includes(idOf(json))) continue;
      fresh.push(json);
    }
    for (const json of fresh.reverse()) {
      // The pipeline the webhooks use, so a message is handled once
      // whichever path saw it first.
      try {
        await handleMessageId(deps, {
          id: json.id,
          json,
          skipRefusedPut: true,
        });
      } catch (error) {
        // Claimed elsewhere (a queued delivery of it, or an instance that
        // died on it): that claim's owner, or the queue's next attempt once
        // its lease lapses, handles it; the pull goes on to the next.
        if (!(error instanceof BusyError)) throw error;
        deps.logger.debug(`Message ${json.id} is being handled elsewhere`);
      }
      cursor = advance(cursor, stampOf(json.created) ?? 0, idOf(json));
      await this.#save(key, cursor);
    }
  }

  async #advanceWatermark(stamp: number): Promise<void> {
    const watermark = await this.#load<Watermark>(WATERMARK);
    this.#watermark = Math.max(this.#watermark, watermark?.stamp ?? -Infinity);
    if (watermark && watermark.stamp >= stamp) return;
    this.#watermark = Math.max(this.#watermark, stamp);
    await this.#save(WATERMARK, {
      start: watermark?.start ?? stamp,
      stamp,
    });
  }

  /**
   * A cursor as this process last saw it, read from the store only the
   * first time: the webhook path asks for it on every delivery. Another
   * instance may have moved it since, which only lets a few more
   * deliveries through to the dedupe store.
   */
  async #load<T extends { stamp: number }>(
    key: string,
  ): Promise<T | undefined> {
    if (this.#cache.has(key)) return this.#cache.get(key) as T | undefined;
    return await this.#loadFresh<T>(key);
  }

  /** A cursor read from the store; the newer of it and the one held here. */
  async #loadFresh<T extends { stamp: number }>(
    key: string,
  ): Promise<T | undefined> {
    const text = await this.#store.loadCursor(key);
    const stored = text === undefined ? undefined : JSON.parse(text) as T;
    const held = this.#cache.get(key) as T | undefined;
    const newer = held && (!stored || held.stamp > stored.stamp)
      ? held
      : stored;
    this.#cache.set(key, newer);
    return newer;
  }

  /**
   * Saves a cursor. Saves of one key that come while its write is under
   * way are merged into one write of the newest value, so a burst of
   * deliveries costs few writes; resolves once a write that holds `value`
   * (or a newer one) is done.
   */
  #save(key: string, value: unknown): Promise<void> {
    this.#cache.set(key, value);
    this.#dirty.set(key, value);
    let flush = this.#flushes.get(key);
    if (!flush) {
      flush = this.#flush(key);
      this.#flushes.set(key, flush);
    }
    return flush;
  }

  async #flush(key: string): Promise<void> {
    try {
      // Let the saves of this turn of the event loop join the first write.
      await Promise.resolve();
      while (this.#dirty.has(key)) {
        const value = this.#dirty.get(key);
        this.#dirty.delete(key);
        await this.#store.saveCursor(key, JSON.stringify(value));
      }
    } finally {
      // No await between the last look at #dirty and this: a save that
      // comes later starts a write of its own.
      this.#flushes.delete(key);
    }
  }
}

function advance(cursor: Cursor, stamp: number, id: string): Cursor {
  if (stamp > cursor.stamp) return { stamp, ids: [id] };
  if (stamp === cursor.stamp && !cursor.ids.includes(id)) {
    return { stamp, ids: [...cursor.ids, id] };
  }
  return cursor;
}

function idOf(json: WebexMessage): string {
  return uuidOf(String(json.id)) ?? String(json.id);
}

function stampOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const stamp = Date.parse(value);
  return Number.isNaN(stamp) ? undefined : stamp;
}

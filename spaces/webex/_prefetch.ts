/**
 * Messages fetched ahead of their handling: a queue that has taken a
 * delivery starts `GET /messages/{id}` while it writes its claim, and the
 * pipeline takes the answer instead of asking again. Bounded in number and
 * age: a fetch nobody takes (the event was a duplicate) is dropped.
 *
 * @module
 */

import { getMessage } from "./api/messages.ts";
import type { WebexMessage } from "./api/types.ts";
import type { WebexClient } from "./client.ts";

/** Fetches kept at most, and for how long (ms) when nobody takes them. */
const MOST = 256;
const KEPT = 30_000;

/** Fetches started ahead, by message id. */
export class Prefetches {
  #entries = new Map<string, { at: number; message: Promise<WebexMessage> }>();

  /** Starts fetching message `id`, unless it is under way or too many are. */
  start(client: WebexClient, id: string): void {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (now - entry.at < KEPT) break; // oldest first
      this.#entries.delete(key);
    }
    if (this.#entries.size >= MOST || this.#entries.has(id)) return;
    const message = getMessage(client, id);
    // Taken later, or never: a failure is the taker's to see.
    message.catch(() => {});
    this.#entries.set(id, { at: now, message });
  }

  /** The fetch started for `id`, once: `undefined` when there is none. */
  take(id: string): Promise<WebexMessage> | undefined {
    const entry = this.#entries.get(id);
    this.#entries.delete(id);
    return entry?.message;
  }
}

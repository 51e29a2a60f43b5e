/**
 * What the playground saw on the wire, per room, and the live feed of the
 * page: every API call of the bot, every webhook delivery, and "room
 * changed" notices, pushed to the page as server-sent events.
 *
 * @module
 */

/** One line of the wire panel. */
export interface WireEntry {
  /** Order of arrival. */
  seq: number;
  /** When it was seen (ISO 8601). */
  at: string;
  /** `api` for a call of the bot to the Webex API, `event` for a webhook delivery. */
  kind: "api" | "event";
  /** The HTTP method. */
  method: string;
  /** The path (and query) of an API call, or the hook path of a delivery. */
  path: string;
  /** The answer's status; 0 while a delivery waits for the bot's answer. */
  status: number;
  /** The room it is about, when one could be read from it. */
  roomId?: string;
  /** Resource and event of a delivery, such as `messages created`. */
  summary?: string;
  /** The delivered JSON body (a delivery carries no secret). */
  body?: string;
}

/** What the page is told. */
export type LiveNotice =
  | { type: "changed"; roomId?: string }
  | { type: "wire"; entry: WireEntry };

// The page only shows recent traffic; older lines would only use memory.
const KEEP = 1000;
const encoder = new TextEncoder();

/** The wire log and the subscribers of the live feed. */
export class Wire {
  #entries: WireEntry[] = [];
  #seq = 0;
  #streams = new Set<ReadableStreamDefaultController<Uint8Array>>();

  /** Records an entry and pushes it to the page; returns it, to settle its status. */
  record(entry: Omit<WireEntry, "seq" | "at">): WireEntry {
    const full = { seq: ++this.#seq, at: new Date().toISOString(), ...entry };
    this.#entries.push(full);
    if (this.#entries.length > KEEP) this.#entries.shift();
    this.#push({ type: "wire", entry: full });
    return full;
  }

  /** Sets the status of an entry recorded before its answer, and pushes it again. */
  settle(entry: WireEntry, status: number): void {
    entry.status = status;
    this.#push({ type: "wire", entry });
  }

  /** Tells the page that a room (or, without id, the world) changed. */
  changed(roomId?: string): void {
    this.#push({ type: "changed", ...(roomId ? { roomId } : {}) });
  }

  /** The entries about a room, and those about no room, oldest first. */
  entries(roomId?: string): WireEntry[] {
    return this.#entries.filter((entry) =>
      entry.roomId === undefined || entry.roomId === roomId
    );
  }

  /** A `text/event-stream` response that carries every notice from now on. */
  stream(): Response {
    let self: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        self = controller;
        this.#streams.add(controller);
        controller.enqueue(encoder.encode(": connected\n\n"));
      },
      cancel: () => void this.#streams.delete(self),
    });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
      },
    });
  }

  /** Ends every live feed, so that the server can shut down. */
  close(): void {
    for (const controller of this.#streams) {
      try {
        controller.close();
      } catch {
        // Already closed by the page going away.
      }
    }
    this.#streams.clear();
  }

  #push(notice: LiveNotice): void {
    const chunk = encoder.encode(`data: ${JSON.stringify(notice)}\n\n`);
    for (const controller of this.#streams) {
      try {
        controller.enqueue(chunk);
      } catch {
        this.#streams.delete(controller);
      }
    }
  }
}

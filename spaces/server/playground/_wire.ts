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
  /**
   * The delivered JSON body (a delivery carries no secret); only its start
   * when it is longer than {@linkcode BODY_PREVIEW} characters.
   */
  body?: string;
}

/** What the page is told. */
export type LiveNotice =
  | { type: "changed"; roomId?: string }
  | { type: "wire"; entry: WireEntry };

// The page only shows recent traffic; older lines would only use memory.
const KEEP = 1000;
/** Characters of a body the wire keeps; a delivery is about 1 KiB. */
export const BODY_PREVIEW = 4096;
/** Characters the kept entries may hold in all (about 2 MiB). */
export const KEEP_CHARS = 2 * 1024 * 1024;
// What an entry costs besides its strings, roughly.
const ENTRY_OVERHEAD = 100;
/**
 * Bytes a live feed may have waiting for its page. A page that reads keeps
 * it near empty; one that does not is closed once it is full (the browser's
 * EventSource reconnects and reads the world again).
 */
export const STREAM_BACKLOG = 256 * 1024;
const encoder = new TextEncoder();

/** The wire log and the subscribers of the live feed. */
export class Wire {
  #entries: WireEntry[] = [];
  #chars = 0;
  #seq = 0;
  #streams = new Set<ReadableStreamDefaultController<Uint8Array>>();

  /** Records an entry and pushes it to the page; returns it, to settle its status. */
  record(entry: Omit<WireEntry, "seq" | "at">): WireEntry {
    const full = { seq: ++this.#seq, at: new Date().toISOString(), ...entry };
    if (full.body !== undefined && full.body.length > BODY_PREVIEW) {
      full.body = `${full.body.slice(0, BODY_PREVIEW)}\n… (${
        encoder.encode(full.body).byteLength
      } bytes in all)`;
    }
    this.#entries.push(full);
    this.#chars += _size(full);
    while (
      this.#entries.length > KEEP ||
      (this.#chars > KEEP_CHARS && this.#entries.length > 1)
    ) {
      this.#chars -= _size(this.#entries.shift()!);
    }
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
    }, new ByteLengthQueuingStrategy({ highWaterMark: STREAM_BACKLOG }));
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
        // A page that does not read would make the server hold every
        // notice for it: it is let go instead.
        if ((controller.desiredSize ?? 0) <= 0) {
          this.#streams.delete(controller);
          controller.close();
        } else {
          controller.enqueue(chunk);
        }
      } catch {
        this.#streams.delete(controller);
      }
    }
  }
}

function _size(entry: WireEntry): number {
  return ENTRY_OVERHEAD + entry.path.length + (entry.body?.length ?? 0) +
    (entry.summary?.length ?? 0) + (entry.roomId?.length ?? 0);
}

/**
 * One connection of the Webex websocket ("Mercury"): the authorization
 * frame, readiness (`mercury.buffer_state`), pings and pongs, acks, and how
 * it ended. Reconnecting is the runner's job.
 *
 * @module
 */

/** An inbound envelope: an event with an id to acknowledge. */
export interface Envelope {
  id: string;
  data?: {
    eventType?: string;
    activity?: Record<string, unknown>;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

/** How a connection ended. */
export interface MercuryEnd {
  /** The close code; 1006 when the connection failed or dropped. */
  code: number;
  reason: string;
  /** Whether the upgrade succeeded. */
  opened: boolean;
  /** Whether the server said it was ready. */
  ready: boolean;
}

/** What one connection needs. */
export interface MercuryInit {
  /** The device's `webSocketUrl`. */
  url: string;
  token: string;
  pingInterval: number;
  pongTimeout: number;
  readyTimeout: number;
  /** Called once, when the server is ready. */
  onReady(): void;
  /** Called for every envelope; acknowledge it with {@linkcode MercurySocket.ack}. */
  onEnvelope(envelope: Envelope): void;
}

const QUERY = "outboundWireFormat=text&bufferStates=true&aliasHttpStatus=true" +
  "&multipleConnections=true";
// A close the peer never answers must not hold the runner forever.
const CLOSE_GRACE = 2_000;

/** One websocket to Mercury, from the upgrade to the close. */
export class MercurySocket {
  /** Resolves once the connection is over, however it ended. */
  readonly done: Promise<MercuryEnd>;
  #init: MercuryInit;
  #socket: WebSocket;
  #opened = false;
  #ready = false;
  #ended = Promise.withResolvers<MercuryEnd>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #pingTimer?: ReturnType<typeof setInterval>;
  #pingId?: string;
  #closing?: { code: number; reason: string };

  constructor(init: MercuryInit) {
    this.#init = init;
    this.done = this.#ended.promise;
    const url = `${init.url}${init.url.includes("?") ? "&" : "?"}${QUERY}`;
    this.#socket = new WebSocket(url);
    this.#socket.binaryType = "arraybuffer";
    this.#socket.onopen = () => this.#onOpen();
    this.#socket.onmessage = (event) => this.#onMessage(event.data);
    this.#socket.onclose = (event) =>
      this.#end(
        this.#closing?.code ?? event.code,
        this.#closing?.reason ?? event.reason,
      );
    this.#socket.onerror = () => {};
    this.#later(init.readyTimeout, () => {
      if (!this.#ready) {
        this.close(1000, `not ready within ${init.readyTimeout} ms`);
      }
    });
  }

  /** Acknowledges an envelope, so that Webex does not deliver it again. */
  ack(id: string): void {
    this.#send({ type: "ack", messageId: id });
  }

  /**
   * Closes the connection; `done` gives `code` and `reason` (the runner
   * decides on them), whatever the server answers.
   */
  close(code = 1000, reason = ""): void {
    if (this.#closing) return;
    this.#closing = { code, reason };
    try {
      // Only 1000 and 3000-4999 may be sent by a client.
      this.#socket.close(1000, reason.slice(0, 120));
    } catch {
      this.#end(code, reason);
      return;
    }
    this.#later(CLOSE_GRACE, () => this.#end(code, reason));
  }

  #onOpen(): void {
    this.#opened = true;
    this.#send({
      id: crypto.randomUUID(),
      type: "authorization",
      data: { token: `Bearer ${this.#init.token}` },
    });
  }

  #onMessage(data: unknown): void {
    let frame: Record<string, unknown>;
    try {
      const text = typeof data === "string"
        ? data
        : new TextDecoder().decode(data as ArrayBuffer);
      frame = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof frame !== "object" || frame === null) return;
    if (frame.type === "pong") return this.#onPong(frame.id);
    if (frame.type === "shutdown") return this.close(1000, "shutdown");
    const envelope = frame as Envelope;
    if (typeof envelope.id !== "string") return;
    if (envelope.data?.eventType === "mercury.buffer_state") {
      this.ack(envelope.id);
      if (!this.#ready) this.#onReady();
      return;
    }
    this.#init.onEnvelope(envelope);
  }

  #onReady(): void {
    this.#ready = true;
    this.#pingTimer = setInterval(() => this.#ping(), this.#init.pingInterval);
    this.#init.onReady();
  }

  #ping(): void {
    if (this.#pingId !== undefined) return;
    const id = crypto.randomUUID();
    this.#pingId = id;
    this.#send({ id, type: "ping" });
    this.#later(this.#init.pongTimeout, () => {
      if (this.#pingId === id) this.close(1000, "pong not received");
    });
  }

  #onPong(id: unknown): void {
    if (this.#pingId === undefined) return;
    if (id !== this.#pingId) return this.close(1000, "pong mismatch");
    this.#pingId = undefined;
  }

  #send(frame: Record<string, unknown>): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    try {
      this.#socket.send(JSON.stringify(frame));
    } catch {
      // The close event follows.
    }
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  #end(code: number, reason: string): void {
    clearInterval(this.#pingTimer);
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#ended.resolve({
      code,
      reason,
      opened: this.#opened,
      ready: this.#ready,
    });
  }
}

/**
 * {@linkcode FakeWebexSocket}: the fake's websocket (Mercury) with its
 * region catalog and device service, and the controls that script its
 * failures. It serves on the fake's own port.
 *
 * @module
 */

import type { FakeEvent, State, WebhookRecord } from "./_state.ts";
import { activityOf } from "./_socket_activity.ts";
import {
  type DeviceRecord,
  type DeviceRules,
  DeviceService,
  MERCURY_PATH,
  U2C_PATH,
} from "./_socket_devices.ts";
import { webhookMatches } from "./_webhook_match.ts";
import type {
  FakeDevice,
  FakeEnvelope,
  FakeSocketRequest,
  FakeWebexSocket,
} from "./_socket_types.ts";
import type { PersonRef } from "./types.ts";

interface Connection {
  socket: WebSocket;
  device: DeviceRecord;
  authorized: boolean;
  /** Dropped by `stall()`: open, but silent both ways. */
  stalled: boolean;
  closed: Promise<void>;
}

/** The fake's websocket, catalog and devices; see {@linkcode FakeWebexSocket}. */
export class SocketHub implements FakeWebexSocket {
  /** Ids of the envelopes acknowledged, in order. */
  readonly acks: string[] = [];
  /** Every envelope sent, redeliveries included, in order. */
  readonly sent: FakeEnvelope[] = [];
  /** Requests to the catalog and the device service. */
  readonly requests: FakeSocketRequest[] = [];
  /** Sockets that passed authorization, since the start. */
  connects = 0;
  /** Devices a person may have before registering fails with 403. @default 100 */
  deviceLimit = 100;
  /**
   * The catalog's id for the conversation host; its first three `:`-parts
   * are the cluster in REST ids. @default "urn:TEAM:us-east-2_a"
   */
  clusterId = "urn:TEAM:us-east-2_a";
  #state: State;
  #service: DeviceService;
  #origin = "";
  #connections = new Set<Connection>();
  #catalogFailure: number | false = false;
  #dropAcks = false;
  #holdReady = false;
  #sequence = 0;
  #waiters = new Set<() => void>();

  /** Made by `FakeWebex.start`. */
  constructor(state: State) {
    this.#state = state;
    // Read at each request, so that the controls apply at once.
    const rules: DeviceRules = {
      catalogFailure: () => this.#catalogFailure,
      deviceLimit: () => this.deviceLimit,
      clusterId: () => this.clusterId,
    };
    this.#service = new DeviceService(state, rules);
    this.#service.onForget = (uuid) => this.#closeDevice(uuid);
    state.listeners.add((event) => this.#onEvent(event));
  }

  /** Sets the origin once the fake listens. */
  listen(origin: string): void {
    this.#origin = origin;
    this.#service.origin = origin;
  }

  /** The URL of the region catalog, for `space.u2c_url`. */
  get u2cUrl(): string {
    return `${this.#origin}${U2C_PATH}`;
  }

  /** Sockets open and authorized now. */
  get connections(): number {
    return [...this.#connections].filter((c) => c.authorized).length;
  }

  /** The registered devices. */
  devices(): FakeDevice[] {
    return [...this.#service.devices.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((device) => {
        const json = this.#service.render(device);
        return {
          id: device.uuid,
          url: String(json.url),
          webSocketUrl: String(json.webSocketUrl),
          name: device.name,
          ownerId: this.#state.personRef(device.ownerUuid),
          creationTime: device.creationTime,
          unacked: device.unacked.size,
        };
      });
  }

  /**
   * Registers a device for a person, as another client of theirs would.
   *
   * @throws {TypeError} When the person is unknown, or has too many devices.
   */
  registerDevice(person: PersonRef, name = "other-client"): FakeDevice {
    const owner = this.#state.resolvePerson(person);
    try {
      this.#service.register(owner, name);
    } catch (error) {
      throw new TypeError(`registerDevice: ${(error as Error).message}`);
    }
    this.#changed();
    return this.devices().at(-1)!;
  }

  /** Makes the catalog answer `status` (503 by default), or work again with `false`. */
  failCatalog(status: number | false = 503): void {
    this.#catalogFailure = status;
  }

  /** Closes every socket with this code and reason, such as 4000 `replaced` or 1000 `idle`. */
  closeAll(code = 1000, reason = "idle"): void {
    for (const connection of this.#connections) {
      this.#close(connection, code, reason);
    }
  }

  /**
   * Drops the sockets open now without closing them: they stay open but
   * nothing passes either way (no pong, no event, no ack), as a broken
   * network looks. Sockets opened later work.
   */
  stall(): void {
    for (const connection of this.#connections) connection.stalled = true;
  }

  /**
   * Loses the acks that arrive from now on (`false`: keeps them again), so
   * that what was handled is sent again after a reconnect.
   */
  dropAcks(on = true): void {
    this.#dropAcks = on;
  }

  /** Never says `buffer_state` to new sockets, so that they never become ready. */
  holdReady(on = true): void {
    this.#holdReady = on;
  }

  /** Forgets every device, as WDM does with stale registrations, and closes their sockets. */
  expireDevices(): void {
    for (const uuid of [...this.#service.devices.keys()]) {
      this.#service.forget(uuid);
    }
  }

  /**
   * Resolves once `check` returns true; it is asked again after every
   * change of the sockets, devices, acks and envelopes.
   */
  waitFor(check: () => boolean, signal?: AbortSignal): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = () => {
        if (!check()) return;
        done();
        resolve();
      };
      const onAbort = () => {
        done();
        reject(signal!.reason);
      };
      const done = () => {
        this.#waiters.delete(waiter);
        signal?.removeEventListener("abort", onAbort);
      };
      this.#waiters.add(waiter);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Answers the socket's paths; `undefined` for the others. */
  async handle(request: Request): Promise<Response | undefined> {
    const url = new URL(request.url);
    if (url.pathname.startsWith(`${MERCURY_PATH}/`)) {
      return this.#upgrade(request, url);
    }
    const response = await this.#service.handle(request, url);
    if (response) {
      this.requests.push({
        method: request.method,
        path: url.pathname,
        status: response.status,
      });
      this.#changed();
    }
    return response;
  }

  /** Closes every socket and waits for them to end. */
  async close(): Promise<void> {
    const closing = [...this.#connections].map((connection) => {
      this.#close(connection, 1000, "done (forced)");
      return connection.closed;
    });
    await Promise.all(closing);
  }

  #upgrade(request: Request, url: URL): Response {
    const match = /^\/([^/]+)\/messages$/.exec(
      url.pathname.slice(MERCURY_PATH.length),
    );
    const device = match ? this.#service.devices.get(match[1]) : undefined;
    if (!device) return new Response("Not found", { status: 404 });
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("Upgrade required", { status: 426 });
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    const ended = Promise.withResolvers<void>();
    const connection: Connection = {
      socket,
      device,
      authorized: false,
      stalled: false,
      closed: ended.promise,
    };
    this.#connections.add(connection);
    socket.onmessage = (event) => this.#onFrame(connection, event.data);
    socket.onclose = () => {
      this.#connections.delete(connection);
      ended.resolve();
      this.#changed();
    };
    socket.onerror = () => {};
    return response;
  }

  #onFrame(connection: Connection, data: unknown): void {
    let frame: Record<string, unknown>;
    try {
      frame = JSON.parse(
        typeof data === "string"
          ? data
          : new TextDecoder().decode(data as ArrayBuffer),
      );
    } catch {
      return this.#close(connection, 4400, "not json");
    }
    if (connection.stalled) return;
    if (!connection.authorized) return this.#authorize(connection, frame);
    if (frame.type === "ping") {
      this.#send(connection, { id: frame.id, type: "pong" });
    } else if (
      frame.type === "ack" && typeof frame.messageId === "string" &&
      !this.#dropAcks
    ) {
      connection.device.unacked.delete(frame.messageId);
      this.acks.push(frame.messageId);
      this.#changed();
    }
  }

  #authorize(connection: Connection, frame: Record<string, unknown>): void {
    const data = frame.data as Record<string, unknown> | undefined;
    const token = /^Bearer\s+(\S+)$/.exec(String(data?.token ?? ""))?.[1];
    const owner = token ? this.#state.tokens.get(token) : undefined;
    if (
      frame.type !== "authorization" ||
      owner?.uuid !== connection.device.ownerUuid
    ) {
      return this.#close(connection, 4401, "unauthorized");
    }
    connection.authorized = true;
    this.connects += 1;
    if (!this.#holdReady) {
      this.#send(connection, {
        id: crypto.randomUUID(),
        data: { eventType: "mercury.buffer_state" },
      });
      for (const envelope of connection.device.unacked.values()) {
        this.#push(connection, envelope);
      }
    }
    this.#changed();
  }

  #onEvent(event: FakeEvent): void {
    const activity = activityOf(this.#state, event);
    if (!activity) return;
    for (const device of this.#service.devices.values()) {
      const open = [...this.#connections].filter((connection) =>
        connection.device === device && connection.authorized
      );
      if (open.length === 0 || !this.#sees(device.ownerUuid, event)) continue;
      const envelope: FakeEnvelope = {
        id: crypto.randomUUID(),
        sequenceNumber: ++this.#sequence,
        timestamp: Date.now(),
        trackingId: `MERCURY_${crypto.randomUUID()}`,
        data: { eventType: "conversation.activity", activity },
      };
      // Only what was sent waits for an ack: a device without a socket
      // gets nothing, as after a long disconnect.
      device.unacked.set(envelope.id, envelope);
      for (const connection of open) this.#push(connection, envelope);
    }
  }

  /** What the owner's webhooks would hear, a socket hears too. */
  #sees(ownerUuid: string, event: FakeEvent): boolean {
    const everything = {
      status: "active",
      resource: "all",
      event: "all",
      ownerUuid,
    } as WebhookRecord;
    return webhookMatches(this.#state, everything, event);
  }

  #push(connection: Connection, envelope: FakeEnvelope): void {
    if (connection.stalled) return;
    this.sent.push(envelope);
    this.#send(connection, envelope);
    this.#changed();
  }

  #send(connection: Connection, frame: unknown): void {
    if (connection.socket.readyState !== WebSocket.OPEN) return;
    connection.socket.send(JSON.stringify(frame));
  }

  #close(connection: Connection, code: number, reason: string): void {
    connection.authorized = false;
    try {
      connection.socket.close(code, reason);
    } catch {
      // Already closing.
    }
    this.#changed();
  }

  #closeDevice(uuid: string): void {
    for (const connection of this.#connections) {
      if (connection.device.uuid === uuid) {
        this.#close(connection, 1000, "done (forced)");
      }
    }
  }

  #changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

/**
 * The public shape of the fake's websocket side, `webex.socket`.
 *
 * @module
 */

import type { PersonRef } from "./types.ts";

/** A Mercury envelope, as the fake's socket sends it. */
export interface FakeEnvelope {
  /** The envelope's id, to acknowledge. */
  id: string;
  /** Grows with each envelope. */
  sequenceNumber: number;
  /** When it was sent, ms since the epoch. */
  timestamp: number;
  /** The service's tracking id. */
  trackingId: string;
  /** The event: `conversation.activity` with its activity, or a state such as `mercury.buffer_state`. */
  data: {
    eventType: string;
    activity?: Record<string, unknown>;
  };
}

/** A device registered on the fake, as a test sees it. */
export interface FakeDevice {
  /** The device's uuid. */
  id: string;
  /** Its URL: `PUT` refreshes it, `DELETE` deletes it. */
  url: string;
  /** Where its socket opens. */
  webSocketUrl: string;
  /** The name it was registered with. */
  name: string;
  /** The person id of its owner. */
  ownerId: string;
  /** When it was registered (ISO 8601). */
  creationTime: string;
  /** Envelopes sent to it and not acknowledged yet. */
  unacked: number;
}

/** A request to the catalog or the device service. */
export interface FakeSocketRequest {
  /** The HTTP method. */
  method: string;
  /** The path, such as `/wdm/api/v1/devices`. */
  path: string;
  /** The status answered. */
  status: number;
}

/**
 * The websocket side of `FakeWebex` (`webex.socket`), written from the
 * notes on Webex's undocumented protocol: a region catalog at
 * {@linkcode FakeWebexSocket.u2cUrl}, a device service (403 "excessive
 * device registrations" past `deviceLimit`, 404 for a device it forgot), and
 * sockets that want the authorization frame first, then say
 * `mercury.buffer_state`, answer pings, push a `conversation.activity` for
 * every message, card submission, deletion and membership change the
 * device's owner may see (ids are the uuids inside the REST ids), and send
 * again what was not acknowledged when a socket reconnects. Its controls
 * script the failures a client must survive.
 *
 * @example Close every socket as the real service does when idle
 * ```ts
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * console.log(webex.socket.u2cUrl.endsWith("/u2c/api/v1/catalog")); // true
 * webex.socket.closeAll(1000, "idle");
 * console.log(webex.socket.connections); // 0
 * ```
 */
export interface FakeWebexSocket {
  /** Ids of the envelopes acknowledged, in order. */
  readonly acks: readonly string[];
  /** Every activity envelope sent, redeliveries included, in order. */
  readonly sent: readonly FakeEnvelope[];
  /** Requests to the catalog and the device service. */
  readonly requests: readonly FakeSocketRequest[];
  /** Sockets that passed authorization, since the start. */
  readonly connects: number;
  /** Sockets open and authorized now. */
  readonly connections: number;
  /** The URL of the region catalog, for `space.u2c_url`. */
  readonly u2cUrl: string;
  /** Devices a person may have before registering fails with 403. @default 100 */
  deviceLimit: number;
  /**
   * The catalog's id for the conversation host; its first three `:`-parts
   * are the cluster in REST ids. @default "urn:TEAM:us-east-2_a"
   */
  clusterId: string;
  /** The registered devices, oldest first. */
  devices(): FakeDevice[];
  /**
   * Registers a device for a person, as another client of theirs would.
   *
   * @throws {TypeError} When the person is unknown, or has too many devices.
   */
  registerDevice(person: PersonRef, name?: string): FakeDevice;
  /** Makes the catalog answer `status` (503 by default), or work again with `false`. */
  failCatalog(status?: number | false): void;
  /** Closes every socket with this code and reason, such as 4000 `replaced` or 1000 `idle` (the default). */
  closeAll(code?: number, reason?: string): void;
  /**
   * Drops the sockets open now without closing them: they stay open but
   * nothing passes either way (no pong, no event, no ack), as a broken
   * network looks. Sockets opened later work.
   */
  stall(): void;
  /** Never says `buffer_state` to new sockets (`false`: says it again), so that they never become ready. */
  holdReady(on?: boolean): void;
  /**
   * Loses the acks that arrive from now on (`false`: keeps them again), so
   * that what was handled is sent again after a reconnect.
   */
  dropAcks(on?: boolean): void;
  /** Forgets every device, as WDM does with stale registrations, and closes their sockets. */
  expireDevices(): void;
  /**
   * Resolves once `check` returns true; it is asked again after every
   * change of the sockets, devices, acks and envelopes.
   */
  waitFor(check: () => boolean, signal?: AbortSignal): Promise<void>;
}

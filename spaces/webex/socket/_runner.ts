/**
 * The websocket mode of a Webex space: find the region, get a device, keep
 * a socket open (reconnecting with backoff when the close code allows it),
 * catch up by polling after every (re)connect, and fall back to polling
 * for a while whenever the socket cannot be had.
 *
 * @module
 */

import type { Logger } from "../../log.ts";
import { messageOf } from "../../_objects.ts";
import { backoffDelay, sleep } from "../../retry.ts";
import type { WebexClient } from "../client.ts";
import type { WebexDelivery } from "../delivery.ts";
import { uuidOf } from "../ids.ts";
import { type Catalog, discoverRegion } from "./_catalog.ts";
import { type Device, Devices } from "./_device.ts";
import { SocketInbound } from "./_inbound.ts";
import { type MercuryEnd, MercurySocket } from "./_mercury.ts";
import {
  type ResolvedSocketOptions,
  resolveSocketOptions,
  type WebexSocketOptions,
} from "./options.ts";

/** What the websocket mode needs from its space. */
export interface SocketHost {
  client: WebexClient;
  token: string;
  u2cUrl: string;
  botId?: string;
  logger: Logger;
  isSwitchedOn(): boolean;
  /** Processes a delivery (or puts it in the inbox), as a webhook's. */
  accept(delivery: WebexDelivery): Promise<void>;
  /** One polling pass: what was posted while no socket listened. */
  pull(signal?: AbortSignal): Promise<void>;
  /** The polling loop, until the signal aborts. */
  poll(signal: AbortSignal): Promise<void>;
}

/** Close codes after which a new socket may be opened. */
const RECONNECT_CODES = new Set([1001, 1005, 1006, 1011]);
/** Reasons of a normal close (1000, 1050) after which a new socket may be opened. */
const RECONNECT_REASONS = [
  "idle",
  "done (forced)",
  "pong not received",
  "pong mismatch",
  "shutdown",
  "not ready",
];
/** How many times a stale device URL is replaced before giving up. */
const MAX_REGISTRATIONS = 3;
/** How long deleting the device may take when the space stops. */
const DELETE_TIMEOUT = 5_000;

/**
 * Receives events over the websocket until the signal aborts, polling
 * whenever the socket is unavailable.
 */
export async function runSocket(
  host: SocketHost,
  options: WebexSocketOptions = {},
  signal?: AbortSignal,
): Promise<void> {
  const settings = resolveSocketOptions(options);
  while (!signal?.aborted && host.isSwitchedOn()) {
    const reason = await listen(host, settings, signal);
    if (reason === undefined || signal?.aborted) return;
    host.logger.warn(
      `The Webex websocket is unavailable (${reason}); polling instead, and trying the websocket again in ${
        settings.retryAfter / 1000
      } s`,
    );
    await within(settings.retryAfter, signal, (until) => host.poll(until));
  }
}

/** One life of the socket mode: `undefined` when stopped, else why it gave up. */
async function listen(
  host: SocketHost,
  settings: ResolvedSocketOptions,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let catalog: Catalog;
  let devices: Devices;
  let device: Device;
  try {
    catalog = await discoverRegion(
      host.client,
      host.u2cUrl,
      host.token,
      signal,
    );
    devices = new Devices({
      client: host.client,
      token: host.token,
      wdmUrl: catalog.wdmUrl,
      name: settings.deviceName,
      ttl: settings.deviceTtl,
      logger: host.logger,
    });
    device = await devices.ensure(signal);
  } catch (error) {
    if (signal?.aborted) return undefined;
    return `the region or device step failed: ${messageOf(error)}`;
  }
  const inbound = new SocketInbound(host, {
    hostCatalog: catalog.hostCatalog,
    botUuid: host.botId ? uuidOf(host.botId) ?? host.botId : undefined,
  }, signal);
  let failures = 0;
  let registrations = 0;
  let keepDevice = false;
  try {
    while (!signal?.aborted) {
      const end = await connect(
        host,
        settings,
        device,
        devices,
        inbound,
        signal,
      );
      if (signal?.aborted) return undefined;
      const why = describe(end);
      if (!mayReconnect(end)) {
        // 4000: another connection took the device; it is theirs now.
        keepDevice = end.code === 4000;
        return why;
      }
      if (end.ready) failures = 0;
      if (!end.opened) {
        // A refused upgrade is often a stale device URL (404): a device
        // that WDM forgot is registered again.
        const fresh = await devices.refresh(device, signal).catch(() => device);
        if (!fresh && registrations < MAX_REGISTRATIONS) {
          registrations += 1;
          host.logger.info("The Webex device was gone; registering a new one");
          try {
            device = await devices.register(signal);
          } catch (error) {
            if (signal?.aborted) return undefined;
            return `the device step failed: ${messageOf(error)}`;
          }
          continue;
        }
        if (fresh) device = fresh;
      }
      if (!end.ready && ++failures >= settings.maxFailures) {
        return `${why}, ${failures} times in a row`;
      }
      const wait = backoffDelay(Math.max(1, failures), settings.backoff);
      host.logger.info(
        `The Webex websocket ${why}; reconnecting in ${
          Math.round(wait) / 1000
        } s`,
      );
      if (!await sleep(wait, signal)) return undefined;
    }
    return undefined;
  } finally {
    await inbound.drained();
    if (!keepDevice) {
      await within(
        DELETE_TIMEOUT,
        undefined,
        (until) => devices.remove(device, until),
      );
    }
  }
}

/** One socket, from the upgrade to its end. */
async function connect(
  host: SocketHost,
  settings: ResolvedSocketOptions,
  device: Device,
  devices: Devices,
  inbound: SocketInbound,
  signal?: AbortSignal,
): Promise<MercuryEnd> {
  const socket: MercurySocket = new MercurySocket({
    url: device.webSocketUrl,
    token: host.token,
    pingInterval: settings.pingInterval,
    pongTimeout: settings.pongTimeout,
    readyTimeout: settings.readyTimeout,
    onReady: () => {
      host.logger.info("Receiving Webex events on the websocket");
      // What was posted between two sockets is picked up by one pull.
      inbound.track(
        host.pull(signal).catch((error) =>
          host.logger.warn(
            `Could not catch up on missed messages: ${messageOf(error)}`,
          )
        ),
      );
    },
    onEnvelope: (envelope) => inbound.take(envelope, (id) => socket.ack(id)),
  });
  const stop = () => socket.close(1000, "stopping");
  signal?.addEventListener("abort", stop, { once: true });
  const refresher = setInterval(() => {
    inbound.track(
      devices.refresh(device, signal).then((fresh) => {
        if (!fresh) socket.close(1000, "done (forced)");
      }, (error) =>
        host.logger.warn(
          `Could not refresh the Webex device: ${messageOf(error)}`,
        )),
    );
  }, settings.deviceTtl / 2);
  try {
    return await socket.done;
  } finally {
    clearInterval(refresher);
    signal?.removeEventListener("abort", stop);
  }
}

function mayReconnect(end: MercuryEnd): boolean {
  // A failed upgrade (Deno gives no code) is a failure to count, not a refusal.
  if (!end.opened) return true;
  if (RECONNECT_CODES.has(end.code)) return true;
  if (end.code !== 1000 && end.code !== 1050) return false;
  return RECONNECT_REASONS.some((reason) => end.reason.startsWith(reason));
}

function describe(end: MercuryEnd): string {
  if (!end.opened) return "could not be opened";
  return `closed with ${end.code}${end.reason ? ` '${end.reason}'` : ""}`;
}

/** Runs `work` with a signal that aborts after `ms`, or with `signal`. */
async function within(
  ms: number,
  signal: AbortSignal | undefined,
  work: (until: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ms);
  const stop = () => controller.abort();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    await work(controller.signal);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
  }
}

/**
 * The options of the Webex websocket mode (`space.events: "websocket"`).
 *
 * @module
 */

/** Where Webex's region catalog (U2C) answers. */
export const DEFAULT_U2C_URL = "https://u2c.wbx2.com/u2c/api/v1/catalog";

/**
 * Options of the websocket mode of `WebexSpace`, every duration in
 * milliseconds. The protocol is not documented by Webex: the space falls
 * back to polling whenever it fails, and tries the socket again later.
 *
 * @example Shorter timers, and a catalog of a fake Webex
 * ```ts
 * import { Context, WebexSpace } from "@shellbot/spaces";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops", events: "websocket" } }),
 *   token: webex.bot.token,
 *   apiUrl: webex.url,
 *   socket: { u2cUrl: webex.socket.u2cUrl, pingInterval: 5_000, pongTimeout: 4_000 },
 * });
 * console.log(space.context.get("space.events")); // "websocket"
 * ```
 */
export interface WebexSocketOptions {
  /**
   * The region catalog (U2C) that names the device service.
   * @default `space.u2c_url`, else `https://u2c.wbx2.com/u2c/api/v1/catalog`
   */
  u2cUrl?: string;
  /** Time between two pings on the socket. @default 15_000 */
  pingInterval?: number;
  /** How long a pong may take before the socket counts as dead. @default 14_000 */
  pongTimeout?: number;
  /** How long the socket may take to be open and ready (`buffer_state`). @default 15_000 */
  readyTimeout?: number;
  /** How long the space polls after a fallback before it tries the socket again. @default 300_000 */
  retryAfter?: number;
  /** Lifetime of the device registration, refreshed at half of it. @default 1_800_000 */
  deviceTtl?: number;
  /** Name of the device, reused across restarts. @default "shellbot-spaces" */
  deviceName?: string;
  /** Failed attempts in a row (never ready) before falling back to polling. @default 3 */
  maxFailures?: number;
  /** The backoff between two reconnects. @default { base: 1_000, max: 32_000 } */
  backoff?: {
    /** Delay before the first retry, ms. */
    base: number;
    /** Largest delay, ms. */
    max: number;
  };
}

/** The options with their defaults. */
export type ResolvedSocketOptions = Required<
  Omit<WebexSocketOptions, "u2cUrl">
>;

/** Fills in the defaults. */
export function resolveSocketOptions(
  options: WebexSocketOptions = {},
): ResolvedSocketOptions {
  return {
    pingInterval: options.pingInterval ?? 15_000,
    pongTimeout: options.pongTimeout ?? 14_000,
    readyTimeout: options.readyTimeout ?? 15_000,
    retryAfter: options.retryAfter ?? 300_000,
    deviceTtl: options.deviceTtl ?? 1_800_000,
    deviceName: options.deviceName ?? "shellbot-spaces",
    maxFailures: options.maxFailures ?? 3,
    backoff: options.backoff ?? { base: 1_000, max: 32_000 },
  };
}

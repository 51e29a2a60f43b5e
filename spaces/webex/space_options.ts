/**
 * The options of `WebexSpace` and of its methods.
 *
 * @module
 */

import type { SignalOptions, SpaceOptions } from "../base.ts";
import type { DedupeStore } from "../dedupe.ts";
import type { EventSink } from "../queue.ts";
import type { WebexClientOptions } from "./client.ts";
import type { WebexDelivery } from "./delivery.ts";
import type { WebexSocketOptions } from "./socket/options.ts";

export type { WebexSocketOptions } from "./socket/options.ts";

/** Options of {@linkcode WebexSpace}. */
export interface WebexSpaceOptions extends SpaceOptions {
  /** Bot token; else `space.token`, `WEBEX_BOT_TOKEN`, `CISCO_SPARK_BOT_TOKEN`. */
  token?: string;
  /** Audit token; else `space.audit_token`, `WEBEX_AUDIT_TOKEN`, `CISCO_SPARK_AUDIT_TOKEN`. */
  auditToken?: string;
  /** API URL; else `space.api_url`, `WEBEX_API_URL`, `https://webexapis.com/v1`. */
  apiUrl?: string;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Retry and timeout settings of the API client (attempts, backoff,
   * longest Retry-After waited, header timeout), in milliseconds.
   * @default the client's defaults
   */
  clientOptions?: Omit<
    WebexClientOptions,
    "token" | "apiUrl" | "fetch" | "logger"
  >;
  /**
   * Where accepted webhook deliveries go, to be processed later by
   * {@linkcode WebexSpace.processDelivery} (a durable queue such as a
   * `KvQueue`). Without it, `webhook()` processes each delivery before it
   * answers.
   */
  inbox?: EventSink<WebexDelivery>;
  /** Remembers handled events, shared by webhooks and polling. @default a MemoryDedupeStore */
  dedupe?: DedupeStore;
  /**
   * Timers and catalog of the websocket mode (`space.events: "websocket"`).
   * @default the defaults of {@linkcode WebexSocketOptions}
   */
  socket?: WebexSocketOptions;
  /**
   * Refuse every delivery that is not signed: without `space.webhook_secret`,
   * `webhook()` answers 503 and logs, rather than take unsigned ones.
   * `server.ts` always sets it.
   * @default false: without a secret, deliveries are not verified
   */
  requireSignature?: boolean;
  /**
   * Milliseconds after its `data.created` past which a delivery is a
   * replay, dropped (logged at debug): set it to the retention of the
   * dedupe record. A message delivery far behind its room's polling cursor
   * is dropped too. `server.ts` sets 600_000.
   * @default no limit
   */
  replayWindow?: number;
}

/** Options of {@linkcode WebexSpace.register}. */
export interface RegisterOptions extends SignalOptions {
  /**
   * Which earlier webhooks of the tokens to remove: `"all"` (so only this
   * instance is notified) or `"own"` (only `shellbot-*`, for deployments
   * that share a token).
   * @default "all"
   */
  purge?: "all" | "own";
  /**
   * Whether `register` catches up (one pull of what was posted while no
   * webhook reached the bot) before it returns. `false` leaves it to you:
   * a server that is already receiving can run `space.pull()` after.
   * @default true
   */
  catchUp?: boolean;
}

/** Options of {@linkcode WebexSpace.create}. */
export interface WebexCreateOptions extends SignalOptions {
  /** Team of the new room: an object with an id, or a name looked up (and created when missing). */
  team?: { id: string } | string;
}

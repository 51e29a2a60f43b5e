/**
 * A bot on Webex behind the hook route, started from settings and
 * environment: what `deno run server.ts` runs.
 *
 * @module
 */

import type { BotHandler, BotLike } from "../bot.ts";
import type { Settings } from "../context.ts";
import type { WebexSpace } from "../webex/space.ts";
import { createHookHandler } from "./hook_handler.ts";
import { prepareBot, type Receiving } from "./_prepare_bot.ts";

/** Options of {@linkcode startServer}. */
export interface StartServerOptions {
  /** The bot to feed. @default a demo bot (help, hello, echo) */
  bot?: BotHandler | BotLike;
  /** Settings, on top of those read from the environment. */
  settings?: Settings;
  /** Reads environment variables. @default a reader of Deno.env */
  env?: (name: string) => string | undefined;
  /** Interface to listen on. @default `server.hostname`, else "0.0.0.0" */
  hostname?: string;
  /** Port to listen on; 0 picks a free one. @default `server.port`, else 8080 */
  port?: number;
  /** Which earlier webhooks to remove when registering. @default "all" */
  purge?: "all" | "own";
  /** `fetch` for the Webex API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Deno KV shared by several instances of the server: the hook route puts
   * each delivery on a `KvQueue` and answers at once, every instance's
   * worker takes deliveries from it and runs the bot, and a
   * `KvDedupeStore` makes each event handled once across instances. A
   * SQLite file path (one machine), `":deploy"` or `""` for
   * `Deno.openKv()` without a path (the managed KV of Deno Deploy), or
   * `":memory:"`. A claim lasts `space.kv_lease` seconds (default 60).
   * `stop()` then leaves the webhooks registered, for the other instances.
   * @default `space.kv`, else the environment variable `DENO_KV_PATH`, else
   * off: events are queued in memory
   */
  kv?: string;
}

/** A running webhook server, from {@linkcode startServer}. */
export interface RunningServer {
  /** The space. */
  space: WebexSpace;
  /** Where the server listens, such as `http://127.0.0.1:8080`. */
  address: string;
  /** How events arrive. */
  mode: "webhook" | "polling" | "websocket";
  /**
   * Deregisters webhooks (unless they are shared through KV), stops polling
   * and the server, and lets the bot finish.
   */
  stop(): Promise<void>;
}

/**
 * Starts a bot on Webex: builds and connects the space, bonds to the room
 * `space.room` (creating it and adding `space.participants` when missing),
 * serves the hook route, and registers `server.url` + `server.hook` when
 * `server.url` is set, else polls.
 *
 * @param options The bot, settings and where to listen.
 * @returns The running server; call `stop()` to end it cleanly.
 *
 * @example Run a bot against a fake Webex, by polling
 * ```ts
 * import { startServer } from "@shellbot/spaces/server";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const running = await startServer({
 *   settings: { space: { room: "Ops", token: webex.bot.token, api_url: webex.url } },
 *   env: () => undefined,
 *   hostname: "127.0.0.1",
 *   port: 0,
 * });
 * console.log(running.mode); // "polling"
 * await running.stop();
 * ```
 */
export async function startServer(
  options: StartServerOptions = {},
): Promise<RunningServer> {
  const bot = await prepareBot(options);
  const context = bot.space.context;
  let server: Deno.HttpServer<Deno.NetAddr> | undefined;
  let receiving: Receiving;
  try {
    server = Deno.serve({
      hostname: options.hostname ??
        context.get<string>("server.hostname", "0.0.0.0"),
      port: options.port ?? Number(context.get("server.port", 8080)),
      onListen() {},
    }, createHookHandler(bot.space));
    // Listen first, so that no delivery arrives before the route exists.
    receiving = await bot.receive();
  } catch (error) {
    // A failed start leaves nothing running behind the caller's back.
    await server?.shutdown();
    await bot.stop();
    throw error;
  }
  const listening = server;
  let stopping: Promise<void> | undefined;
  return {
    space: bot.space,
    address: `http://${listening.addr.hostname}:${listening.addr.port}`,
    mode: receiving.mode,
    stop: () =>
      stopping ??= (async () => {
        await receiving.stop();
        await listening.shutdown();
        await bot.stop();
      })(),
  };
}

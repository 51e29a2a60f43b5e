/**
 * A bot on Webex behind the hook route, started from settings and
 * environment: what `deno run server.ts` runs.
 *
 * @module
 */

import type { BotHandler, BotLike } from "../bot.ts";
import type { Settings } from "../context.ts";
import type { Logger } from "../log.ts";
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
   * Where the server keeps its queue of deliveries, its record of handled
   * events, its polling cursors and a generated webhook secret: Deno KV,
   * shared by every instance that opens the same KV. A SQLite file path
   * (its folder is created), `":deploy"` or `""` for `Deno.openKv()`
   * without a path (the managed KV of Deno Deploy), or `":memory:"` (lost
   * at exit). A claim lasts `space.kv_lease` seconds (default 60).
   * @default `space.kv`, else the environment variable `DENO_KV_PATH`,
   * else Deno Deploy's KV when running there, else the file
   * `./.shellbot/kv.sqlite3`
   */
  kv?: string;
  /** Where the server logs. @default info, warnings and errors to the console */
  logger?: Logger;
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
   * Stops taking deliveries (the hook route answers 503), lets the bot work
   * through the queue for up to `server.drain` seconds (default 8), then
   * stops polling and the server. What is left stays queued in the KV for
   * the next start; the webhooks stay registered.
   *
   * @returns The deliveries left in the queue (0 when it emptied).
   */
  stop(): Promise<number>;
  /**
   * Stops at once, as for a second signal: the jobs under way go back to
   * the queue, for the next start (nothing answered 2xx is lost).
   */
  abandon(): Promise<void>;
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
  let accepting = true;
  const hook = createHookHandler(bot.space);
  try {
    server = Deno.serve({
      hostname: options.hostname ??
        context.get<string>("server.hostname", "0.0.0.0"),
      port: options.port ?? Number(context.get("server.port", 8080)),
      onListen() {},
    }, (request) => accepting ? hook(request) : draining(request));
    // Listen first, so that no delivery arrives before the route exists.
    receiving = await bot.receive();
  } catch (error) {
    // A failed start leaves nothing running behind the caller's back.
    await server?.shutdown();
    await bot.abandon();
    throw error;
  }
  const listening = server;
  let stopping: Promise<number> | undefined;
  return {
    space: bot.space,
    address: `http://${listening.addr.hostname}:${listening.addr.port}`,
    mode: receiving.mode,
    stop: () =>
      stopping ??= (async () => {
        // Refused from now on: Webex delivers again, to another instance
        // or to the next start, and catch-up brings the messages.
        accepting = false;
        // One deadline for the whole stop: the catch-up's wait, then the
        // queue's drain, have `server.drain` seconds together.
        const end = Date.now() + bot.drainDeadline;
        await receiving.stop();
        const left = await bot.stop(Math.max(0, end - Date.now()));
        await listening.shutdown();
        return left;
      })(),
    abandon: async () => {
      accepting = false;
      await receiving.stop();
      await bot.abandon();
      await listening.shutdown();
    },
  };
}

/** The answer of a server that is stopping. */
async function draining(request: Request): Promise<Response> {
  await request.body?.cancel();
  return new Response(
    JSON.stringify({ error: "The server is stopping: deliver it again later" }),
    {
      status: 503,
      headers: { "content-type": "application/json", "retry-after": "10" },
    },
  );
}

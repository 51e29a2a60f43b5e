/**
 * The webhook server: a bot on Webex, behind one HTTP route.
 *
 * As a program, it builds a Webex space from settings and environment,
 * bonds to the room `space.room`, receives events by webhook when
 * `server.url` is set (else by polling), and feeds them to a bot module:
 *
 * ```sh
 * deno run -A --env-file server.ts --bot ./my_bot.ts
 * ```
 *
 * As a library, {@linkcode createHookHandler} gives the web-standard
 * handler of the hook route for any space, to mount in your own server.
 *
 * @example Mount the hook route on your own Deno.serve
 * ```ts
 * import { Context, WebexSpace } from "@shellbot/spaces";
 * import { createHookHandler } from "@shellbot/spaces/server";
 *
 * const space = new WebexSpace({ context: new Context({ space: { room: "Ops", token: "t" } }) });
 * const handler = createHookHandler(space, { path: "/hook" });
 * const response = await handler(new Request("http://localhost/health"));
 * console.log(response.status); // 200
 * ```
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { Space } from "./spaces/base.ts";
import { type BotHandler, botSink, loadBot, runBot } from "./spaces/bot.ts";
import { Context, type Settings } from "./spaces/context.ts";
import { ConfigurationError } from "./spaces/errors.ts";
import type { SpaceEvent } from "./spaces/events.ts";
import { buildHookHandler } from "./spaces/_hook_app.ts";
import { demoBot } from "./spaces/_demo_bot.ts";
import { KvDedupeStore, KvQueue } from "./spaces/kv.ts";
import { EventQueue } from "./spaces/queue.ts";
import type { WebexDelivery } from "./spaces/webex/delivery.ts";
import { WebexSpace } from "./spaces/webex/space.ts";
import { messageOf } from "./spaces/_objects.ts";

/** Options of {@linkcode createHookHandler}. */
export interface HookHandlerOptions {
  /** Path of the hook route. @default `server.hook` of the space's settings, else "/hook" */
  path?: string;
  /** Largest delivery accepted, in bytes; larger ones get 413. @default 1_048_576 */
  maxBodyBytes?: number;
}

/**
 * Builds the HTTP handler of the webhook server for a space: `POST` on the
 * hook path calls `space.webhook(request)`, `GET /health` answers
 * `{"status":"ok"}`, and errors never leak internals.
 *
 * @param space The space that processes deliveries.
 * @param options Path and body limit.
 * @returns A `fetch`-style handler, for `Deno.serve` or any web server.
 *
 * @example Serve the hook route
 * ```ts
 * import { EventQueue, Context, WebexSpace, type SpaceEvent } from "@shellbot/spaces";
 * import { createHookHandler } from "@shellbot/spaces/server";
 *
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops", token: "t" } }),
 *   ears: new EventQueue<SpaceEvent>(),
 * });
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, createHookHandler(space));
 * await server.shutdown();
 * ```
 */
export function createHookHandler(
  space: Space,
  options: HookHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return buildHookHandler(space, {
    path: options.path ?? space.context.get<string>("server.hook", "/hook"),
    maxBodyBytes: options.maxBodyBytes ?? 1_048_576,
  });
}

/** Options of {@linkcode startServer}. */
export interface StartServerOptions {
  /** The bot to feed. @default a demo bot (help, hello, echo) */
  bot?: BotHandler;
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
  mode: "webhook" | "polling";
  /**
   * Deregisters webhooks (unless they are shared through KV), stops polling
   * and the server, and lets the bot finish.
   */
  stop(): Promise<void>;
}

/** Settings keys that `settingsFromEnv` reads, from `A_B` for `a.b`. */
const ENV_SETTINGS = [
  "space.room",
  "space.participants",
  "space.team",
  "server.url",
  "server.hook",
  "server.hostname",
  "server.port",
  "space.kv_lease",
];

/**
 * Reads the server's settings from environment variables named after the
 * keys: `SPACE_ROOM` for `space.room`, `SERVER_URL` for `server.url`, and
 * so on. Tokens and the webhook secret come from their own variables
 * (`WEBEX_BOT_TOKEN`, ...) when the space checks its settings.
 *
 * @param env Reads one variable.
 * @returns The settings found.
 *
 * @example Settings from a map
 * ```ts
 * import { settingsFromEnv } from "@shellbot/spaces/server";
 *
 * const settings = settingsFromEnv((name) => ({ SPACE_ROOM: "Ops" } as Record<string, string>)[name]);
 * console.log(settings); // { "space.room": "Ops" }
 * ```
 */
export function settingsFromEnv(
  env: (name: string) => string | undefined,
): Settings {
  const settings: Settings = {};
  for (const key of ENV_SETTINGS) {
    const value = env(key.replaceAll(".", "_").toUpperCase());
    if (value !== undefined && value !== "") settings[key] = value;
  }
  return settings;
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
  let receiving: Awaited<ReturnType<typeof bot.receive>>;
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

/** A connected space with its bot running, not yet receiving events. */
async function prepareBot(options: StartServerOptions) {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const context = new Context(settingsFromEnv(env), { env });
  if (options.settings) context.apply(options.settings);
  const bot = options.bot ?? demoBot;
  const kvPath = options.kv ??
    context.get<string | undefined>("space.kv") ?? env("DENO_KV_PATH");
  const shared = kvPath === undefined
    ? undefined
    : await openShared(kvPath, leaseOf(context));
  const memory = shared ? undefined : new EventQueue<SpaceEvent>();
  // With KV, the bot runs inside the queue's job, and a failure of the bot
  // fails the job, so that KV delivers the event again.
  const ears = memory ??
    botSink(bot, () => space, { rethrow: true });
  const space: WebexSpace = new WebexSpace({
    context,
    ears,
    fetch: options.fetch,
    inbox: shared?.queue,
    dedupe: shared?.dedupe,
  });
  try {
    space.check();
    await space.connect();
    await bond(space);
  } catch (error) {
    await shared?.queue.close();
    throw error;
  }
  const consumer = memory
    ? runBot(bot, space, memory)
    : shared!.queue.listen(async (delivery) =>
      void await space.processDelivery(delivery)
    );
  return {
    space,
    /** Registers webhooks when `server.url` is set, else starts polling. */
    async receive() {
      const publicUrl = context.get<string | undefined>("server.url");
      if (!publicUrl) {
        const polling = await space.start();
        return { mode: "polling" as const, stop: () => polling!.stop() };
      }
      const hookUrl = publicUrl.replace(/\/+$/, "") +
        context.get<string>("server.hook", "/hook");
      await space.register(hookUrl, { purge: options.purge });
      space.logger.info(`Receiving events at ${hookUrl}`);
      // With KV, the webhooks serve every instance: one that stops must
      // leave them to the others (the next one to start keeps them).
      if (shared) return { mode: "webhook" as const, stop: async () => {} };
      return {
        mode: "webhook" as const,
        stop: () =>
          space.onStop().catch((error) =>
            space.logger.error(
              `Could not remove the webhooks: ${messageOf(error)}`,
            )
          ),
      };
    },
    /**
     * Lets the bot finish the events it has: all those queued in memory;
     * with KV, the jobs under way (the rest wait in KV for an instance).
     */
    async stop() {
      if (memory) memory.close();
      else await shared!.queue.close();
      await consumer;
    },
  };
}

/** Opens the KV named by `--kv`, with its queue and dedupe store. */
async function openShared(path: string, lease: number) {
  const file = path === "" || path === ":deploy" ? undefined : path;
  const queue = await KvQueue.open<WebexDelivery>(file, {
    name: "shellbot-deliveries",
  });
  return { queue, dedupe: new KvDedupeStore(queue.kv, { lease }) };
}

/** `space.kv_lease`, in ms. */
function leaseOf(context: Context): number {
  const value = context.get<unknown>("space.kv_lease", 60);
  const seconds = Number(value);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new ConfigurationError(
      `'space.kv_lease' (or SPACE_KV_LEASE) must be a number of seconds above 0, not '${value}'`,
      { key: "space.kv_lease" },
    );
  }
  return seconds * 1000;
}

/** Finds or creates the room `space.room`, adding participants to a new one. */
async function bond(space: WebexSpace): Promise<void> {
  const title = space.configuredTitle();
  let channel = await space.getByTitle(title);
  if (!channel) {
    channel = await space.create(title);
    const persons = space.context.get<string[]>("space.participants", []);
    if (persons.length > 0) await space.addParticipants(channel.id, persons);
  }
  space.context.set("space.id", channel.id);
}

const USAGE = `Usage: deno run -A --env-file server.ts [options]

Runs a bot on Webex. Settings come from the environment: WEBEX_BOT_TOKEN,
SPACE_ROOM (the room to bond), SERVER_URL (public URL; without it the bot
polls), WEBEX_WEBHOOK_SECRET, SPACE_PARTICIPANTS, WEBEX_AUDIT_TOKEN...

Options:
  --bot <module>       a module whose default export is (event, space) => ...
  --port <port>        port to listen on (default SERVER_PORT, else 8080)
  --hostname <host>    interface to listen on (default 0.0.0.0)
  --purge <all|own>    earlier webhooks to remove: all of the token's, or shellbot-* only
  --kv <path>          share the work with other instances through Deno KV: a
                       SQLite file, or :deploy for Deno Deploy's KV (default
                       DENO_KV_PATH; without it, one process in memory)
  -h, --help           show this help
`;

async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      strict: true,
      options: {
        bot: { type: "string" },
        port: { type: "string" },
        hostname: { type: "string" },
        purge: { type: "string" },
        kv: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    console.error(
      `${messageOf(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (
    flags.purge !== undefined && flags.purge !== "all" && flags.purge !== "own"
  ) {
    console.error(`--purge takes 'all' or 'own', not '${flags.purge}'`);
    return 2;
  }
  if (flags.port !== undefined && !/^\d+$/.test(flags.port)) {
    console.error(`--port takes a number, not '${flags.port}'`);
    return 2;
  }
  // Listen for signals first: a SIGTERM during start-up still stops cleanly.
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let running: RunningServer;
  try {
    running = await startServer({
      bot: flags.bot === undefined ? undefined : await loadBot(flags.bot),
      hostname: flags.hostname,
      port: flags.port === undefined ? undefined : Number(flags.port),
      purge: flags.purge as "all" | "own" | undefined,
      kv: flags.kv,
    });
  } catch (error) {
    console.error(messageOf(error));
    return 1;
  }
  console.log(`Listening on ${running.address} (${running.mode})`);
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  await running.stop();
  console.log("Stopped");
  return 0;
}

let lazy: Promise<(request: Request) => Promise<Response>> | undefined;

/**
 * For `deno serve server.ts` (and Deno Deploy): the first request connects
 * the space from the environment, with the bot module named by
 * `SHELLBOT_BOT` (else the demo bot) and registers `SERVER_URL` when set;
 * every request then goes to the hook route.
 *
 * @example Serve it
 * ```ts ignore
 * // WEBEX_BOT_TOKEN=... SPACE_ROOM=Ops SERVER_URL=https://bot.example.com \
 * //   SHELLBOT_BOT=./my_bot.ts deno serve -A server.ts
 * import serve from "@shellbot/spaces/server";
 * export default serve;
 * ```
 */
const serveExport: Deno.ServeDefaultExport = {
  async fetch(request: Request): Promise<Response> {
    lazy ??= (async () => {
      const module = Deno.env.get("SHELLBOT_BOT");
      const bot = await prepareBot({
        bot: module ? await loadBot(module) : undefined,
      });
      try {
        await bot.receive();
      } catch (error) {
        await bot.stop();
        throw error;
      }
      return createHookHandler(bot.space);
    })().catch((error) => {
      // The next request tries again, rather than failing for ever.
      lazy = undefined;
      throw error;
    });
    return await (await lazy)(request);
  },
};
export default serveExport;

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

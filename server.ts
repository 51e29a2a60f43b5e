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
 * Under `deno serve` (one process; `--parallel` is not supported), it
 * serves its default `{ fetch }` export instead, on the port given to
 * `deno serve`, with the bot module named by `SHELLBOT_BOT`:
 *
 * ```sh
 * SHELLBOT_BOT=./my_bot.ts deno serve -A --env-file=.env --port 8080 server.ts
 * ```
 *
 * As a library, {@linkcode createHookApp} gives the hook route as a Hono
 * app, to mount in a Hono app of your own with
 * `app.route("/bot", createHookApp(space))` (the app this module serves),
 * and {@linkcode createHookHandler} gives its web-standard handler, for a
 * plain `Deno.serve`, Oak or Fresh. Both bound what a delivery may hold
 * before its signature is checked (body size, bytes being read at once, time
 * for a body to arrive); `Deno.serve` bounds neither connections nor header
 * time, so put a reverse proxy in front of a server open to the internet.
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

import { createServeExport } from "./spaces/server/_serve_export.ts";
import { main } from "./spaces/server/_main.ts";
import type { BotHandler, BotLike } from "./spaces/bot.ts";

export {
  createHookHandler,
  type HookHandlerOptions,
} from "./spaces/server/hook_handler.ts";
export { createHookApp, type HookApp } from "./spaces/server/hook_app.ts";
export { settingsFromEnv } from "./spaces/server/settings_from_env.ts";
export {
  type RunningServer,
  startServer,
  type StartServerOptions,
} from "./spaces/server/start_server.ts";

/**
 * The `{ fetch }` of a bot you import yourself, for the default export of
 * a `main.ts` under `deno serve` or on Deno Deploy, where a module named
 * at run time (`SHELLBOT_BOT`) cannot be loaded: the first request
 * connects the space from the environment and registers `SERVER_URL`
 * when set; every request then goes to the hook route.
 *
 * @param bot The bot, statically imported.
 * @returns The default export for `deno serve`.
 *
 * @example A `main.ts` for Deno Deploy
 * ```ts
 * import type { BotHandler } from "@shellbot/spaces";
 * import { serveBot } from "@shellbot/spaces/server";
 *
 * const bot: BotHandler = async (event, space) => {
 *   if (event.type === "message" && event.channelId) {
 *     await space.postMessage(event.channelId, `You said: ${event.text}`);
 *   }
 * };
 * const serve = serveBot(bot); // in main.ts: export default serveBot(bot);
 * console.log(typeof serve.fetch); // "function"
 * ```
 */
export function serveBot(bot: BotHandler | BotLike): Deno.ServeDefaultExport {
  return createServeExport({ bot }).serve;
}

const serving = createServeExport();

/**
 * For `deno serve server.ts` (and a `main.ts` of your own on Deno Deploy):
 * the first request connects the space from the environment, with the bot
 * module named by `SHELLBOT_BOT` (else the demo bot) and registers
 * `SERVER_URL` when set; every request then goes to the hook route.
 *
 * @example Serve it
 * ```ts ignore
 * // WEBEX_BOT_TOKEN=... SPACE_ROOM=Ops SERVER_URL=https://bot.example.com \
 * //   SHELLBOT_BOT=./my_bot.ts deno serve -A main.ts
 * import serve from "@shellbot/spaces/server";
 * export default serve;
 * ```
 */
const serveExport: Deno.ServeDefaultExport = serving.serve;
export default serveExport;

if (import.meta.main) {
  // `deno serve` sets import.meta.main as `deno run` does, and Deno tells
  // the program nothing else. But once this module is evaluated, deno serve
  // listens with the default export and calls its onListen, before any
  // timer runs; deno run never does. So decide on the first timer.
  setTimeout(async () => {
    if (!serving.listening()) Deno.exit(await main(Deno.args));
  }, 0);
}

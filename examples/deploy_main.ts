/**
 * A `main.ts` for `deno serve` and Deno Deploy: the bot comes in through a
 * static import (Deploy cannot load a module named at run time), and the
 * default export serves the webhook route. Settings come from the
 * environment: `WEBEX_BOT_TOKEN`, `SPACE_ROOM`, `WEBEX_WEBHOOK_SECRET`,
 * `SERVER_URL`, and `DENO_KV_PATH` to share the work between instances
 * through Deno KV (a SQLite file on one machine).
 *
 * ```sh
 * DENO_KV_PATH=./shellbot.kv deno serve -A --env-file --port 8000 examples/deploy_main.ts
 * ```
 *
 * @module
 */

import { serveBot } from "@shellbot/spaces/server";
import bot from "./echo_bot.ts";

export default serveBot(bot);

/**
 * A Hono app of your own with the bot's hook route mounted under `/bot`:
 * Webex POSTs to `https://<your host>/bot/hook`, your routes stay yours. It
 * reads the same variables as `server.ts`:
 *
 * ```sh
 * WEBEX_BOT_TOKEN=... WEBEX_WEBHOOK_SECRET=... SPACE_ROOM=Ops \
 *   SERVER_URL=https://bot.example.com SERVER_PORT=8080 \
 *   deno run -A examples/hono_app.ts
 * ```
 *
 * In your project, `deno add npm:hono` and import from `@shellbot/spaces`.
 *
 * @module
 */

import { Hono } from "hono";
import {
  Context,
  EventQueue,
  runBot,
  type SpaceEvent,
  WebexSpace,
} from "@shellbot/spaces";
import { createHookApp, settingsFromEnv } from "@shellbot/spaces/server";
import bot from "./command_bot.ts";

/** Your app: a route of yours, and the bot's under `/bot`. */
export function myApp(space: WebexSpace): Hono {
  const app = new Hono();
  app.get("/", (c) => c.text("My app; the bot lives under /bot"));
  app.route("/bot", createHookApp(space)); // POST /bot/hook, GET /bot/health
  return app;
}

if (import.meta.main) {
  const ears = new EventQueue<SpaceEvent>();
  // SPACE_ROOM and the other variables server.ts reads; the token and the
  // secret come from WEBEX_BOT_TOKEN and WEBEX_WEBHOOK_SECRET.
  const space = new WebexSpace({
    context: new Context(settingsFromEnv((name) => Deno.env.get(name))),
    ears,
    logger: console,
  });
  space.check();
  await space.connect();
  const server = Deno.serve(
    { port: Number(Deno.env.get("SERVER_PORT") ?? 8080) },
    myApp(space).fetch,
  );
  const publicUrl = Deno.env.get("SERVER_URL");
  if (publicUrl) {
    await space.register(`${publicUrl.replace(/\/+$/, "")}/bot/hook`);
  } else {
    console.warn("Set SERVER_URL to the public URL of this app for webhooks");
  }
  const running = runBot(bot, space, ears);
  Deno.addSignalListener("SIGINT", async () => {
    await server.shutdown();
    ears.close();
    await running;
  });
}

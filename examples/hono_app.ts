/**
 * A Hono app of your own with the bot's hook route mounted under `/bot`:
 * Webex POSTs to `https://<your host>/bot/hook`, your routes stay yours.
 *
 * ```sh
 * WEBEX_BOT_TOKEN=... WEBEX_WEBHOOK_SECRET=... SPACE_ROOM=Ops \
 *   PUBLIC_URL=https://bot.example.com deno run -A examples/hono_app.ts
 * ```
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
import { createHookApp } from "@shellbot/spaces/server";
import bot from "./command_bot.ts";

const ears = new EventQueue<SpaceEvent>();
const space = new WebexSpace({
  // The token and the webhook secret come from WEBEX_BOT_TOKEN and
  // WEBEX_WEBHOOK_SECRET when the space checks its settings.
  context: new Context({
    space: { room: Deno.env.get("SPACE_ROOM") ?? "Ops" },
  }),
  ears,
  logger: console,
});

const app = new Hono();
app.get("/", (c) => c.text("My app; the bot lives under /bot"));
app.route("/bot", createHookApp(space, { path: "/hook" }));

if (import.meta.main) {
  space.check();
  await space.connect();
  const room = await space.getByTitle(space.configuredTitle());
  if (!room) {
    throw new Error(
      `The bot is not in a room named '${space.configuredTitle()}'`,
    );
  }
  space.context.set("space.id", room.id);
  const server = Deno.serve(
    { port: Number(Deno.env.get("PORT") ?? 8080) },
    app.fetch,
  );
  const publicUrl = Deno.env.get("PUBLIC_URL");
  if (publicUrl) {
    await space.register(`${publicUrl.replace(/\/+$/, "")}/bot/hook`);
  }
  const running = runBot(bot, space, ears);
  Deno.addSignalListener("SIGINT", async () => {
    await space.deregister();
    await server.shutdown();
    ears.close();
    await running;
  });
}

export default app;

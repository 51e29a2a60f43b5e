/**
 * The floor bot: the least any Deno bot can do on the webhook path. A bare
 * `Deno.serve` handler reads the body, checks nothing, `fetch`es
 * `GET /messages/{id}` and calls an empty function (`record`, the same as
 * the library's bot in the floor benchmark).
 *
 * Env: `FLOOR_PORT`, `WEBEX_API_URL`, `WEBEX_BOT_TOKEN`. Prints
 * `{"ready":true}` once it listens.
 *
 * @module
 */

import { record } from "./_floor_bot.ts";

const api = Deno.env.get("WEBEX_API_URL")!;
const auth = `Bearer ${Deno.env.get("WEBEX_BOT_TOKEN")}`;

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("FLOOR_PORT")),
  onListen: () => console.log('{"ready":true}'),
}, async (request) => {
  const delivery = await request.json();
  const response = await fetch(`${api}/messages/${delivery.data.id}`, {
    headers: { authorization: auth },
  });
  const message = await response.json();
  record(message.text);
  return new Response("ok");
});

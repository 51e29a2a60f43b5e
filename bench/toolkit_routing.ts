/**
 * Routing cost of a `Bot` per event: 3 middleware and 100 commands, the
 * event hitting the last command, a `hears` and no route at all. The
 * handlers do nothing, so the figure is the toolkit's own cost (context,
 * command parsing, the middleware onion).
 *
 * ```sh
 * deno bench bench/toolkit_routing.ts
 * ```
 *
 * @module
 */

import { Bot, createMessage, LocalSpace } from "../mod.ts";

const space = new LocalSpace({ input: [], stdout: new WritableStream() });
await space.connect();

const bot = new Bot();
for (let i = 0; i < 3; i++) bot.use(async (_ctx, next) => await next());
for (let i = 0; i < 100; i++) bot.command(`cmd${i}`, () => {});
bot.hears(/^weather in (\w+)/i, () => {});

const last = createMessage({ text: "/cmd99 one two", channelId: "*local" });
const heard = createMessage({ text: "weather in Paris", channelId: "*local" });
const none = createMessage({ text: "nothing matches", channelId: "*local" });

Deno.bench("route to the 100th command (3 middleware)", async () => {
  await bot.handle(last, space);
});

Deno.bench("route to a hears after 100 commands (3 middleware)", async () => {
  await bot.handle(heard, space);
});

Deno.bench("no route among 100 commands (3 middleware)", async () => {
  await bot.handle(none, space);
});

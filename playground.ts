/**
 * The playground: try a bot in the browser on a fake Webex, without a
 * Webex account. It starts a `FakeWebex` with Alice, Bob and Carol, a group
 * room and direct rooms with the bot, runs the bot through the real server
 * path (signed webhooks into the hook route, the fake's websocket, or
 * polling), and serves a page
 * on 127.0.0.1 where you write as any of them, submit cards, attach files,
 * add and remove people, and watch the events and API calls on the wire:
 *
 * ```sh
 * deno run -A jsr:@shellbot/spaces/playground --bot ./my_bot.ts  # anywhere
 * deno task playground --bot ./my_bot.ts                         # in a clone
 * ```
 *
 * As a library, {@linkcode startPlayground} does the same from code.
 *
 * @example Start a playground with the demo bot, then stop it
 * ```ts
 * import { startPlayground } from "@shellbot/spaces/playground";
 *
 * const playground = await startPlayground();
 * console.log(playground.people.map((person) => person.displayName)); // ["Alice", "Bob", "Carol"]
 * await playground.stop();
 * ```
 *
 * @module
 */

import { main } from "./spaces/server/playground/_main.ts";

export {
  type Playground,
  PLAYGROUND_ROOM,
  type PlaygroundOptions,
  startPlayground,
} from "./spaces/server/playground/start_playground.ts";

if (import.meta.main) Deno.exit(await main(Deno.args));

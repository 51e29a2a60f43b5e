/**
 * {@linkcode startPlayground}: a bot on a fake Webex, with a web page to
 * talk to it as any of a few people, without a Webex account.
 *
 * @module
 */

import type { BotHandler, BotLike } from "../../bot.ts";
import { startServer } from "../start_server.ts";
import type { RunningServer } from "../start_server.ts";
import { quietLogger } from "../../log.ts";
import { WebexSpace } from "../../webex/space.ts";
import { FakeWebex } from "../../fake/fake_webex.ts";
import type { FakePerson } from "../../fake/types.ts";
import { buildApp } from "./_app.ts";
import { Wire } from "./_wire.ts";

/** Options of {@linkcode startPlayground}. */
export interface PlaygroundOptions {
  /** The bot to try. @default the demo bot (help, hello, echo, card) */
  bot?: BotHandler | BotLike;
  /**
   * How the bot hears events: signed webhooks, the Webex websocket (the
   * fake's), or polling the API (messages only).
   * @default "webhooks"
   */
  events?: "webhooks" | "websocket" | "polling";
  /** Port of the page on 127.0.0.1; 0 picks a free one. @default 0 */
  port?: number;
  /** The bot's display name on the fake Webex. @default "Shelly" */
  botName?: string;
}

/** A running playground, from {@linkcode startPlayground}. */
export interface Playground extends AsyncDisposable {
  /** The page, such as `http://127.0.0.1:8000/`. */
  url: string;
  /** The fake Webex the bot talks to, for tests and scripts. */
  webex: FakeWebex;
  /** The people one can act as, in order: Alice, Bob, Carol. */
  people: FakePerson[];
  /** The group room the bot is in, with Alice and Bob. */
  roomId: string;
  /** How the bot hears events. */
  mode: "webhook" | "polling" | "websocket";
  /** Stops the bot, the page and the fake. */
  stop(): Promise<void>;
}

/** The group room of the playground, which the bot bonds to. */
export const PLAYGROUND_ROOM = "Playground";
// Polling a fake costs nothing: a second between pulls keeps the page lively.
const FAKE_PULL_INTERVAL = 1;
const SOCKET_WAIT_MS = 5_000;

/**
 * Starts a fake Webex with Alice, Bob and Carol, a group room with the bot,
 * Alice and Bob, and a direct room with the bot for each of them; runs the
 * bot through the real server path (`startServer`, with signed webhooks
 * into its hook route, the fake's websocket, or polling); and serves the
 * page on 127.0.0.1.
 *
 * @param options The bot, how it hears events, and the page's port.
 * @returns The running playground; `stop()` it when done.
 *
 * @example Try a bot, then post as Alice in the group room
 * ```ts
 * import { startPlayground } from "@shellbot/spaces/playground";
 *
 * await using playground = await startPlayground({
 *   bot: async (event, space) => {
 *     if (event.type === "message" && event.channelId) {
 *       await space.postMessage(event.channelId, "Heard you");
 *     }
 *   },
 * });
 * const [alice] = playground.people;
 * const { webex } = playground;
 * webex.simulateMessage({ from: alice, roomId: playground.roomId, text: "hi", mentions: [webex.bot] });
 * await webex.settled();
 * console.log(playground.url.startsWith("http://127.0.0.1:")); // true
 * ```
 */
export async function startPlayground(
  options: PlaygroundOptions = {},
): Promise<Playground> {
  const webex = await FakeWebex.start({
    botName: options.botName ?? "Shelly",
    // A person in the playground waits for the bot: no read limit on a room.
    roomReadConcurrency: false,
  });
  const people = [
    webex.addUser({ email: "alice@example.com", displayName: "Alice" }),
    webex.addUser({ email: "bob@example.com", displayName: "Bob" }),
    webex.addUser({ email: "carol@example.com", displayName: "Carol" }),
  ];
  const room = webex.addRoom({
    title: PLAYGROUND_ROOM,
    members: [people[0], people[1]],
  });
  const wire = new Wire();
  const hookPath = "/hook";
  const hookTarget = Promise.withResolvers<string>();
  const abort = new AbortController();
  let port = 0;
  const page = Deno.serve(
    {
      hostname: "127.0.0.1",
      port: options.port ?? 0,
      signal: abort.signal,
      onListen(address) {
        port = address.port;
      },
    },
    buildApp({
      webex,
      people,
      wire,
      hookPath,
      hookTarget: hookTarget.promise,
      port: () => port,
    }),
  );
  const url = `http://127.0.0.1:${page.addr.port}`;
  const polling = options.events === "polling";
  const websocket = options.events === "websocket";
  const pullInterval = WebexSpace.PULL_INTERVAL;
  if (polling) WebexSpace.PULL_INTERVAL = FAKE_PULL_INTERVAL;
  let running: RunningServer;
  try {
    running = await startServer({
      // The page is the conversation: only trouble goes to the terminal.
      logger: { ...quietLogger, warn: console.warn, error: console.error },
      bot: options.bot,
      settings: {
        space: {
          room: PLAYGROUND_ROOM,
          token: webex.bot.token,
          api_url: `${url}/v1`,
          webhook_secret: crypto.randomUUID(),
          ...(polling || websocket
            ? { events: options.events, u2c_url: webex.socket.u2cUrl }
            : {}),
        },
        server: polling || websocket
          ? { hook: hookPath }
          : { url, hook: hookPath },
      },
      env: () => undefined,
      kv: ":memory:",
      hostname: "127.0.0.1",
      port: 0,
    });
  } catch (error) {
    WebexSpace.PULL_INTERVAL = pullInterval;
    wire.close();
    abort.abort();
    await page.finished;
    await webex.close();
    throw error;
  }
  hookTarget.resolve(`${running.address}${hookPath}`);
  if (websocket) {
    // What the page posts before the bot listens would not be news to it.
    // If the socket does not come, the bot polls: the page starts anyway.
    await webex.socket.waitFor(
      () => webex.socket.connections > 0,
      AbortSignal.timeout(SOCKET_WAIT_MS),
    ).catch(() => {});
  }
  let stopping: Promise<void> | undefined;
  const stop = () =>
    stopping ??= (async () => {
      await running.stop();
      if (polling) WebexSpace.PULL_INTERVAL = pullInterval;
      wire.close();
      await webex.settled();
      await page.shutdown();
      await webex.close();
    })();
  return {
    url: `${url}/`,
    webex,
    people,
    roomId: room.id,
    mode: running.mode,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

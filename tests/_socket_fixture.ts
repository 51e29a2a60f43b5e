import {
  Context,
  EventQueue,
  type Message,
  type SpaceEvent,
  type WebexSocketOptions,
  WebexSpace,
} from "../mod.ts";
import { FakeWebex } from "../testing.ts";

/** Polls fast in its fallback, so that tests do not wait 10 s for a pull. */
class QuickWebexSpace extends WebexSpace {
  static override PULL_INTERVAL = 0.05;
}

/**
 * A FakeWebex with Alice in the room "Ops", and a WebexSpace on it with
 * `space.events: "websocket"`, started; the socket timers are short
 * (1 s and more) and the backoff tiny.
 */
export async function socketFixture(
  options: {
    socket?: WebexSocketOptions;
    /** Set up the fake before the space starts. */
    before?: (webex: FakeWebex) => void;
  } = {},
) {
  const webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  options.before?.(webex);
  const ears = new EventQueue<SpaceEvent>();
  const logs: string[] = [];
  const watchers = new Set<() => void>();
  const log = (line: string) => {
    logs.push(line);
    for (const watcher of [...watchers]) watcher();
  };
  const space = new QuickWebexSpace({
    context: new Context({ space: { room: "Ops", events: "websocket" } }, {
      env: () => undefined,
    }),
    token: webex.bot.token,
    apiUrl: webex.url,
    ears,
    clientOptions: { backoff: { base: 1, max: 10 } },
    logger: { debug: log, info: log, warn: log, error: log },
    socket: {
      u2cUrl: webex.socket.u2cUrl,
      pingInterval: 1_000,
      pongTimeout: 1_000,
      readyTimeout: 2_000,
      backoff: { base: 10, max: 50 },
      ...options.socket,
    },
  });
  await space.connect();
  // The first pull only sets where polling starts: done here, so that no
  // message of a test can fall before it.
  await space.pull();
  const running = (await space.start())!;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await running.stop();
  };
  return {
    webex,
    space,
    ears,
    alice,
    logs,
    roomId: String(room.id),
    stop,
    /** Alice says `text` to the bot in the room. */
    say(text: string) {
      return webex.simulateMessage({
        from: alice,
        roomId: String(room.id),
        text,
        mentions: [webex.bot],
      });
    },
    /** The next event on `ears`, as a message's text without the mention. */
    async nextText(): Promise<string> {
      const event = await ears.get();
      return (event as Message).text;
    },
    /** Resolves once a log line matches. */
    logged(pattern: RegExp): Promise<void> {
      return new Promise((resolve) => {
        const watcher = () => {
          if (!logs.some((line) => pattern.test(line))) return;
          watchers.delete(watcher);
          resolve();
        };
        watchers.add(watcher);
        watcher();
      });
    },
    /** Resolves once `count` sockets were authorized since the start. */
    connected(count = 1) {
      return webex.socket.waitFor(() =>
        webex.socket.connects >= count && webex.socket.connections > 0
      );
    },
    async [Symbol.asyncDispose]() {
      await stop();
      await webex.close();
    },
  };
}

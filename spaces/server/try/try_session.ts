/**
 * A bot on a fake Webex, through the real server path, with one simulated
 * person to talk to it: what `deno task try` runs, and what a playground
 * can build on.
 *
 * @module
 */

import type { BotHandler, BotLike } from "../../bot.ts";
import { type RunningServer, startServer } from "../start_server.ts";
import { FakeWebex } from "../../../testing.ts";
import type { FakeMessage, FakePerson } from "../../../testing.ts";
import { WebexSpace } from "../../webex/space.ts";
import { quietLogger } from "../../log.ts";
import { BotTracker } from "./_bot_tracker.ts";
import { frontDoor } from "./_front_door.ts";

const FAKE_PULL_INTERVAL = 1;
// How long a line waits for the bot to hear it, without webhooks.
const UNHEARD_MS = 5_000;

/** Options of {@linkcode startTrySession}. */
export interface TrySessionOptions {
  /** The bot to try. */
  bot: BotHandler | BotLike;
  /** Title of the group room the bot bonds to. @default "Try room" */
  room?: string;
  /** The person you play. @default you@example.com, "You" */
  you?: { email: string; displayName?: string };
  /**
   * How the bot hears events: signed webhooks into its hook route, the
   * Webex websocket, or polling (which hears messages only).
   * @default "webhook"
   */
  events?: TryEvents;
  /** Called with each message the bot posts, edits or deletes, in order. */
  onPost?: (post: TryPost) => void;
}

/** Something the bot did to a message, as the fake Webex stored it. */
export interface TryPost {
  /** What the bot did. */
  action: "posted" | "edited" | "deleted";
  /** Where: the group room's title, or `direct`. */
  where: string;
  /** The message as Webex answered the bot (absent for a deletion). */
  message?: FakeMessage;
}

/** How the bot hears events in a try session. */
export type TryEvents = "webhook" | "polling" | "websocket";

/** Where a line goes: the group room (with a mention) or the direct room. */
export type TryRoom = "group" | "direct";

/** A running try session, from {@linkcode startTrySession}. */
export interface TrySession {
  /** The fake Webex. */
  webex: FakeWebex;
  /** The bot's server, on 127.0.0.1. */
  server: RunningServer;
  /** The person you play. */
  you: FakePerson;
  /** The group room's id and title. */
  room: { id: string; title: string };
  /**
   * Sends a message as you: in the group room it mentions the bot first, as
   * a Webex client does; in the direct room it goes to the bot. Resolves
   * once the bot has handled what it heard.
   */
  say(
    text: string,
    where: TryRoom,
    file?: { name: string; bytes: Uint8Array },
  ): Promise<void>;
  /**
   * Submits the card of a message as you, as a Webex client does on a
   * button; resolves once the bot has handled the action.
   */
  submit(messageId: string, inputs: Record<string, unknown>): Promise<void>;
  /** Someone joins the group room; resolves once the bot has handled it. */
  join(email: string): Promise<void>;
  /** Someone leaves the group room; resolves once the bot has handled it. */
  leave(email: string): Promise<void>;
  /** Aborts the bot's signal, stops the server and the fake. */
  close(): Promise<void>;
}

/**
 * Starts a `FakeWebex`, runs the bot behind `startServer` on 127.0.0.1
 * with signed webhooks into its hook route (or on the fake's websocket, or
 * polling it), and makes the group room.
 */
export async function startTrySession(
  options: TrySessionOptions,
): Promise<TrySession> {
  const webex = await FakeWebex.start();
  const title = options.room ?? "Try room";
  const email = options.you?.email ?? "you@example.com";
  const you = webex.addUser({
    email,
    displayName: options.you?.displayName ?? "You",
  });
  const rooms = new Map<string, string>();
  const tracker = new BotTracker(options.bot);
  const door = frontDoor();
  const events = options.events ?? "webhook";
  const pullInterval = WebexSpace.PULL_INTERVAL;
  // Polling a fake costs nothing: a second between pulls keeps it lively.
  if (events === "polling") WebexSpace.PULL_INTERVAL = FAKE_PULL_INTERVAL;
  const restore = () => WebexSpace.PULL_INTERVAL = pullInterval;
  let server: RunningServer;
  try {
    server = await startServer({
      // The fake lives as long as this session: nothing to keep on disk.
      kv: ":memory:",
      // The transcript is the conversation: only trouble goes beside it.
      logger: { ...quietLogger, warn: console.warn, error: console.error },
      bot: tracker,
      settings: {
        space: {
          room: title,
          participants: [email],
          token: webex.bot.token,
          api_url: webex.url,
          webhook_secret: crypto.randomUUID(),
          events,
          ...(events === "websocket" ? { u2c_url: webex.socket.u2cUrl } : {}),
        },
        server: events === "webhook" ? { url: door.url } : {},
      },
      // The try runs on its own: no setting from the user's environment.
      env: () => undefined,
      hostname: "127.0.0.1",
      port: 0,
      fetch: watchPosts(
        (roomId) => rooms.get(roomId) ?? "direct",
        options.onPost ?? (() => {}),
      ),
    });
  } catch (error) {
    restore();
    await door.close();
    await webex.close();
    throw error;
  }
  door.forwardTo(server.address);
  // Without webhooks, what is posted before the bot listens is not news to
  // it: wait until it does (a bounded wait; it falls back to polling).
  if (events === "websocket") {
    await bounded(webex.socket.waitFor(() => webex.socket.connections > 0));
  }
  // The first pull only marks where the news start.
  if (events === "polling") await server.space.pull();
  const room = webex.rooms().find((room) =>
    room.title === title && room.type === "group"
  )!;
  rooms.set(room.id, title);

  const quiet = async (eventId: string, message = false) => {
    // A delivery is answered once the event is queued (durably), before the
    // bot has it, and the socket and polling give no answer at all: wait
    // until the bot heard it. Polling hears messages only.
    if (events !== "polling" || message) {
      await bounded(tracker.heard(eventId));
    }
    // Deliveries are answered once the event is queued for the bot; then
    // wait until the bot is done with it (and with what that caused).
    for (;;) {
      await webex.settled();
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (tracker.busy === 0) return;
      await tracker.idle();
    }
  };
  return {
    webex,
    server,
    you,
    room: { id: room.id, title },
    async say(text, where, file) {
      const message = webex.simulateMessage(
        where === "group"
          ? { from: you, roomId: room.id, text, mentions: [webex.bot], file }
          : { from: you, toPersonEmail: webex.bot.emails[0], text, file },
      );
      await quiet(message.id, true);
    },
    async submit(messageId, inputs) {
      await quiet(webex.simulateAction({ from: you, messageId, inputs }).id);
    },
    async join(person) {
      if (!webex.findPerson(person)) webex.addUser({ email: person });
      const { personId } = webex.simulateJoin({ person, roomId: room.id });
      await quiet(`join ${personId} ${room.id}`);
    },
    async leave(person) {
      const { personId } = webex.simulateLeave({ person, roomId: room.id });
      await quiet(`leave ${personId} ${room.id}`);
    },
    async close() {
      tracker.abort();
      await server.stop();
      restore();
      await door.close();
      await webex.close();
    },
  };
}

/**
 * `fetch` for the bot's Webex client that tells each message the bot
 * posted, edited or deleted, once Webex answered, before the bot goes on.
 */
function watchPosts(
  where: (roomId: string) => string,
  onPost: (post: TryPost) => void,
): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    const method = (init?.method ??
      (input instanceof Request ? input.method : "GET")).toUpperCase();
    const url = new URL(input instanceof Request ? input.url : String(input));
    const onMessage = /\/messages(\/[^/]+)?$/.exec(url.pathname);
    if (!response.ok || !onMessage) return response;
    if (method === "DELETE") {
      onPost({ action: "deleted", where: "" });
    } else if (method === "POST" || method === "PUT") {
      const message: FakeMessage = await response.clone().json();
      onPost({
        action: method === "POST" ? "posted" : "edited",
        where: where(message.roomId),
        message,
      });
    }
    return response;
  };
}

/** Waits for `promise`, or a while if it takes longer. */
async function bounded(promise: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    promise,
    new Promise((resolve) => timer = setTimeout(resolve, UNHEARD_MS)),
  ]);
  clearTimeout(timer);
}

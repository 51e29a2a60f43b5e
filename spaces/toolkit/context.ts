/**
 * The context a {@linkcode Bot} gives each handler: the event, the space,
 * and ways to answer.
 *
 * @module
 */

import { type PostMessageRequest, Space } from "../base.ts";
import type { Message, SpaceEvent } from "../events.ts";
import { withoutMention } from "./_command.ts";

/** What {@linkcode BotContext.reply} posts: a request without a destination. */
export type ReplyRequest = Omit<PostMessageRequest, "id" | "person">;

/**
 * The person who caused an event, as {@linkcode BotContext.person} finds
 * it: what the event says, completed by the space's `getPerson` when it has
 * one.
 *
 * @example Greet the sender
 * ```ts
 * import { Bot, type Sender } from "@shellbot/spaces";
 *
 * const bot = new Bot();
 * bot.command("hi", async (ctx) => {
 *   const sender: Sender | undefined = await ctx.person();
 *   await ctx.reply(`Hi ${sender?.displayName ?? sender?.label ?? "there"}`);
 * });
 * ```
 */
export interface Sender {
  /** Id of the person at the back end. */
  id: string;
  /** E-mail address or name, as the event or the back end gives it. */
  label?: string;
  /** E-mail addresses, when the space can look the person up. */
  emails?: string[];
  /** Display name, when the space can look the person up. */
  displayName?: string;
}

/** Options of the {@linkcode BotContext} constructor. */
export interface BotContextOptions {
  /** Aborted when the space stops. @default a signal that never aborts */
  signal?: AbortSignal;
}

// One signal for every context made without one: it never aborts.
const NEVER = new AbortController().signal;

/**
 * The context of one event: what a handler of a {@linkcode Bot} gets.
 * Routes add what they matched: `command`, `args` and `rest` for a
 * command, `match` for `hears`.
 *
 * @typeParam E The event, narrowed by the route that calls the handler.
 *
 * @example Answer in the channel of the event
 * ```ts
 * import { BotContext, LocalSpace } from "@shellbot/spaces";
 *
 * const space = new LocalSpace({ input: [], stdout: new WritableStream() });
 * const ctx = new BotContext(
 *   { type: "message", text: "hi", content: "hi", isDirect: false, mentionedIds: [], channelId: "*local" },
 *   space,
 * );
 * await ctx.reply(`You said: ${ctx.text}`);
 * ```
 */
export class BotContext<E extends SpaceEvent = SpaceEvent> {
  /** The event. */
  readonly event: E;
  /** The space that heard it. */
  readonly space: Space;
  /**
   * The text addressed to the bot: the message's text trimmed, without a
   * leading mention of the bot (`bot.name`); empty for other events.
   */
  readonly text: string;
  /** Aborted when the space stops: pass it to long waits. */
  readonly signal: AbortSignal;
  /** The command, lower-cased and without `/`, on a command route. */
  command?: string;
  /** The words after the command, on a command route. */
  args?: string[];
  /** Everything after the command, spacing kept, on a command route. */
  rest?: string;
  /** What the pattern matched, on a `hears` route. */
  match?: RegExpMatchArray;
  #person?: Promise<Sender | undefined>;

  /**
   * Makes the context of an event; a {@linkcode Bot} does it for you.
   *
   * @param event The event.
   * @param space The space that heard it.
   * @param options The signal of the space.
   */
  constructor(event: E, space: Space, options: BotContextOptions = {}) {
    this.event = event;
    this.space = space;
    this.signal = options.signal ?? NEVER;
    this.text = event.type === "message"
      ? withoutMention(
        (event as Message).text,
        String(space.context.get("bot.name", "") ?? ""),
      )
      : "";
  }

  /**
   * Answers in the channel of the event, and in its thread when the
   * message was in one. Without a channel, answers the sender directly
   * when the event names an e-mail address.
   *
   * @param reply The text, or a request (`text`, `content`, `file`...).
   * @returns The message posted.
   * @throws {TypeError} When the event has no channel and no sender to answer.
   */
  reply(reply: string | ReplyRequest): Promise<Message> {
    const request: ReplyRequest = typeof reply === "string"
      ? { text: reply }
      : reply;
    const parentId = "parentId" in this.event ? this.event.parentId : undefined;
    const channel = this.event.channelId;
    const sender = _personOf(this.event)?.label;
    const destination = channel
      ? { id: channel }
      : sender?.includes("@")
      ? { person: sender }
      : undefined;
    if (!destination) {
      return Promise.reject(
        new TypeError(
          `ctx.reply(): the ${this.event.type} event names no channel and no sender to answer`,
        ),
      );
    }
    return this.space.postMessage({
      ...(parentId ? { parentId } : {}),
      signal: this.signal,
      ...request,
      ...destination,
    });
  }

  /**
   * The person who wrote the message (or joined, left, acted), looked up
   * once per context. It calls the space's `getPerson(id)` when the space
   * has one, and falls back on the id and label the event carries.
   *
   * @returns The person, or `undefined` when the event names nobody.
   */
  person(): Promise<Sender | undefined> {
    this.#person ??= this.#lookUp();
    return this.#person;
  }

  async #lookUp(): Promise<Sender | undefined> {
    const known = _personOf(this.event);
    if (!known) return undefined;
    // A space that does not look people up keeps the base's method.
    if (this.space.getPerson === Space.prototype.getPerson) return known;
    const found = await this.space.getPerson(known.id, { signal: this.signal });
    if (!found) return known;
    const person: Sender = { id: known.id };
    const label = known.label ?? found.emails?.[0] ?? found.displayName;
    if (label !== undefined) person.label = label;
    if (found.emails) person.emails = found.emails;
    if (found.displayName) person.displayName = found.displayName;
    return person;
  }
}

/** The person an event names: the sender, or the actor of a membership. */
export function _personOf(event: SpaceEvent): Sender | undefined {
  let id: string | undefined;
  let label: string | undefined;
  if (event.type === "message") {
    id = event.fromId ?? event.fromLabel;
    label = event.fromLabel;
  } else if (event.type === "action") {
    id = event.fromId;
  } else if (event.type === "join" || event.type === "leave") {
    id = event.actorId;
    label = event.actorAddress ?? event.actorLabel;
  }
  if (!id) return undefined;
  return label === undefined ? { id } : { id, label };
}

/**
 * The `Space` base class: the lifecycle and the behaviour every space
 * shares, on top of the few methods each back end provides.
 *
 * @module
 */

import { collectMessages, postRequestOf } from "./_messages.ts";
import { forEachPerson } from "./_participants.ts";
import { runLoop, startSpace } from "./_run_loop.ts";
import type { Channel } from "./channel.ts";
import { Context, type Settings } from "./context.ts";
import { SpacesError } from "./errors.ts";
import type { Message, SpaceEvent } from "./events.ts";
import { type Logger, quietLogger } from "./log.ts";
import type { MessageEdit } from "./message_edit.ts";
import type { Person } from "./person.ts";
import { EventQueue, type EventSink } from "./queue.ts";
import type {
  ListMessagesOptions,
  ParticipantsReport,
  PostMessageRequest,
  RunningSpace,
  SignalOptions,
  SpaceOptions,
  StartOptions,
} from "./space_options.ts";

export type * from "./space_options.ts";

/**
 * The base of every space: a chat back end holding channels where persons
 * and a bot exchange messages.
 *
 * Subclasses provide the back-end methods (`connect`, `create`, `walkMessages`,
 * `sendMessage`, ...); the base gives the lifecycle, argument rules,
 * `listMessages`, the plural participant methods and the polling loop.
 * Every async method takes {@linkcode SignalOptions} last, to cancel it.
 *
 * @example Poll a space until it switches itself off
 * ```ts
 * import { EventQueue, LocalSpace, type SpaceEvent } from "@shellbot/spaces";
 *
 * const ears = new EventQueue<SpaceEvent>();
 * const space = new LocalSpace({ ears, input: ["hello"], stdout: new WritableStream() });
 * await space.run();
 * ears.close();
 * for await (const event of ears) console.log(event.type); // "message"
 * ```
 */
export class Space {
  /** Settings every space understands, with their defaults. */
  static DEFAULT_SETTINGS: Settings = {
    general: { switch: "on" },
    space: { title: "Collaboration space" },
    server: { hook: "/hook", port: 8080 },
  };
  /** Title of a channel when `space.title` is not set. */
  static DEFAULT_SPACE_TITLE = "Collaboration space";
  /** Seconds between two pulls of {@linkcode Space.run}. */
  static PULL_INTERVAL = 0.05;

  /** The settings. */
  readonly context: Context;
  /** Where inbound events go. */
  readonly ears: EventSink<SpaceEvent>;
  /** Where audit events go. */
  readonly fan: EventSink<SpaceEvent>;
  /** Where log lines go. */
  readonly logger: Logger;

  /**
   * Stores the context, queues and logger, then calls `onInit(options)`.
   * @param options Context, queues, logger and subclass options.
   */
  constructor(options: SpaceOptions = {}) {
    this.context = options.context ?? new Context();
    this.ears = options.ears ?? new EventQueue<SpaceEvent>();
    this.fan = options.fan ?? new EventQueue<SpaceEvent>();
    this.logger = options.logger ?? quietLogger;
    this.onInit(options);
  }

  /** Name of this space's class, for messages. */
  get kind(): string {
    return this.constructor.name;
  }

  /**
   * Called by the constructor with its options: the place for a subclass's
   * own set-up (field initialisers of a subclass run after it).
   * @param _options The constructor's options.
   */
  onInit(_options: SpaceOptions): void {}

  /** Called by {@linkcode Space.start} before anything else. */
  onStart(): void | Promise<void> {}

  /** Called when the space stops: deregisters webhooks. */
  async onStop(): Promise<void> {
    await this.deregister();
  }

  /**
   * Applies settings, then checks them.
   * @param settings Nested or dotted settings.
   * @throws {ConfigurationError} When a setting is missing or invalid.
   */
  configure(settings: Settings = {}): void {
    this.context.apply(settings);
    this.check();
  }

  /**
   * Validates this space's settings; subclasses extend it.
   * @throws {ConfigurationError} When a setting is missing or invalid.
   */
  check(): void {}

  /**
   * The title for the space's channel.
   * @returns `space.title`, else the default title.
   */
  configuredTitle(): string {
    return this.context.get<string>(
      "space.title",
      (this.constructor as typeof Space).DEFAULT_SPACE_TITLE,
    );
  }

  /** Connects to the back end. The base has nothing to connect. */
  async connect(_options?: SignalOptions): Promise<void> {}

  /** Creates a channel titled `_title`, and returns it. */
  create(
    _title: string,
    _options?: SignalOptions & Record<string, unknown>,
  ): Promise<Channel> {
    return this.#missing("create");
  }

  /** The channel with this id, or `undefined`. */
  getById(_id: string, _options?: SignalOptions): Promise<Channel | undefined> {
    return this.#missing("getById");
  }

  /** The group channel with exactly this title, or `undefined`. */
  getByTitle(
    _title: string,
    _options?: SignalOptions,
  ): Promise<Channel | undefined> {
    return this.#missing("getByTitle");
  }

  /** The direct channel with a person (name or address), or `undefined`. */
  getByPerson(
    _label: string,
    _options?: SignalOptions,
  ): Promise<Channel | undefined> {
    return this.#missing("getByPerson");
  }

  /** Saves a changed channel (its title). */
  update(_channel: Channel, _options?: SignalOptions): Promise<void> {
    return this.#missing("update");
  }

  /** Deletes (or archives) the channel with this id. */
  delete(_id: string, _options?: SignalOptions): Promise<void> {
    return this.#missing("delete");
  }

  /** Lists the group channels (`quantity` at most). */
  listGroupChannels(
    _options?: SignalOptions & { quantity?: number },
  ): Promise<Channel[]> {
    return this.#missing("listGroupChannels");
  }

  /**
   * Walks the messages of a channel, newest first, fetching lazily.
   * @param _id Id of the channel.
   * @returns The messages as an async iterable.
   */
  walkMessages(_id: string, _options?: SignalOptions): AsyncIterable<Message> {
    throw notImplemented(this, "walkMessages");
  }

  /**
   * Lists recent messages of a channel, newest first.
   * @param options The channel and when to stop.
   * @returns At most `quantity` messages.
   * @throws {TypeError} When `id` is empty.
   * @throws {RangeError} When `quantity` is not a positive integer or
   * `upTo` is not a date.
   */
  listMessages(options: ListMessagesOptions): Promise<Message[]> {
    return collectMessages(this, options);
  }

  /**
   * Posts a message to a channel, or directly to a person.
   * @param target A channel id, or a person's e-mail address (it contains `@`).
   * @param text The text to post.
   * @returns The posted message.
   * @throws {TypeError} When the target or the content is missing.
   */
  postMessage(
    target: string,
    text?: string,
    options?: SignalOptions,
  ): Promise<Message>;
  /**
   * Posts a message described by a request.
   * @param request Exactly one of `id` and `person`, and text, content or a file.
   * @returns The posted message.
   * @throws {TypeError} When the destination is not exactly one, or there is
   * nothing to post.
   */
  postMessage(request: PostMessageRequest): Promise<Message>;
  postMessage(
    target: string | PostMessageRequest,
    text?: string,
    options: SignalOptions = {},
  ): Promise<Message> {
    return this.sendMessage(postRequestOf(target, text, options));
  }

  /**
   * Sends a message whose arguments {@linkcode Space.postMessage} checked:
   * the one method a subclass implements to post.
   * @param _request Exactly one destination, and something to post.
   * @returns The posted message.
   */
  protected sendMessage(_request: PostMessageRequest): Promise<Message> {
    return this.#missing("postMessage");
  }

  /** The e-mail addresses of a channel's participants, bot excluded. */
  listParticipants(_id: string, _options?: SignalOptions): Promise<string[]> {
    return this.#missing("listParticipants");
  }

  /**
   * Adds a person to a channel.
   * @param _id Id of the channel.
   * @param _person E-mail address of the person.
   * @param _isModerator Make the person a moderator.
   */
  addParticipant(
    _id: string,
    _person: string,
    _isModerator = false,
    _options?: SignalOptions,
  ): Promise<void> {
    return this.#missing("addParticipant");
  }

  /**
   * Adds persons to a channel, going on past a person that fails.
   * @param id Id of the channel.
   * @param persons E-mail addresses, as a list or a comma-separated string.
   * @returns Who was added and who failed, with the reason.
   */
  addParticipants(
    id: string,
    persons: Iterable<string> | string,
    options: SignalOptions = {},
  ): Promise<ParticipantsReport> {
    const add = (person: string) =>
      this.addParticipant(id, person, false, options);
    return forEachPerson("add", persons, this.logger, add);
  }

  /**
   * Removes a person from a channel.
   * @param _id Id of the channel.
   * @param _person E-mail address of the person.
   */
  removeParticipant(
    _id: string,
    _person: string,
    _options?: SignalOptions,
  ): Promise<void> {
    return this.#missing("removeParticipant");
  }

  /**
   * Removes persons from a channel, going on past a person that fails.
   * @param id Id of the channel.
   * @param persons E-mail addresses, as a list or a comma-separated string.
   * @returns Who was removed and who failed, with the reason.
   */
  removeParticipants(
    id: string,
    persons: Iterable<string> | string,
    options: SignalOptions = {},
  ): Promise<ParticipantsReport> {
    const remove = (person: string) =>
      this.removeParticipant(id, person, options);
    return forEachPerson("remove", persons, this.logger, remove);
  }

  /** Registers webhooks at the back end, to post events to `_hookUrl`. */
  register(_hookUrl: string, _options?: SignalOptions): Promise<void> {
    return this.#missing("register");
  }

  /** Removes the webhooks that `register` made. The base has none. */
  async deregister(_options?: SignalOptions): Promise<void> {}

  /**
   * Processes one inbound delivery.
   * @param _input The HTTP request, or its parsed JSON.
   * @returns The HTTP answer to give.
   */
  webhook(_input: Request | Record<string, unknown>): Promise<Response> {
    return this.#missing("webhook");
  }

  /** Fetches what is new and puts it on `ears`. */
  pull(_options?: SignalOptions): Promise<void> {
    return this.#missing("pull");
  }

  /** True while `general.switch` is `"on"` (absent counts as on). */
  get isSwitchedOn(): boolean {
    return this.context.get("general.switch", "on") === "on";
  }

  /**
   * Pulls every `PULL_INTERVAL` seconds until the signal aborts or
   * `general.switch` is not `"on"`. A failing pull is logged and retried
   * after a growing pause (or the server's `retryAfter`).
   * @param options A signal that ends the loop.
   * @returns A promise that resolves (never rejects) when the loop ends.
   */
  async run(options: SignalOptions = {}): Promise<void> {
    const seconds = (this.constructor as typeof Space).PULL_INTERVAL;
    await runLoop(this, seconds * 1000, options.signal);
  }

  /**
   * Starts the space: `onStart()`, then webhooks when `hookUrl` is given,
   * else polling in the background.
   * @param options The webhook URL, and a signal that stops polling.
   * @returns `undefined` with a hookUrl; else a handle to stop polling.
   */
  start(options: StartOptions = {}): Promise<RunningSpace | undefined> {
    return startSpace(this, options);
  }

  /**
   * Changes the text of a message the bot posted (the new text, or
   * `{ text?, markdown? }`); resolves to the message as it now is.
   */
  editMessage(
    _messageId: string,
    _change: string | MessageEdit,
    _options: SignalOptions = {},
  ): Promise<Message> {
    return this.#missing("editMessage");
  }

  /** Deletes a message, by its id. */
  deleteMessage(
    _messageId: string,
    _options: SignalOptions = {},
  ): Promise<void> {
    return this.#missing("deleteMessage");
  }

  /** A person by id or e-mail address (it contains `@`), or `undefined`. */
  getPerson(
    _idOrEmail: string,
    _options: SignalOptions = {},
  ): Promise<Person | undefined> {
    return this.#missing("getPerson");
  }

  /**
   * Whether ids `a` and `b` name the same object. Back ends whose ids have
   * several spellings (Webex) override it.
   */
  isSameId(a: string, b: string): boolean {
    return a === b;
  }

  #missing(method: string): Promise<never> {
    return Promise.reject(notImplemented(this, method));
  }
}

function notImplemented(space: Space, method: string): SpacesError {
  return new SpacesError(
    `${space.kind} does not implement ${method}(): use a space type that provides it, such as 'local' or 'webex'`,
  );
}

/**
 * The `Space` base class: the lifecycle and the behaviour every space
 * shares, on top of the few methods each back end provides.
 *
 * @module
 */

import { listOf, requireText } from "./_arguments.ts";
import { sleep } from "./_sleep.ts";
import { messageOf } from "./_objects.ts";
import type { Channel } from "./channel.ts";
import { type AdaptiveCard, checkCard } from "./cards.ts";
import { Context, type Settings } from "./context.ts";
import { ApiError, SpacesError } from "./errors.ts";
import type { Message, SpaceEvent } from "./events.ts";
import { type Logger, quietLogger } from "./log.ts";
import type { MessageEdit } from "./message_edit.ts";
import type { Person } from "./person.ts";
import { EventQueue, type EventSink } from "./queue.ts";

/** Options of every space's constructor. */
export interface SpaceOptions {
  /** The settings. @default a new, empty Context */
  context?: Context;
  /** Where inbound events go. @default a new EventQueue */
  ears?: EventSink<SpaceEvent>;
  /** Where audit events go. @default a new EventQueue */
  fan?: EventSink<SpaceEvent>;
  /** Where log lines go. @default quietLogger */
  logger?: Logger;
  /** Options of subclasses, passed on to `onInit`. */
  [extra: string]: unknown;
}

/** The last argument of every async method: a way to cancel. */
export interface SignalOptions {
  /** Cancels the operation. */
  signal?: AbortSignal;
}

/** A file to attach to a message. */
export type FileInput =
  | string
  | URL
  | Blob
  | {
    /** File name shown to readers. */
    name: string;
    /** The bytes, read once. */
    stream: ReadableStream<Uint8Array>;
    /** Size in bytes, when known. */
    size?: number;
    /** Media type. @default "application/octet-stream" */
    type?: string;
  };

/** What {@linkcode Space.postMessage} posts. */
export interface PostMessageRequest extends SignalOptions {
  /** Id of the channel; exactly one of `id` and `person` is given. */
  id?: string;
  /** E-mail address of a person, for a direct message. */
  person?: string;
  /** Plain text. */
  text?: string;
  /** Rich content: markdown on Webex. */
  content?: string;
  /** Markdown; the same as `content`, which it wins over. */
  markdown?: string;
  /** A local path, an `https:` URL, a Blob or File, or a named stream. */
  file?: FileInput;
  /** An Adaptive Card; `text` or `markdown` is then required, as its fallback. */
  card?: AdaptiveCard;
  /** Id of the message to reply to, in its thread (not itself a reply). */
  parentId?: string;
}

/** Options of {@linkcode Space.listMessages}. */
export interface ListMessagesOptions extends SignalOptions {
  /** Id of the channel. */
  id: string;
  /** How many messages at most. @default 10 */
  quantity?: number;
  /** Stop before this message (it is not included). */
  stopId?: string;
  /** Stop at the first message strictly older than this ISO stamp or Date. */
  upTo?: string | Date;
  /** Keep only messages with an attachment. @default false */
  withAttachment?: boolean;
}

/** What the plural participant methods did, person by person. */
export interface ParticipantsReport {
  /** Persons added or removed. */
  succeeded: string[];
  /** Persons that failed, with the reason. */
  failed: { person: string; error: unknown }[];
}

/** What {@linkcode Space.start} returns when it polls. */
export interface RunningSpace {
  /** Ends polling and resolves once the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when polling ends, whatever the reason. */
  done: Promise<void>;
}

/** Options of {@linkcode Space.start}. */
export interface StartOptions extends SignalOptions {
  /** Public URL of the webhook; without it the space polls. */
  hookUrl?: string;
}

/**
 * The base of every space: a chat back end holding channels where persons
 * and a bot exchange messages.
 *
 * Subclasses provide the back-end methods (`connect`, `create`, `walkMessages`,
 * `sendMessage`, ...); the base gives the lifecycle, argument rules,
 * `listMessages`, the plural participant methods and the polling loop.
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
   *
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
   *
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
   *
   * @param settings Nested or dotted settings.
   * @throws {ConfigurationError} When a setting is missing or invalid.
   */
  configure(settings: Settings = {}): void {
    this.context.apply(settings);
    this.check();
  }

  /**
   * Validates this space's settings; subclasses extend it.
   *
   * @throws {ConfigurationError} When a setting is missing or invalid.
   */
  check(): void {}

  /**
   * The title for the space's channel.
   *
   * @returns `space.title`, else the default title.
   */
  configuredTitle(): string {
    return this.context.get<string>(
      "space.title",
      (this.constructor as typeof Space).DEFAULT_SPACE_TITLE,
    );
  }

  /**
   * Connects to the back end. The base has nothing to connect.
   *
   * @param _options A signal to cancel.
   */
  async connect(_options: SignalOptions = {}): Promise<void> {}

  /**
   * Creates a channel.
   *
   * @param _title Title of the new channel.
   * @param _options Back-end options and a signal.
   * @returns The new channel.
   */
  create(
    _title: string,
    _options: SignalOptions & Record<string, unknown> = {},
  ): Promise<Channel> {
    return this.#missing("create");
  }

  /**
   * Finds a channel by id.
   *
   * @param _id Id of the channel.
   * @param _options A signal to cancel.
   * @returns The channel, or `undefined`.
   */
  getById(
    _id: string,
    _options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    return this.#missing("getById");
  }

  /**
   * Finds a group channel by its exact title.
   *
   * @param _title Title of the channel.
   * @param _options A signal to cancel.
   * @returns The channel, or `undefined`.
   */
  getByTitle(
    _title: string,
    _options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    return this.#missing("getByTitle");
  }

  /**
   * Finds the direct channel with a person.
   *
   * @param _label Name or e-mail address of the person.
   * @param _options A signal to cancel.
   * @returns The channel, or `undefined`.
   */
  getByPerson(
    _label: string,
    _options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    return this.#missing("getByPerson");
  }

  /**
   * Saves a changed channel (its title).
   *
   * @param _channel The channel with its new title.
   * @param _options A signal to cancel.
   */
  update(_channel: Channel, _options: SignalOptions = {}): Promise<void> {
    return this.#missing("update");
  }

  /**
   * Deletes (or archives) a channel.
   *
   * @param _id Id of the channel.
   * @param _options A signal to cancel.
   */
  delete(_id: string, _options: SignalOptions = {}): Promise<void> {
    return this.#missing("delete");
  }

  /**
   * Lists group channels.
   *
   * @param _options How many at most, and a signal.
   * @returns The channels.
   */
  listGroupChannels(
    _options: SignalOptions & { quantity?: number } = {},
  ): Promise<Channel[]> {
    return this.#missing("listGroupChannels");
  }

  /**
   * Walks the messages of a channel, newest first, fetching lazily.
   *
   * @param _id Id of the channel.
   * @param _options A signal to cancel.
   * @returns The messages as an async iterable.
   */
  walkMessages(
    _id: string,
    _options: SignalOptions = {},
  ): AsyncIterable<Message> {
    throw this.#notImplemented("walkMessages");
  }

  /**
   * Lists recent messages of a channel, newest first.
   *
   * @param options The channel and when to stop.
   * @returns At most `quantity` messages.
   * @throws {TypeError} When `id` is empty.
   * @throws {RangeError} When `quantity` is not a positive integer or
   * `upTo` is not a date.
   */
  async listMessages(options: ListMessagesOptions): Promise<Message[]> {
    const id = requireText(options?.id, "listMessages", "id");
    const quantity = options.quantity ?? 10;
    if (!Number.isInteger(quantity) || quantity < 1) {
      throw new RangeError(
        `listMessages() needs a positive whole quantity, got ${quantity}`,
      );
    }
    const limit = options.upTo === undefined
      ? undefined
      : new Date(options.upTo).getTime();
    if (Number.isNaN(limit)) {
      throw new RangeError(
        `listMessages() needs upTo as an ISO date or a Date, got ${options.upTo}`,
      );
    }
    const budget = 10 * quantity;
    let skipped = 0;
    const messages: Message[] = [];
    for await (
      const message of this.walkMessages(id, { signal: options.signal })
    ) {
      if (
        options.stopId && message.id &&
        this.isSameId(message.id, options.stopId)
      ) break;
      if (
        limit !== undefined && message.stamp &&
        new Date(message.stamp).getTime() < limit
      ) break;
      if (options.withAttachment && !message.url) {
        if (++skipped > budget) break;
        continue;
      }
      messages.push(message);
      if (messages.length >= quantity) break;
    }
    return messages;
  }

  /**
   * Posts a message to a channel, or directly to a person.
   *
   * @param target A channel id, or a person's e-mail address (it contains `@`).
   * @param text The text to post.
   * @param options A signal to cancel.
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
   *
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
    let request: PostMessageRequest;
    if (typeof target === "string") {
      requireText(target, "postMessage", "channel id or person");
      request = target.includes("@")
        ? { person: target, text, signal: options.signal }
        : { id: target, text, signal: options.signal };
    } else if (typeof target === "object" && target !== null) {
      request = target;
    } else {
      throw new TypeError(
        "postMessage() needs a channel id, a person or a request object",
      );
    }
    const destinations = [request.id, request.person].filter((value) =>
      value !== undefined && value !== ""
    );
    if (destinations.length !== 1) {
      throw new TypeError(
        "postMessage() needs exactly one of 'id' (a channel) or 'person' (an e-mail address)",
      );
    }
    if (request.markdown) request = { ...request, content: request.markdown };
    if (request.card !== undefined) {
      checkCard(request.card);
      if (!request.text && !request.content) {
        throw new TypeError(
          "postMessage() with a card needs text or markdown too, shown where cards are not",
        );
      }
    }
    if (!request.text && !request.content && request.file === undefined) {
      throw new TypeError(
        "postMessage() has nothing to post: give text, content or a file",
      );
    }
    return this.sendMessage(request);
  }

  /**
   * Sends a message whose arguments {@linkcode Space.postMessage} checked:
   * the one method a subclass implements to post.
   *
   * @param _request Exactly one destination, and something to post.
   * @returns The posted message.
   */
  protected sendMessage(_request: PostMessageRequest): Promise<Message> {
    return this.#missing("postMessage");
  }

  /**
   * Lists the e-mail addresses of a channel's participants, bot excluded.
   *
   * @param _id Id of the channel.
   * @param _options A signal to cancel.
   * @returns The addresses.
   */
  listParticipants(
    _id: string,
    _options: SignalOptions = {},
  ): Promise<string[]> {
    return this.#missing("listParticipants");
  }

  /**
   * Adds a person to a channel.
   *
   * @param _id Id of the channel.
   * @param _person E-mail address of the person.
   * @param _isModerator Make the person a moderator.
   * @param _options A signal to cancel.
   */
  addParticipant(
    _id: string,
    _person: string,
    _isModerator = false,
    _options: SignalOptions = {},
  ): Promise<void> {
    return this.#missing("addParticipant");
  }

  /**
   * Adds persons to a channel, going on past a person that fails.
   *
   * @param id Id of the channel.
   * @param persons E-mail addresses, as a list or a comma-separated string.
   * @param options A signal to cancel.
   * @returns Who was added and who failed, with the reason.
   */
  addParticipants(
    id: string,
    persons: Iterable<string> | string,
    options: SignalOptions = {},
  ): Promise<ParticipantsReport> {
    return this.#forEachPerson(
      "add",
      persons,
      (person) => this.addParticipant(id, person, false, options),
    );
  }

  /**
   * Removes a person from a channel.
   *
   * @param _id Id of the channel.
   * @param _person E-mail address of the person.
   * @param _options A signal to cancel.
   */
  removeParticipant(
    _id: string,
    _person: string,
    _options: SignalOptions = {},
  ): Promise<void> {
    return this.#missing("removeParticipant");
  }

  /**
   * Removes persons from a channel, going on past a person that fails.
   *
   * @param id Id of the channel.
   * @param persons E-mail addresses, as a list or a comma-separated string.
   * @param options A signal to cancel.
   * @returns Who was removed and who failed, with the reason.
   */
  removeParticipants(
    id: string,
    persons: Iterable<string> | string,
    options: SignalOptions = {},
  ): Promise<ParticipantsReport> {
    return this.#forEachPerson(
      "remove",
      persons,
      (person) => this.removeParticipant(id, person, options),
    );
  }

  /**
   * Registers webhooks at the back end.
   *
   * @param _hookUrl Public URL where the back end posts events.
   * @param _options A signal to cancel.
   */
  register(_hookUrl: string, _options: SignalOptions = {}): Promise<void> {
    return this.#missing("register");
  }

  /**
   * Removes the webhooks that `register` made. The base has none.
   *
   * @param _options A signal to cancel.
   */
  async deregister(_options: SignalOptions = {}): Promise<void> {}

  /**
   * Processes one inbound delivery.
   *
   * @param _input The HTTP request, or its parsed JSON.
   * @returns The HTTP answer to give.
   */
  webhook(_input: Request | Record<string, unknown>): Promise<Response> {
    return this.#missing("webhook");
  }

  /**
   * Fetches what is new and puts it on `ears`.
   *
   * @param _options A signal to cancel.
   */
  pull(_options: SignalOptions = {}): Promise<void> {
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
   *
   * @param options A signal that ends the loop.
   * @returns A promise that resolves (never rejects) when the loop ends.
   */
  async run(options: SignalOptions = {}): Promise<void> {
    const { signal } = options;
    const interval = (this.constructor as typeof Space).PULL_INTERVAL * 1000;
    let failures = 0;
    while (!signal?.aborted && this.isSwitchedOn) {
      let pause = interval;
      try {
        await this.pull({ signal });
        failures = 0;
      } catch (error) {
        if (signal?.aborted) break;
        failures += 1;
        pause = pauseAfterFailure(error, interval, failures);
        this.logger.warn(
          `${this.kind}.pull() failed (${messageOf(error)}); trying again in ${
            Math.round(pause) / 1000
          } s`,
        );
      }
      if (!this.isSwitchedOn) break;
      await sleep(pause, signal);
    }
  }

  /**
   * Starts the space: `onStart()`, then webhooks when `hookUrl` is given,
   * else polling in the background.
   *
   * @param options The webhook URL, and a signal that stops polling.
   * @returns `undefined` with a hookUrl; else a handle to stop polling.
   */
  async start(options: StartOptions = {}): Promise<RunningSpace | undefined> {
    await this.onStart();
    if (options.hookUrl) {
      await this.register(options.hookUrl, { signal: options.signal });
      return undefined;
    }
    const controller = new AbortController();
    const signal = options.signal
      ? AbortSignal.any([controller.signal, options.signal])
      : controller.signal;
    const done = this.run({ signal });
    return {
      done,
      stop: async () => {
        controller.abort();
        await done;
      },
    };
  }

  /**
   * Changes the text of a message the bot posted.
   *
   * @param _messageId Id of the message.
   * @param _change The new text, or `{ text?, markdown? }`.
   * @param _options A signal to cancel.
   * @returns The message as it now is.
   */
  editMessage(
    _messageId: string,
    _change: string | MessageEdit,
    _options: SignalOptions = {},
  ): Promise<Message> {
    return this.#missing("editMessage");
  }

  /**
   * Deletes a message.
   *
   * @param _messageId Id of the message.
   * @param _options A signal to cancel.
   */
  deleteMessage(
    _messageId: string,
    _options: SignalOptions = {},
  ): Promise<void> {
    return this.#missing("deleteMessage");
  }

  /**
   * Finds a person by id or e-mail address.
   *
   * @param _idOrEmail An id, or an address (it contains `@`).
   * @param _options A signal to cancel.
   * @returns The person, or `undefined` when there is none.
   */
  getPerson(
    _idOrEmail: string,
    _options: SignalOptions = {},
  ): Promise<Person | undefined> {
    return this.#missing("getPerson");
  }

  /**
   * Tells whether two ids name the same object. Back ends whose ids have
   * several spellings (Webex) override it.
   *
   * @param a An id.
   * @param b Another id.
   * @returns True when both name the same object.
   */
  isSameId(a: string, b: string): boolean {
    return a === b;
  }

  async #forEachPerson(
    verb: string,
    persons: Iterable<string> | string,
    action: (person: string) => Promise<void>,
  ): Promise<ParticipantsReport> {
    const report: ParticipantsReport = { succeeded: [], failed: [] };
    const list = typeof persons === "string" ? listOf(persons) : [...persons];
    for (const person of list) {
      try {
        await action(person);
        report.succeeded.push(person);
      } catch (error) {
        report.failed.push({ person, error });
        this.logger.warn(
          `Could not ${verb} participant ${person}: ${messageOf(error)}`,
        );
      }
    }
    return report;
  }

  #notImplemented(method: string): SpacesError {
    return new SpacesError(
      `${this.kind} does not implement ${method}(): use a space type that provides it, such as 'local' or 'webex'`,
    );
  }

  #missing(method: string): Promise<never> {
    return Promise.reject(this.#notImplemented(method));
  }
}

function pauseAfterFailure(
  error: unknown,
  interval: number,
  failures: number,
): number {
  if (error instanceof ApiError && error.retryAfter !== undefined) {
    return Math.min(error.retryAfter * 1000, 60_000);
  }
  return Math.min(Math.max(interval, 100) * 2 ** failures, 60_000);
}

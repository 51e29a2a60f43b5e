/**
 * The Webex space: rooms, messages, participants and files of a Webex
 * organisation, through the REST API with plain `fetch`.
 *
 * @module
 */

import { requireText } from "../_arguments.ts";
import {
  type ListMessagesOptions,
  type PostMessageRequest,
  type SignalOptions,
  Space,
  type SpaceOptions,
} from "../base.ts";
import type { Channel } from "../channel.ts";
import { ApiError, PartialFailureError } from "../errors.ts";
import type { Message } from "../events.ts";
import {
  downloadAttachment,
  type DownloadOptions,
  getAttachment,
  nameAttachment,
} from "./attachments.ts";
import { WebexClient, type WebexClientOptions } from "./client.ts";
import { sameWebexId } from "./ids.ts";
import { outgoingMessage } from "./outgoing.ts";
import { checkWebexSettings } from "./_settings.ts";
import { channelFromRoom, messageFromWebex } from "./normalise.ts";
import {
  type DedupeStore,
  isCursorStore,
  MemoryDedupeStore,
} from "../dedupe.ts";
import {
  AUDIT_HOOK,
  type InboundDeps,
  processDelivery,
  receiveDelivery,
} from "./_inbound.ts";
import type { WebexDelivery } from "./delivery.ts";
import type { EventSink } from "../queue.ts";
import { Poller } from "./_polling.ts";
import { deleteWebhook, type HookSpec, syncWebhooks } from "./_webhooks.ts";
import { messageOf } from "../_objects.ts";

type Json = Record<string, unknown>;

/** Options of {@linkcode WebexSpace}. */
export interface WebexSpaceOptions extends SpaceOptions {
  /** Bot token; else `space.token`, `WEBEX_BOT_TOKEN`, `CISCO_SPARK_BOT_TOKEN`. */
  token?: string;
  /** Audit token; else `space.audit_token`, `WEBEX_AUDIT_TOKEN`, `CISCO_SPARK_AUDIT_TOKEN`. */
  auditToken?: string;
  /** API URL; else `space.api_url`, `WEBEX_API_URL`, `https://webexapis.com/v1`. */
  apiUrl?: string;
  /** The `fetch` to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * Retry and timeout settings of the API client (attempts, backoff,
   * longest Retry-After waited, header timeout), in milliseconds.
   * @default the client's defaults
   */
  clientOptions?: Omit<
    WebexClientOptions,
    "token" | "apiUrl" | "fetch" | "logger"
  >;
  /**
   * Where accepted webhook deliveries go, to be processed later by
   * {@linkcode WebexSpace.processDelivery} (a durable queue such as a
   * `KvQueue`). Without it, `webhook()` processes each delivery before it
   * answers.
   */
  inbox?: EventSink<WebexDelivery>;
  /** Remembers handled events, shared by webhooks and polling. @default a MemoryDedupeStore */
  dedupe?: DedupeStore;
}

/** Options of {@linkcode WebexSpace.register}. */
export interface RegisterOptions extends SignalOptions {
  /**
   * Which earlier webhooks of the tokens to remove: `"all"` (so only this
   * instance is notified) or `"own"` (only `shellbot-*`, for deployments
   * that share a token).
   * @default "all"
   */
  purge?: "all" | "own";
}

const BOT_HOOKS: HookSpec[] = [
  { name: "shellbot-memberships", resource: "memberships", event: "all" },
  { name: "shellbot-messages", resource: "messages", event: "created" },
];
const AUDIT_HOOKS: HookSpec[] = [
  { name: AUDIT_HOOK, resource: "messages", event: "created" },
];

/** Options of {@linkcode WebexSpace.create}. */
export interface WebexCreateOptions extends SignalOptions {
  /** Team of the new room: an object with an id, or a name looked up (and created when missing). */
  team?: { id: string } | string;
}

/**
 * A space on Webex (formerly Cisco Spark), for the types `webex` and `spark`.
 *
 * @example Post to a room of a fake Webex
 * ```ts
 * import { Context, WebexSpace } from "@shellbot/spaces";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const room = webex.addRoom({ title: "Ops" });
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops" } }),
 *   token: webex.bot.token,
 *   apiUrl: webex.url,
 * });
 * await space.connect();
 * await space.postMessage(String(room.id), "Hello, Ops!");
 * console.log(webex.postedByBot().length); // 1
 * ```
 */
export class WebexSpace extends Space {
  /** Seconds between two pulls: polling Webex faster only earns 429s. */
  static override PULL_INTERVAL = 10;

  #options: WebexSpaceOptions;
  #client?: WebexClient;
  #auditClient?: WebexClient;
  #roomTypes = new Map<string, string>();
  #dedupe!: DedupeStore;
  #poller!: Poller;
  #inboundDeps?: InboundDeps;
  #hooks: { client: WebexClient; id: string }[] = [];

  /**
   * Makes a Webex space; nothing is sent before `connect()` or a first call.
   *
   * @param options Token, API URL, `fetch`, and the options of every space.
   */
  constructor(options: WebexSpaceOptions = {}) {
    super(options);
    this.#options = options;
    this.#dedupe = options.dedupe ?? new MemoryDedupeStore();
    this.#poller = new Poller(
      isCursorStore(this.#dedupe) ? this.#dedupe : undefined,
    );
  }

  /** The title of the room to bond: `space.room`. */
  override configuredTitle(): string {
    return this.context.get<string>(
      "space.room",
      (this.constructor as typeof Space).DEFAULT_SPACE_TITLE,
    );
  }

  /**
   * Checks the settings, resolving `$NAME` values and environment fallbacks.
   *
   * @throws {ConfigurationError} When `space.room` or the bot token is
   * missing; the message names the setting and the variable to set.
   */
  override check(): void {
    checkWebexSettings(this.context, this.#options ?? {});
  }

  /** The client for the bot token, made on first use. */
  get client(): WebexClient {
    if (!this.#client) {
      this.check();
      this.#client = this.#newClient(this.context.get<string>("space.token"));
    }
    return this.#client;
  }

  /** The client for the audit token, when one is set. */
  get auditClient(): WebexClient | undefined {
    if (!this.#auditClient) {
      const token = this.client &&
        this.context.get<string>("space.audit_token");
      if (token) this.#auditClient = this.#newClient(token);
    }
    return this.#auditClient;
  }

  /**
   * Checks the settings and reads the bot's identity from `/people/me` into
   * `bot.id`, `bot.name`, `bot.address` (and `audit.id` with an audit token).
   *
   * @param options A signal to cancel.
   */
  override async connect(options: SignalOptions = {}): Promise<void> {
    this.#inboundDeps = undefined;
    const me = await this.client.get<Json>("/people/me", options);
    this.context.set("bot.id", me.id);
    this.context.set("bot.name", me.displayName);
    this.context.set("bot.type", me.type);
    const emails = Array.isArray(me.emails) ? me.emails : [];
    if (emails[0]) this.context.set("bot.address", emails[0]);
    const audit = this.auditClient;
    if (audit) {
      const auditor = await audit.get<Json>("/people/me", options);
      this.context.set("audit.id", auditor.id);
    }
  }

  /**
   * Creates a group room, in a team when asked (`options.team`, else
   * `space.team`).
   *
   * @param title Title of the room.
   * @param options The team, and a signal.
   * @returns The new channel.
   */
  override async create(
    title: string,
    options: WebexCreateOptions = {},
  ): Promise<Channel> {
    requireText(title, "create", "title");
    const team = options.team ??
      this.context.get<string | undefined>("space.team");
    let teamId: string | undefined;
    if (typeof team === "string" && team !== "") {
      const found = await this.getTeam(team, options) ??
        await this.client.post<Json>("/teams", { name: team }, options);
      teamId = String(found.id);
    } else if (typeof team === "object" && team !== null) {
      teamId = team.id;
    }
    const room = await this.client.post<Json>(
      "/rooms",
      { title, teamId },
      options,
    );
    return this.#channel(room);
  }

  /** The room with this id, or `undefined` when there is none. */
  override async getById(
    id: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(id, "getById", "id");
    try {
      return this.#channel(
        await this.client.get<Json>(
          `/rooms/${encodeURIComponent(id)}`,
          options,
        ),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** The first group room with exactly this title, or `undefined`. */
  override async getByTitle(
    title: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(title, "getByTitle", "title");
    for await (const room of this.#rooms("group", options)) {
      if (room.title === title) return this.#channel(room);
    }
    return undefined;
  }

  /** The first direct room whose title (the person's name) starts with `label`. */
  override async getByPerson(
    label: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(label, "getByPerson", "label");
    for await (const room of this.#rooms("direct", options)) {
      if (String(room.title ?? "").startsWith(label)) {
        return this.#channel(room);
      }
    }
    return undefined;
  }

  /** Saves the title of a room. */
  override async update(
    channel: Channel,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(channel?.id, "update", "channel id");
    requireText(channel.title, "update", "channel title");
    await this.client.put(`/rooms/${encodeURIComponent(channel.id)}`, {
      title: channel.title,
    }, options);
  }

  /** Deletes a room (for a non-moderator, Webex only removes the bot from it). */
  override async delete(
    id: string,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(id, "delete", "id");
    await this.client.delete(`/rooms/${encodeURIComponent(id)}`, options);
    this.#roomTypes.delete(id);
  }

  /**
   * Lists group rooms of the bot, most recently active first.
   *
   * @param options How many at most (default 10), and a signal.
   * @returns The channels.
   */
  override async listGroupChannels(
    options: SignalOptions & { quantity?: number } = {},
  ): Promise<Channel[]> {
    const quantity = options.quantity ?? 10;
    const channels: Channel[] = [];
    if (quantity < 1) return channels;
    for await (const room of this.#rooms("group", options)) {
      channels.push(this.#channel(room));
      if (channels.length >= quantity) break;
    }
    return channels;
  }

  /**
   * Finds a team by its exact name.
   *
   * @param name Name of the team.
   * @param options A signal to cancel.
   * @returns The team's JSON, or `undefined`.
   */
  async getTeam(
    name: string,
    options: SignalOptions = {},
  ): Promise<Record<string, unknown> | undefined> {
    requireText(name, "getTeam", "name");
    for await (
      const team of this.client.list<Json>("/teams", {
        query: { max: 100 },
        ...options,
      })
    ) {
      if (team.name === name) return team;
    }
    return undefined;
  }

  /** E-mail addresses of a room's members, the bot excluded. */
  override async listParticipants(
    id: string,
    options: SignalOptions = {},
  ): Promise<string[]> {
    requireText(id, "listParticipants", "id");
    const botId = this.context.get<string | undefined>("bot.id");
    const persons: string[] = [];
    for await (const membership of this.#memberships({ roomId: id }, options)) {
      if (botId && sameWebexId(String(membership.personId), botId)) continue;
      if (typeof membership.personEmail === "string") {
        persons.push(membership.personEmail);
      }
    }
    return persons;
  }

  /** Adds a person to a room; a person already there is not an error. */
  override async addParticipant(
    id: string,
    person: string,
    isModerator = false,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(id, "addParticipant", "id");
    requireText(person, "addParticipant", "person");
    try {
      await this.client.post("/memberships", {
        roomId: id,
        personEmail: person,
        isModerator,
      }, options);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      this.logger.debug(`${person} is already a member of room ${id}`);
    }
  }

  /** Removes a person from a room, by looking the membership up first. */
  override async removeParticipant(
    id: string,
    person: string,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(id, "removeParticipant", "id");
    requireText(person, "removeParticipant", "person");
    for await (
      const membership of this.#memberships(
        { roomId: id, personEmail: person },
        options,
      )
    ) {
      await this.client.delete(
        `/memberships/${encodeURIComponent(String(membership.id))}`,
        options,
      );
      return;
    }
    this.logger.debug(`${person} is not a member of room ${id}`);
  }

  /**
   * Walks a room's messages, newest first, one page at a time. In group
   * rooms a bot only sees the messages that mention it.
   */
  override async *walkMessages(
    id: string,
    options: SignalOptions = {},
  ): AsyncIterable<Message> {
    requireText(id, "walkMessages", "id");
    const mentionedOnly = this.context.get("bot.type", "bot") === "bot" &&
      await this.#roomType(id, options) !== "direct";
    const query = {
      roomId: id,
      mentionedPeople: mentionedOnly ? "me" : undefined,
      max: 50,
    };
    for await (
      const json of this.client.list<Json>("/messages", {
        query,
        signal: options.signal,
      })
    ) {
      yield messageFromWebex(json);
    }
  }

  /**
   * Lists recent messages like the base, and names their attachments
   * (`attachment`) with one HEAD each, for the messages returned only.
   */
  override async listMessages(
    options: ListMessagesOptions,
  ): Promise<Message[]> {
    const messages = await super.listMessages(options);
    const deps = await this.#inbound(options);
    await Promise.all(
      messages.map((message) => deps.nameAttachment(message, this.client)),
    );
    return messages;
  }

  /** Posts text, markdown and at most one file, to a room or a person. */
  protected override async sendMessage(
    request: PostMessageRequest,
  ): Promise<Message> {
    const sent = await outgoingMessage(request);
    const json = await this.client.json<Json>("POST", "/messages", sent);
    return messageFromWebex(json);
  }

  /**
   * Registers the webhooks at `hookUrl`: `shellbot-memberships` and
   * `shellbot-messages` with the bot token, and `shellbot-audit` with the
   * audit token when there is one, each signed with `space.webhook_secret`.
   * Earlier webhooks are removed first (see `purge`); an inactive webhook of
   * ours is re-activated. Then one pull catches up on the messages posted
   * since the last event handled (cursors kept in the dedupe store), so a
   * bot whose webhooks were down loses nothing. The cursors live as long as
   * the dedupe store: across restarts with a `KvDedupeStore`, not with the
   * default in-memory store, whose first pull only sets the start.
   *
   * @param hookUrl The public URL of the webhook route.
   * @param options Purge mode, and a signal.
   */
  override async register(
    hookUrl: string,
    options: RegisterOptions = {},
  ): Promise<void> {
    requireText(hookUrl, "register", "hookUrl");
    const secret = this.context.get<string | undefined>("space.webhook_secret");
    const purge = options.purge ?? "all";
    const sync = async (client: WebexClient, specs: HookSpec[]) => {
      const ids = await syncWebhooks({
        client,
        targetUrl: hookUrl,
        secret,
        specs,
        purge,
        logger: this.logger,
        signal: options.signal,
      });
      this.#hooks = this.#hooks.filter((hook) => hook.client !== client);
      for (const id of ids) this.#hooks.push({ client, id });
    };
    await sync(this.client, BOT_HOOKS);
    const audit = this.auditClient;
    if (audit) await sync(audit, AUDIT_HOOKS);
    // Catch up on what was posted while no webhook reached this bot.
    try {
      await this.pull({ signal: options.signal });
    } catch (error) {
      this.logger.warn(
        `Could not catch up on missed messages: ${messageOf(error)}`,
      );
    }
  }

  /**
   * Removes the webhooks that `register` put in place.
   *
   * @throws {PartialFailureError} When some could not be removed, with each
   * failure in `errors`; calling it again removes those.
   */
  override async deregister(options: SignalOptions = {}): Promise<void> {
    const failures: unknown[] = [];
    // Each webhook is forgotten only once it is gone, so a deregister that
    // failed on one can be called again.
    for (const hook of [...this.#hooks]) {
      try {
        await deleteWebhook(hook.client, hook.id, options.signal);
        this.#hooks = this.#hooks.filter((item) => item !== hook);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new PartialFailureError(
        `Could not remove ${failures.length} webhook(s): call deregister() again`,
        failures,
      );
    }
  }

  /**
   * Processes one webhook delivery: a `Request` (signature checked when
   * `space.webhook_secret` is set) or its parsed JSON. Bad input is answered
   * 4xx and logged; an event already handled is acknowledged and dropped.
   *
   * @param input The request, or the delivery's JSON.
   * @returns The answer for Webex.
   */
  override async webhook(
    input: Request | Record<string, unknown>,
  ): Promise<Response> {
    return await receiveDelivery(await this.#inbound(), input);
  }

  /**
   * Processes a delivery that `webhook()` put in the inbox: once only,
   * whatever the number of deliveries; fetches the message and puts the
   * event on `ears` (or `fan`). Throws when it failed, so that the queue
   * delivers it again.
   *
   * @param delivery A delivery from the inbox.
   * @returns `"queued"`, `"ignored"` (gone, or the bot's own) or `"duplicate"`.
   */
  async processDelivery(
    delivery: WebexDelivery,
  ): Promise<"queued" | "ignored" | "duplicate"> {
    return await processDelivery(await this.#inbound(), delivery);
  }

  /** Fetches the messages that are new since the previous pull. */
  override async pull(options: SignalOptions = {}): Promise<void> {
    const deps = await this.#inbound(options);
    await this.#poller.pull({
      ...deps,
      isBot: this.context.get("bot.type", "bot") === "bot",
    }, options.signal);
  }

  /**
   * Reads the file name of an attachment (HEAD, `Content-Disposition`).
   *
   * @param url The content URL of the attachment.
   * @param options A signal to cancel.
   * @returns The name as the sender gave it; not safe as a path.
   */
  nameAttachment(url: string, options: SignalOptions = {}): Promise<string> {
    return nameAttachment(
      this.client,
      requireText(url, "nameAttachment", "url"),
      options,
    );
  }

  /**
   * Fetches an attachment's bytes as a stream.
   *
   * @param url The content URL of the attachment.
   * @param options A signal to cancel.
   * @returns The bytes, to be read or cancelled.
   */
  getAttachment(
    url: string,
    options: SignalOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    return getAttachment(
      this.client,
      requireText(url, "getAttachment", "url"),
      options,
    );
  }

  /**
   * Streams an attachment to a file with a sanitised, unused name.
   *
   * @param url The content URL of the attachment.
   * @param options The folder (default: a new temporary folder), and a signal.
   * @returns The path of the saved file.
   */
  downloadAttachment(
    url: string,
    options: DownloadOptions = {},
  ): Promise<string> {
    return downloadAttachment(
      this.client,
      requireText(url, "downloadAttachment", "url"),
      options,
    );
  }

  /** Compares Webex ids by their decoded uuid. */
  override isSameId(a: string, b: string): boolean {
    return sameWebexId(a, b);
  }

  async #inbound(options: SignalOptions = {}): Promise<InboundDeps> {
    if (!this.context.get("bot.id")) await this.connect(options);
    // Built once per connection: the hook route calls this for every delivery.
    return this.#inboundDeps ??= this.#buildInbound();
  }

  #buildInbound(): InboundDeps {
    return {
      secret: this.context.get<string | undefined>("space.webhook_secret"),
      botId: this.context.get<string | undefined>("bot.id"),
      client: this.client,
      auditClient: this.auditClient,
      ears: this.ears,
      fan: this.fan,
      dedupe: this.#dedupe,
      logger: this.logger,
      inbox: this.#options.inbox,
      noteHandled: (message) => this.#poller.noteHandled(message),
      nameAttachment: async (message, client) => {
        if (!message.url) return;
        try {
          message.attachment = await nameAttachment(client, message.url);
        } catch (error) {
          this.logger.warn(
            `Could not read the name of an attachment: ${messageOf(error)}`,
          );
        }
      },
    };
  }

  #newClient(token: string): WebexClient {
    return new WebexClient({
      ...this.#options.clientOptions,
      token,
      apiUrl: this.context.get<string>("space.api_url"),
      fetch: this.#options.fetch,
      logger: this.logger,
    });
  }

  #rooms(
    type: "group" | "direct",
    options: SignalOptions,
  ): AsyncIterable<Json> {
    return this.client.list<Json>("/rooms", {
      query: { type, sortBy: "lastactivity", max: 100 },
      signal: options.signal,
    });
  }

  #memberships(
    query: Record<string, string>,
    options: SignalOptions,
  ): AsyncIterable<Json> {
    return this.client.list<Json>("/memberships", {
      query: { ...query, max: 100 },
      signal: options.signal,
    });
  }

  #channel(room: Json): Channel {
    if (typeof room.id === "string" && typeof room.type === "string") {
      // A cache of room types, kept small: an unknown room costs one GET.
      if (this.#roomTypes.size >= 10_000) this.#roomTypes.clear();
      this.#roomTypes.set(room.id, room.type);
    }
    return channelFromRoom(room);
  }

  async #roomType(id: string, options: SignalOptions): Promise<string> {
    const known = this.#roomTypes.get(id);
    if (known) return known;
    const room = await this.client.get<Json>(
      `/rooms/${encodeURIComponent(id)}`,
      options,
    );
    return this.#channel(room).type ?? "group";
  }
}

/**
 * The former name of {@linkcode WebexSpace}, kept for the type `spark`.
 *
 * @example Build a space of type spark
 * ```ts
 * import { SparkSpace, WebexSpace } from "@shellbot/spaces";
 *
 * console.log(SparkSpace === WebexSpace); // true
 * ```
 */
export const SparkSpace: typeof WebexSpace = WebexSpace;
/** The former name of {@linkcode WebexSpace}. */
export type SparkSpace = WebexSpace;

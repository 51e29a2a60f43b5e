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
} from "../base.ts";
import type { Channel } from "../channel.ts";
import type { Message } from "../events.ts";
import type { MessageEdit } from "../message_edit.ts";
import type { Person } from "../person.ts";
import {
  downloadAttachment,
  type DownloadOptions,
  getAttachment,
  nameAttachment,
} from "./attachments.ts";
import type { WebexClient } from "./client.ts";
import type { WebexDelivery } from "./delivery.ts";
import { sameWebexId } from "./ids.ts";
import type {
  RegisterOptions,
  WebexCreateOptions,
  WebexSpaceOptions,
} from "./space_options.ts";
import { WebexConnection } from "./_connection.ts";
import { processDelivery } from "./_inbound.ts";
import { Messaging } from "./_messaging.ts";
import { Participants } from "./_participants.ts";
import { Rooms } from "./_rooms.ts";
import { checkWebexSettings } from "./_settings.ts";

export type * from "./space_options.ts";

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

  #connection: WebexConnection;
  #rooms = new Rooms(this);
  #participants = new Participants(this);
  #messaging = new Messaging(this);

  /** A Webex space; nothing is sent before `connect()` or a first call. */
  constructor(options: WebexSpaceOptions = {}) {
    super(options);
    this.#connection = new WebexConnection(this, options);
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
   * @throws {ConfigurationError} When `space.room` or the bot token is
   * missing; the message names the setting and the variable to set.
   */
  override check(): void {
    checkWebexSettings(this.context, this.#connection?.options ?? {});
  }

  /** The client for the bot token, made on first use. */
  get client(): WebexClient {
    return this.#connection.client;
  }

  /** The client for the audit token, when one is set. */
  get auditClient(): WebexClient | undefined {
    return this.#connection.auditClient;
  }

  /**
   * Checks the settings and reads the bot's identity from `/people/me` into
   * `bot.id`, `bot.name`, `bot.address` (and `audit.id` with an audit token).
   */
  override async connect(options: SignalOptions = {}): Promise<void> {
    await this.#connection.identify(options);
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
    return await this.#rooms.create(title, team, options);
  }

  /** The room with this id, or `undefined` when there is none. */
  override async getById(
    id: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(id, "getById", "id");
    return await this.#rooms.getById(id, options);
  }

  /** The first group room with exactly this title, or `undefined`. */
  override async getByTitle(
    title: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(title, "getByTitle", "title");
    return await this.#rooms.byTitle(title, options);
  }

  /** The first direct room whose title (the person's name) starts with `label`. */
  override async getByPerson(
    label: string,
    options: SignalOptions = {},
  ): Promise<Channel | undefined> {
    requireText(label, "getByPerson", "label");
    return await this.#rooms.byPerson(label, options);
  }

  /** Saves the title of a room. */
  override async update(
    channel: Channel,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(channel?.id, "update", "channel id");
    requireText(channel.title, "update", "channel title");
    await this.#rooms.update(channel, options);
  }

  /** Deletes a room (for a non-moderator, Webex only removes the bot from it). */
  override async delete(
    id: string,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(id, "delete", "id");
    await this.#rooms.delete(id, options);
  }

  /** Lists group rooms of the bot (`quantity`: 10 by default), latest active first. */
  override async listGroupChannels(
    options: SignalOptions & { quantity?: number } = {},
  ): Promise<Channel[]> {
    return await this.#rooms.listGroups(options.quantity ?? 10, options);
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
    return await this.#rooms.getTeam(name, options);
  }

  /** E-mail addresses of a room's members, the bot excluded. */
  override async listParticipants(
    id: string,
    options: SignalOptions = {},
  ): Promise<string[]> {
    requireText(id, "listParticipants", "id");
    return await this.#participants.list(id, options);
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
    await this.#participants.add(id, person, isModerator, options);
  }

  /** Removes a person from a room, by looking the membership up first. */
  override async removeParticipant(
    id: string,
    person: string,
    options: SignalOptions = {},
  ): Promise<void> {
    requireText(id, "removeParticipant", "id");
    requireText(person, "removeParticipant", "person");
    await this.#participants.remove(id, person, options);
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
    yield* this.#rooms.messages(id, options);
  }

  /**
   * Lists recent messages like the base, and names their attachments
   * (`attachment`) with one HEAD each, for the messages returned only.
   */
  override async listMessages(
    options: ListMessagesOptions,
  ): Promise<Message[]> {
    const messages = await super.listMessages(options);
    await this.#connection.nameAttachments(messages, options);
    return messages;
  }

  /** Posts text, markdown, a card or a file; a reply's parent is checked first. */
  protected override async sendMessage(
    request: PostMessageRequest,
  ): Promise<Message> {
    return await this.#messaging.post(request, (req) => this.#rooms.post(req));
  }

  /** Edits (`PUT`) a message without file or card; markdown stays markdown. */
  override async editMessage(
    messageId: string,
    change: string | MessageEdit,
    options: SignalOptions = {},
  ): Promise<Message> {
    return await this.#messaging.edit(messageId, change, options);
  }

  /** Deletes a message (`DELETE /messages/{id}`). */
  override async deleteMessage(
    messageId: string,
    options: SignalOptions = {},
  ): Promise<void> {
    await this.#messaging.delete(messageId, options);
  }

  /** A person by id or e-mail address (404: `undefined`), kept 5 minutes. */
  override async getPerson(
    idOrEmail: string,
    options: SignalOptions = {},
  ): Promise<Person | undefined> {
    return await this.#messaging.person(idOrEmail, options);
  }

  /**
   * Registers the webhooks at `hookUrl`: `shellbot-memberships`,
   * `shellbot-messages` (every event: created and deleted are handled) and
   * `shellbot-actions` (card submissions) with the bot token, and `shellbot-audit` with the
   * audit token when there is one, each signed with `space.webhook_secret`.
   * Earlier webhooks are removed first (see `purge`); an inactive webhook of
   * ours is re-activated. Then one pull catches up on the messages posted
   * since the last event handled (cursors kept in the dedupe store, across
   * restarts with a `KvDedupeStore`).
   * @param hookUrl The public URL of the webhook route.
   * @param options Purge mode, and a signal.
   */
  override async register(
    hookUrl: string,
    options: RegisterOptions = {},
  ): Promise<void> {
    requireText(hookUrl, "register", "hookUrl");
    await this.#connection.register(hookUrl, options);
  }

  /**
   * Removes the webhooks that `register` put in place.
   *
   * @throws {PartialFailureError} When some could not be removed, with each
   * failure in `errors`; calling it again removes those.
   */
  override async deregister(options: SignalOptions = {}): Promise<void> {
    await this.#connection.deregister(options);
  }

  /**
   * Checks that the webhooks of `register` are there and active (Webex turns
   * one `inactive` after failed deliveries); else registers again, which
   * re-activates them and catches up. Resolves to true when it revived them.
   */
  async reviveWebhooks(options: SignalOptions = {}): Promise<boolean> {
    return await this.#connection.reviveWebhooks(options);
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
    return await this.#connection.receive(input);
  }

  /**
   * Processes a delivery that `webhook()` put in the inbox, once only: puts
   * its event on `ears` (or `fan`) and resolves to `"queued"`, `"ignored"`
   * (gone, or the bot's own) or `"duplicate"`. Throws when it failed, so
   * that the queue delivers it again.
   */
  async processDelivery(
    delivery: WebexDelivery,
  ): Promise<"queued" | "ignored" | "duplicate"> {
    return await processDelivery(await this.#connection.inbound(), delivery);
  }

  /** Polls; with `space.events` "websocket", listens on the Webex websocket. */
  override async run(options: SignalOptions = {}): Promise<void> {
    const poll = (signal?: AbortSignal) => super.run({ signal });
    await this.#connection.run(poll, options.signal);
  }

  /** Fetches the messages that are new since the previous pull. */
  override async pull(options: SignalOptions = {}): Promise<void> {
    await this.#connection.pull(options);
  }

  /**
   * The file name of an attachment (HEAD, `Content-Disposition`) at its
   * content `url`, as the sender gave it: not safe as a path.
   */
  nameAttachment(url: string, options: SignalOptions = {}): Promise<string> {
    const checked = requireText(url, "nameAttachment", "url");
    return nameAttachment(this.client, checked, options);
  }

  /**
   * The bytes of an attachment as a stream, to be read or cancelled; it
   * errors once it brings more than announced or than `maxBytes` (100 MiB).
   */
  getAttachment(
    url: string,
    options: Omit<DownloadOptions, "dir"> = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const checked = requireText(url, "getAttachment", "url");
    return getAttachment(this.client, checked, options);
  }

  /**
   * Streams an attachment to a file with a sanitised, unused name in
   * `options.dir` (default: a new temporary folder), at most `maxBytes`
   * (100 MiB), and resolves to the file's path.
   */
  downloadAttachment(
    url: string,
    options: DownloadOptions = {},
  ): Promise<string> {
    const checked = requireText(url, "downloadAttachment", "url");
    return downloadAttachment(this.client, checked, options);
  }

  /** Compares Webex ids by their decoded uuid. */
  override isSameId(a: string, b: string): boolean {
    return sameWebexId(a, b);
  }
}

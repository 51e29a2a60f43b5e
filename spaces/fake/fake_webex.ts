/**
 * {@linkcode FakeWebex}: an in-process Webex API over real HTTP, with real
 * state, for tests.
 *
 * @module
 */

import {
  contentUrl,
  lookupContent,
  storeContent,
  typeOfName,
} from "./_contents.ts";
import { Deliveries } from "./_delivery.ts";
import { Faults } from "./_faults.ts";
import { HttpError } from "./_http.ts";
import {
  addMembership,
  membershipJson,
  removeMembership,
} from "./_memberships.ts";
import { createMessage, messageJson } from "./_messages.ts";
import { createRoom, roomJson } from "./_rooms.ts";
import { Router } from "./_router.ts";
import { ROUTES } from "./_routes.ts";
import { type PersonRecord, State } from "./_state.ts";
import { createTeam, teamJson } from "./_teams.ts";
import { webhookJson } from "./_webhooks.ts";
import { parseFakeWebexId } from "./ids.ts";
import type {
  AddRoomInit,
  ContentState,
  FakeContent,
  FakeDelivery,
  FakePerson,
  FakeWebexOptions,
  FaultRule,
  PersonRef,
  RecordedRequest,
  SimulatedMembership,
  SimulatedMessage,
} from "./types.ts";

/**
 * An in-process fake of the Webex messaging API, served over real HTTP on
 * `127.0.0.1` with a random port.
 *
 * It keeps people (each with a bearer token), rooms, teams, memberships,
 * messages, files and webhooks, answers like the real service (ids, status
 * codes, error bodies, pagination, limits), and lets tests inject faults and
 * latency and count requests. Events (messages, membership changes) are
 * POSTed to the `targetUrl` of every matching active webhook, signed when it
 * has a secret; await `settled()` before looking at what a receiver got.
 *
 * @example Post a message as the bot and read it back
 * ```ts
 * import { FakeWebex } from "./fake_webex.ts";
 *
 * await using webex = await FakeWebex.start();
 * const alice = webex.addUser({ email: "alice@example.com", displayName: "Alice" });
 * const room = webex.addRoom({ title: "Ops", members: [alice] });
 * const response = await fetch(`${webex.url}/messages`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${webex.bot.token}`, "content-type": "application/json" },
 *   body: JSON.stringify({ roomId: room.id, text: "hello" }),
 * });
 * await response.body?.cancel();
 * console.log(webex.postedByBot()[0].text); // "hello"
 * ```
 */
export class FakeWebex implements AsyncDisposable {
  /** API base URL, such as `http://127.0.0.1:PORT/v1`; every endpoint is below it. */
  readonly url: string;
  /** The bot; `bot.token` is the bot token. */
  readonly bot: FakePerson;
  #state: State;
  #faults: Faults;
  #router: Router;
  #server: Deno.HttpServer<Deno.NetAddr>;
  #deliveries: Deliveries;
  #botRecord: PersonRecord;

  private constructor(
    state: State,
    faults: Faults,
    router: Router,
    server: Deno.HttpServer<Deno.NetAddr>,
    deliveries: Deliveries,
  ) {
    this.#state = state;
    this.#faults = faults;
    this.#router = router;
    this.#server = server;
    this.#deliveries = deliveries;
    this.url = state.apiUrl;
    this.#botRecord = [...state.people.values()][0];
    this.bot = publicPerson(this.#botRecord);
  }

  /**
   * Starts the fake on `127.0.0.1` with a random port.
   *
   * @param options The bot's name and e-mail, the seed of fault rates, and
   * how webhook deliveries fail.
   * @returns The running fake; close it with `close()` or `await using`.
   * @throws {RangeError} When `inactiveAfter` or `deliveryTimeout` is not a positive number.
   *
   * @example Start and stop
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * const webex = await FakeWebex.start({ botName: "Helper" });
   * console.log(webex.bot.displayName); // "Helper"
   * await webex.close();
   * ```
   */
  static start(options: FakeWebexOptions = {}): Promise<FakeWebex> {
    const inactiveAfter = options.inactiveAfter ?? 5;
    if (!Number.isInteger(inactiveAfter) || inactiveAfter < 1) {
      return Promise.reject(
        new RangeError(
          `Cannot start FakeWebex: inactiveAfter must be a positive integer, got ${inactiveAfter}`,
        ),
      );
    }
    const timeout = options.deliveryTimeout ?? 10_000;
    if (!(timeout > 0)) {
      return Promise.reject(
        new RangeError(
          `Cannot start FakeWebex: deliveryTimeout must be positive, got ${timeout}`,
        ),
      );
    }
    const state = new State();
    state.addPerson({
      email: options.botEmail ?? "shelly@webex.bot",
      displayName: options.botName ?? "Shelly",
      type: "bot",
    });
    const faults = new Faults(options.seed ?? 1);
    const router = new Router(state, faults, ROUTES);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: options.signal, onListen() {} },
      (request) => router.handle(request),
    );
    state.apiUrl = `http://127.0.0.1:${server.addr.port}/v1`;
    const deliveries = new Deliveries(state, { inactiveAfter, timeout });
    const webex = new FakeWebex(state, faults, router, server, deliveries);
    options.signal?.addEventListener("abort", () => void deliveries.close(), {
      once: true,
    });
    return Promise.resolve(webex);
  }

  /**
   * Adds a simulated user (or another bot) with its own token.
   *
   * @param init E-mail address, display name (default: the part before `@`) and type.
   * @returns The new person.
   * @throws {TypeError} When the e-mail is not one or is already known.
   *
   * @example Add a user
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const bob = webex.addUser({ email: "bob@example.com" });
   * console.log(bob.displayName); // "bob"
   * ```
   */
  addUser(
    init: { email: string; displayName?: string; type?: "person" | "bot" },
  ): FakePerson {
    return publicPerson(this.#state.addPerson(init));
  }

  /**
   * Finds a person by id (padded or not) or e-mail.
   *
   * @param idOrEmail A person id or an e-mail address.
   * @returns The person, or `undefined`.
   *
   * @example Find the bot by e-mail
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.findPerson("shelly@webex.bot")?.type); // "bot"
   * ```
   */
  findPerson(idOrEmail: string): FakePerson | undefined {
    const person = this.#state.lookupPerson(idOrEmail);
    return person && publicPerson(person);
  }

  /**
   * Adds a team with its general room, as the real service makes one.
   *
   * @param init The team's name and creator (default: the bot).
   * @returns The team, as `GET /teams/{id}` renders it.
   *
   * @example Make a team and a room in it
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const team = webex.addTeam({ name: "Crew" });
   * const room = webex.addRoom({ title: "Deck", teamId: team.id as string });
   * console.log(room.teamId === team.id); // true
   * ```
   */
  addTeam(
    init: { name: string; creator?: PersonRef },
  ): Record<string, unknown> {
    const creator = init.creator ? this.#person(init.creator) : this.#botRecord;
    return teamJson(
      this.#state,
      createTeam(this.#state, { name: init.name, creator }),
    );
  }

  /**
   * Adds a group room with its members.
   *
   * @param init Title, team, members, moderators, lock, creator, and whether the bot is in.
   * @returns The room, as the bot sees it.
   * @throws {TypeError} When a person or the team is unknown, or no creator can be found.
   *
   * @example A moderated room the bot is not in
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Board", moderators: ["boss@example.com"], botIsMember: false });
   * console.log(room.isLocked); // true
   * ```
   */
  addRoom(init: AddRoomInit): Record<string, unknown> {
    return this.#helper("Cannot add a room", () => {
      const state = this.#state;
      const botIsMember = init.botIsMember ?? true;
      const members = (init.members ?? []).map((ref) =>
        this.#person(ref, true)
      );
      const moderators = (init.moderators ?? []).map((ref) =>
        this.#person(ref, true)
      );
      const creator = init.creator
        ? this.#person(init.creator)
        : botIsMember
        ? this.#botRecord
        : moderators[0] ?? members[0];
      if (!creator) {
        throw new TypeError(
          "Cannot add a room: give a creator or a member when the bot is not one",
        );
      }
      const team = init.teamId
        ? state.find(state.teams, "TEAM", init.teamId)
        : undefined;
      const isLocked = init.isLocked ?? moderators.length > 0;
      const room = createRoom(state, {
        title: init.title,
        teamUuid: team?.uuid,
        isLocked,
        creator,
      });
      const everyone = [
        ...(botIsMember ? [this.#botRecord] : []),
        ...members,
        ...moderators,
      ];
      for (const person of everyone) {
        const isModerator = moderators.includes(person);
        const existing = state.membership(room.uuid, person.uuid);
        if (!existing) addMembership(state, room, person, isModerator, creator);
        else if (isModerator) existing.isModerator = true;
      }
      return roomJson(state, room, this.#botRecord);
    });
  }

  /**
   * Posts a message as a simulated user, as if typed in a Webex client.
   *
   * Mentions come first in the text, so a message mentioning the bot begins
   * with the bot's name, and appear in `html` and `mentionedPeople`. A message
   * to a person makes their direct room on first use.
   *
   * @param init Author, destination, text or markdown, mentions and file.
   * @returns The message, as `GET /messages/{id}` renders it.
   * @throws {TypeError} When the author is unknown or the API would refuse the message.
   *
   * @example A user mentions the bot
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com", displayName: "Alice" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const message = webex.simulateMessage({ from: alice, roomId: room.id as string, text: "status?", mentions: [webex.bot] });
   * console.log(message.text); // "Shelly status?"
   * ```
   */
  simulateMessage(init: SimulatedMessage): Record<string, unknown> {
    return this.#helper("Cannot simulate a message", () => {
      const from = this.#person(init.from);
      const file = init.file && {
        name: init.file.name,
        type: init.file.type ?? typeOfName(init.file.name),
        chunks: [init.file.bytes.slice()],
        size: init.file.bytes.length,
      };
      const message = createMessage(this.#state, from, {
        ...(init.roomId !== undefined ? { roomId: init.roomId } : {}),
        ...(init.toPersonEmail !== undefined
          ? { toPersonEmail: init.toPersonEmail }
          : {}),
        ...(init.toPersonId !== undefined
          ? { toPersonId: init.toPersonId }
          : {}),
        ...(init.text !== undefined ? { text: init.text } : {}),
        ...(init.markdown !== undefined ? { markdown: init.markdown } : {}),
        ...(init.parentId !== undefined ? { parentId: init.parentId } : {}),
        ...(file ? { file } : {}),
        mentions: (init.mentions ?? []).map((ref) => this.#person(ref)),
      });
      return messageJson(this.#state, message);
    });
  }

  /**
   * Puts a simulated user in a group room, as if added in a Webex client;
   * webhooks hear a `memberships`/`created` event.
   *
   * @param init Who joins which room, who adds them (default: themselves), as moderator or not.
   * @returns The membership, as the API renders it.
   * @throws {TypeError} When a person or the room is unknown, the room is
   * direct, or the person is already a member.
   *
   * @example Bob joins a room
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const membership = webex.simulateJoin({ person: "bob@example.com", roomId: room.id as string });
   * console.log(membership.personEmail); // "bob@example.com"
   * ```
   */
  simulateJoin(init: SimulatedMembership): Record<string, unknown> {
    return this.#helper("Cannot simulate a join", () => {
      const state = this.#state;
      const person = this.#person(init.person, true);
      const room = state.find(state.rooms, "ROOM", init.roomId);
      if (room.type === "direct") {
        throw new TypeError(
          "Cannot simulate a join: the members of a direct room cannot change",
        );
      }
      const by = init.by ? this.#person(init.by) : person;
      const membership = addMembership(
        state,
        room,
        person,
        init.isModerator ?? false,
        by,
      );
      return membershipJson(state, membership);
    });
  }

  /**
   * Takes a simulated user (or the bot) out of a group room; webhooks hear a
   * `memberships`/`deleted` event, the leaver's own webhooks included.
   *
   * @param init Who leaves which room, and who removes them (default: themselves).
   * @returns The membership that was removed, as the API rendered it.
   * @throws {TypeError} When a person or the room is unknown, the room is
   * direct, or the person is not a member.
   *
   * @example Alice leaves
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops", members: ["alice@example.com"] });
   * webex.simulateLeave({ person: "alice@example.com", roomId: room.id as string });
   * console.log(webex.memberships(room.id as string).length); // 1
   * ```
   */
  simulateLeave(init: SimulatedMembership): Record<string, unknown> {
    return this.#helper("Cannot simulate a leave", () => {
      const state = this.#state;
      const person = this.#person(init.person);
      const room = state.find(state.rooms, "ROOM", init.roomId);
      if (room.type === "direct") {
        throw new TypeError(
          "Cannot simulate a leave: the members of a direct room cannot change",
        );
      }
      const membership = state.membership(room.uuid, person.uuid);
      if (!membership) {
        throw new TypeError(
          `Cannot simulate a leave: ${person.displayName} is not a member of '${room.title}'`,
        );
      }
      const data = membershipJson(state, membership);
      removeMembership(
        state,
        membership,
        init.by ? this.#person(init.by) : person,
      );
      return data;
    });
  }

  /**
   * The stored messages, oldest first, deleted ones left out.
   *
   * @param roomId Only this room's messages; every room's when absent.
   * @returns The messages, as the API renders them.
   *
   * @example Count the messages of a room
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * console.log(webex.messages(room.id as string).length); // 0
   * ```
   */
  messages(roomId?: string): Record<string, unknown>[] {
    const state = this.#state;
    const list = roomId === undefined
      ? state.messages.values()
      : state.roomMessages.get(
        this.#helper(
          "Cannot list messages",
          () => state.find(state.rooms, "ROOM", roomId),
        ).uuid,
      )!;
    return [...list].filter((message) => !message.deleted).map((message) =>
      messageJson(state, message)
    );
  }

  /**
   * The messages the bot created, oldest first.
   *
   * @returns The messages, as the API renders them.
   *
   * @example Nothing posted yet
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.postedByBot()); // []
   * ```
   */
  postedByBot(): Record<string, unknown>[] {
    const bot = this.#botRecord.uuid;
    return [...this.#state.messages.values()]
      .filter((message) => !message.deleted && message.personUuid === bot)
      .map((message) => messageJson(this.#state, message));
  }

  /**
   * Every room, in creation order, as the bot would see it.
   *
   * @returns The rooms, as the API renders them.
   *
   * @example List rooms
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.addRoom({ title: "Ops" });
   * console.log(webex.rooms().map((room) => room.title)); // ["Ops"]
   * ```
   */
  rooms(): Record<string, unknown>[] {
    return [...this.#state.rooms.values()].map((room) =>
      roomJson(this.#state, room, this.#botRecord)
    );
  }

  /**
   * The memberships, in creation order.
   *
   * @param roomId Only this room's; every room's when absent.
   * @returns The memberships, as the API renders them.
   *
   * @example Who is in a room
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops", members: ["alice@example.com"] });
   * console.log(webex.memberships(room.id as string).map((m) => m.personEmail));
   * // ["shelly@webex.bot", "alice@example.com"]
   * ```
   */
  memberships(roomId?: string): Record<string, unknown>[] {
    const state = this.#state;
    const list = roomId === undefined ? [...state.memberships.values()] : [
      ...(state.roomMembers.get(
        this.#helper(
          "Cannot list memberships",
          () => state.find(state.rooms, "ROOM", roomId),
        ).uuid,
      )?.values() ?? []),
    ];
    return list.sort((a, b) => a.seq - b.seq).map((membership) =>
      membershipJson(state, membership)
    );
  }

  /**
   * Every webhook of every owner, in creation order, without secrets.
   *
   * @returns The webhooks, as the API renders them.
   *
   * @example No webhook yet
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.webhooks().length); // 0
   * ```
   */
  webhooks(): Record<string, unknown>[] {
    return [...this.#state.webhooks.values()].map((webhook) =>
      webhookJson(this.#state, webhook)
    );
  }

  /**
   * Every webhook delivery attempted so far, oldest first: which webhook,
   * where, the exact body and signature, and what the receiver answered.
   * Await `settled()` first to see the deliveries of past events.
   */
  get deliveries(): readonly FakeDelivery[] {
    return this.#deliveries.log;
  }

  /**
   * How many deliveries were attempted, failed ones included.
   *
   * @param webhook A webhook id or name; every webhook's when absent.
   * @returns The count.
   *
   * @example Nothing delivered without a webhook
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.addRoom({ title: "Ops" });
   * await webex.settled();
   * console.log(webex.deliveryCount()); // 0
   * ```
   */
  deliveryCount(webhook?: string): number {
    const log = this.#deliveries.log;
    if (webhook === undefined) return log.length;
    const uuid = parseFakeWebexId(webhook)?.uuid;
    return log.filter((delivery) =>
      delivery.webhookName === webhook ||
      (uuid !== undefined &&
        parseFakeWebexId(delivery.webhookId)?.uuid === uuid)
    ).length;
  }

  /**
   * Forgets the logged deliveries.
   *
   * @example Start counting afresh
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.clearDeliveries();
   * console.log(webex.deliveries.length); // 0
   * ```
   */
  clearDeliveries(): void {
    this.#deliveries.log.length = 0;
  }

  /**
   * POSTs every following delivery twice, same body and same signature, as
   * the real service sometimes does, to test that handlers see each event
   * once.
   *
   * @param on True to repeat deliveries, false to stop.
   *
   * @example Repeat deliveries
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.deliverTwice(true);
   * ```
   */
  deliverTwice(on: boolean): void {
    this.#deliveries.twice = on;
  }

  /**
   * Resolves once no webhook delivery is queued or in flight, those started
   * while waiting included: await it instead of sleeping.
   *
   * @param options A signal to stop waiting.
   * @throws {unknown} The signal's reason when it is aborted.
   *
   * @example Wait for deliveries
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * webex.simulateMessage({ from: alice, toPersonEmail: webex.bot.emails[0], text: "hi" });
   * await webex.settled();
   * ```
   */
  settled(options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#deliveries.settled(options.signal);
  }

  /**
   * A stored file, with a copy of its bytes.
   *
   * @param idOrUrl The content id, or the URL found in `message.files`.
   * @returns The content, or `undefined` when unknown.
   *
   * @example Read back an attached file
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const bytes = new TextEncoder().encode("hi");
   * const message = webex.simulateMessage({ from: alice, roomId: room.id as string, file: { name: "a.txt", bytes } });
   * console.log(webex.content((message.files as string[])[0])?.size); // 2
   * ```
   */
  content(idOrUrl: string): FakeContent | undefined {
    const content = lookupContent(this.#state, idOrUrl);
    if (!content) return undefined;
    const bytes = new Uint8Array(content.size);
    let offset = 0;
    for (const chunk of content.chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return {
      id: content.id,
      name: content.name,
      type: content.type,
      size: content.size,
      bytes,
    };
  }

  /**
   * Stores a file in a room without a message, and returns its URL.
   *
   * @param roomId The room whose members may download it.
   * @param file Name, type and bytes.
   * @returns The content URL, as found in `message.files`.
   *
   * @example Store a file
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const url = webex.addContent(room.id as string, { name: "a.bin", bytes: new Uint8Array(3) });
   * console.log(url.startsWith(`${webex.url}/contents/`)); // true
   * ```
   */
  addContent(
    roomId: string,
    file: { name: string; type?: string; bytes: Uint8Array },
  ): string {
    const state = this.#state;
    const room = this.#helper(
      "Cannot add a content",
      () => state.find(state.rooms, "ROOM", roomId),
    );
    const type = file.type ?? typeOfName(file.name);
    const content = storeContent(state, {
      name: file.name,
      type,
      chunks: [file.bytes.slice()],
      size: file.bytes.length,
      roomUuid: room.uuid,
    });
    return contentUrl(state, content);
  }

  /**
   * Sets the malware-scan state of a file: `scanning` answers 423 with
   * `Retry-After`, `removed` 410, `unscannable` 428, `ready` serves it.
   *
   * @param idOrUrl The content id or URL.
   * @param contentState The new state.
   * @param options Seconds to send as `Retry-After` while scanning (default 1).
   * @throws {TypeError} When the content is unknown.
   *
   * @example Make a file unavailable while it is scanned
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const url = webex.addContent(room.id as string, { name: "a.bin", bytes: new Uint8Array(3) });
   * webex.setContentState(url, "scanning", { retryAfter: 2 });
   * ```
   */
  setContentState(
    idOrUrl: string,
    contentState: ContentState,
    options: { retryAfter?: number } = {},
  ): void {
    const content = lookupContent(this.#state, idOrUrl);
    if (!content) {
      throw new TypeError(
        `Cannot set the state of content '${idOrUrl}': it is unknown`,
      );
    }
    content.state = contentState;
    content.retryAfter = options.retryAfter ?? 1;
  }

  /**
   * Makes matching requests fail with a status before they are processed, so
   * a failed POST never creates anything.
   *
   * @param rule Endpoint key (all when absent), status, `Retry-After`, how many times, and rate.
   * @throws {RangeError} When the rule is invalid.
   *
   * @example Throttle the next two posts
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.injectFault({ endpoint: "POST /messages", status: 429, retryAfter: 1, times: 2 });
   * ```
   */
  injectFault(rule: FaultRule): void {
    this.#faults.add(rule);
  }

  /**
   * Drops every fault rule.
   *
   * @example Back to normal
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.injectFault({ status: 503 });
   * webex.clearFaults();
   * ```
   */
  clearFaults(): void {
    this.#faults.clear();
  }

  /**
   * Delays every answer.
   *
   * @param ms Milliseconds to wait before answering; 0 for none.
   *
   * @example A slow service
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.setLatency(20);
   * ```
   */
  setLatency(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`Cannot set a latency of ${ms} ms: use 0 or more`);
    }
    this.#router.latency = ms;
  }

  /**
   * How many requests were answered, faults and errors included.
   *
   * @param endpoint An endpoint key such as `GET /rooms` or `GET /messages/{id}`; all when absent.
   * @returns The count.
   *
   * @example Count a request
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * const response = await fetch(`${webex.url}/people/me`, { headers: { authorization: `Bearer ${webex.bot.token}` } });
   * await response.body?.cancel();
   * console.log(webex.requestCount("GET /people/me")); // 1
   * ```
   */
  requestCount(endpoint?: string): number {
    return endpoint === undefined
      ? this.#router.requests.length
      : this.#router.counts.get(endpoint) ?? 0;
  }

  /** Every request answered, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return this.#router.requests;
  }

  /**
   * Forgets the recorded requests and their counts.
   *
   * @example Start counting afresh
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * await using webex = await FakeWebex.start();
   * webex.clearRequests();
   * console.log(webex.requestCount()); // 0
   * ```
   */
  clearRequests(): void {
    this.#router.requests.length = 0;
    this.#router.counts.clear();
  }

  /**
   * Stops the server once the requests in flight are answered, after
   * aborting the webhook deliveries in flight (await `settled()` first to let
   * them finish).
   *
   * @example Close explicitly
   * ```ts
   * import { FakeWebex } from "./fake_webex.ts";
   *
   * const webex = await FakeWebex.start();
   * await webex.close();
   * ```
   */
  async close(): Promise<void> {
    await this.#deliveries.close();
    await this.#server.shutdown();
  }

  /** Closes the fake at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #person(ref: PersonRef, create = false): PersonRecord {
    return this.#state.resolvePerson(ref, { create });
  }

  /** Runs a test helper, turning API refusals into `TypeError`s that say which helper failed. */
  #helper<T>(what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof HttpError) {
        throw new TypeError(`${what}: ${error.message}`, { cause: error });
      }
      throw error;
    }
  }
}

function publicPerson(person: PersonRecord): FakePerson {
  const { id, emails, displayName, type, token, orgId, created } = person;
  return { id, emails: [...emails], displayName, type, token, orgId, created };
}

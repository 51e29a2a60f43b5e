/**
 * {@linkcode FakeWebex}: an in-process Webex API over real HTTP, with real
 * state, for tests.
 *
 * @module
 */

import { Deliveries } from "./_delivery.ts";
import { Faults } from "./_faults.ts";
import { bindInternals, internalsOf, publicPerson } from "./_internals.ts";
import type { Internals } from "./_internals.ts";
import { Router } from "./_router.ts";
import { ROUTES } from "./_routes.ts";
import * as simulation from "./_simulation.ts";
import { SocketHub } from "./_socket.ts";
import type { FakeWebexSocket } from "./_socket_types.ts";
import { State } from "./_state.ts";
import { FakeWebexActs } from "./fake_webex_acts.ts";
import type {
  AddRoomInit,
  FakePerson,
  FakeWebexOptions,
  PersonRef,
  SimulatedMembership,
  SimulatedMessage,
} from "./types.ts";
import type {
  FakeMembership,
  FakeMessage,
  FakeRoom,
  FakeTeam,
} from "./webex_types.ts";

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
 * Its members come in four layers: this class builds the world and posts
 * as simulated users; {@linkcode FakeWebexActs} submits cards, edits and
 * deletes as them; {@linkcode FakeWebexViews} reads what is stored;
 * {@linkcode FakeWebexControls} injects faults and latency and counts
 * requests and deliveries.
 *
 * @example Post a message as the bot and read it back
 * ```ts
 * import { FakeWebex } from "@shellbot/spaces/testing";
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
export class FakeWebex extends FakeWebexActs implements AsyncDisposable {
  /** API base URL, such as `http://127.0.0.1:PORT/v1`; every endpoint is below it. */
  readonly url: string;
  /** The bot; `bot.token` is the bot token. */
  readonly bot: FakePerson;
  /** The websocket (Mercury), its catalog and devices, and their controls. */
  readonly socket: FakeWebexSocket;
  #socket: SocketHub;

  private constructor(internals: Internals, socket: SocketHub) {
    super();
    bindInternals(this, internals);
    this.socket = this.#socket = socket;
    this.url = internals.state.apiUrl;
    this.bot = publicPerson(internals.bot);
  }

  /**
   * Starts the fake on `127.0.0.1` with a random port.
   *
   * @param options The bot's name and e-mail, the seed of fault rates, and
   * how webhook deliveries fail.
   * @returns The running fake; close it with `close()` or `await using`.
   * @throws {RangeError} When `inactiveAfter` or `deliveryTimeout` is not a
   * positive number, `deliveryConcurrency` not a positive integer,
   * `roomReadConcurrency` not a positive integer or false,
   * or `redeliveryRate` not in 0..1.
   *
   * @example Start and stop
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
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
    const concurrency = options.deliveryConcurrency ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      return Promise.reject(
        new RangeError(
          `Cannot start FakeWebex: deliveryConcurrency must be a positive integer, got ${concurrency}`,
        ),
      );
    }
    const readLimit = options.roomReadConcurrency ?? 3;
    if (
      readLimit !== false && !(Number.isInteger(readLimit) && readLimit >= 1)
    ) {
      return Promise.reject(
        new RangeError(
          `Cannot start FakeWebex: roomReadConcurrency must be a positive integer or false, got ${readLimit}`,
        ),
      );
    }
    const redeliveryRate = options.redeliveryRate ?? 0;
    if (!(redeliveryRate >= 0 && redeliveryRate <= 1)) {
      return Promise.reject(
        new RangeError(
          `Cannot start FakeWebex: redeliveryRate must be from 0 to 1, got ${redeliveryRate}`,
        ),
      );
    }
    const state = new State();
    const bot = state.addPerson({
      email: options.botEmail ?? "shelly@webex.bot",
      displayName: options.botName ?? "Shelly",
      type: "bot",
    });
    const faults = new Faults(options.seed ?? 1);
    const router = new Router(state, faults, ROUTES, readLimit);
    const socket = new SocketHub(state);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, signal: options.signal, onListen() {} },
      async (request) =>
        await socket.handle(request) ?? await router.handle(request),
    );
    state.apiUrl = `http://127.0.0.1:${server.addr.port}/v1`;
    socket.listen(`http://127.0.0.1:${server.addr.port}`);
    const deliveries = new Deliveries(state, {
      inactiveAfter,
      timeout,
      redeliveryRate,
      seed: options.seed ?? 1,
      concurrency,
    });
    options.signal?.addEventListener("abort", () => void deliveries.close(), {
      once: true,
    });
    return Promise.resolve(
      new FakeWebex({ state, faults, router, server, deliveries, bot }, socket),
    );
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const bob = webex.addUser({ email: "bob@example.com" });
   * console.log(bob.displayName); // "bob"
   * ```
   */
  addUser(
    init: { email: string; displayName?: string; type?: "person" | "bot" },
  ): FakePerson {
    return publicPerson(internalsOf(this).state.addPerson(init));
  }

  /**
   * Adds a team with its general room, as the real service makes one.
   *
   * @param init The team's name and creator (default: the bot).
   * @returns The team, as `GET /teams/{id}` renders it.
   * @throws {TypeError} When the creator is unknown.
   *
   * @example Make a team and a room in it
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const team = webex.addTeam({ name: "Crew" });
   * const room = webex.addRoom({ title: "Deck", teamId: team.id });
   * console.log(room.teamId === team.id); // true
   * ```
   */
  addTeam(init: { name: string; creator?: PersonRef }): FakeTeam {
    return simulation.addTeam(internalsOf(this), init);
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Board", moderators: ["boss@example.com"], botIsMember: false });
   * console.log(room.isLocked); // true
   * ```
   */
  addRoom(init: AddRoomInit): FakeRoom {
    return simulation.addRoom(internalsOf(this), init);
  }

  /**
   * Stores a file in a room without a message, and returns its URL.
   *
   * @param roomId The room whose members may download it.
   * @param file Name, type (default: from the name's extension) and bytes.
   * @returns The content URL, as found in `message.files`.
   * @throws {TypeError} When the room is unknown.
   *
   * @example Store a file
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const url = webex.addContent(room.id, { name: "a.bin", bytes: new Uint8Array(3) });
   * console.log(url.startsWith(`${webex.url}/contents/`)); // true
   * ```
   */
  addContent(
    roomId: string,
    file: { name: string; type?: string; bytes: Uint8Array },
  ): string {
    return simulation.addContent(internalsOf(this), roomId, file);
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com", displayName: "Alice" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const message = webex.simulateMessage({ from: alice, roomId: room.id, text: "status?", mentions: [webex.bot] });
   * console.log(message.text); // "Shelly status?"
   * ```
   */
  simulateMessage(init: SimulatedMessage): FakeMessage {
    return simulation.simulateMessage(internalsOf(this), init);
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const membership = webex.simulateJoin({ person: "bob@example.com", roomId: room.id });
   * console.log(membership.personEmail); // "bob@example.com"
   * ```
   */
  simulateJoin(init: SimulatedMembership): FakeMembership {
    return simulation.simulateJoin(internalsOf(this), init);
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops", members: ["alice@example.com"] });
   * webex.simulateLeave({ person: "alice@example.com", roomId: room.id });
   * console.log(webex.memberships(room.id).length); // 1
   * ```
   */
  simulateLeave(init: SimulatedMembership): FakeMembership {
    return simulation.simulateLeave(internalsOf(this), init);
  }

  /**
   * Stops the server once the requests in flight are answered, after
   * aborting the webhook deliveries in flight (await `settled()` first to let
   * them finish).
   *
   * @example Close explicitly
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * const webex = await FakeWebex.start();
   * await webex.close();
   * ```
   */
  async close(): Promise<void> {
    const { deliveries, server } = internalsOf(this);
    await deliveries.close();
    await this.#socket.close();
    await server.shutdown();
  }

  /** Closes the fake at the end of an `await using` block. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

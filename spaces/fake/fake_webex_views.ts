/**
 * {@linkcode FakeWebexViews}: what a `FakeWebex` holds, read without going
 * through HTTP.
 *
 * @module
 */

import { lookupContent } from "./_contents.ts";
import { helper, internalsOf, publicPerson } from "./_internals.ts";
import { membershipJson } from "./_memberships.ts";
import { messageJson } from "./_message_create.ts";
import { roomJson } from "./_rooms.ts";
import { webhookJson } from "./_webhooks.ts";
import { FakeWebexControls } from "./fake_webex_controls.ts";
import type { FakeContent, FakePerson } from "./types.ts";
import type {
  FakeMembership,
  FakeMessage,
  FakeRoom,
  FakeWebhook,
} from "./webex_types.ts";

/**
 * The views of a `FakeWebex`: its people, rooms, memberships, messages,
 * webhooks and files, each as the API renders it, to check what a bot did
 * without counting on the bot's own reading of the API. A `FakeWebex` has
 * all of them; make one with `FakeWebex.start`.
 *
 * @example What the bot posted
 * ```ts
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const room = webex.addRoom({ title: "Ops" });
 * const response = await fetch(`${webex.url}/messages`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${webex.bot.token}`, "content-type": "application/json" },
 *   body: JSON.stringify({ roomId: room.id, markdown: "**done**" }),
 * });
 * await response.body?.cancel();
 * console.log(webex.messages(room.id)[0].html); // "<p><strong>done</strong></p>"
 * ```
 */
export class FakeWebexViews extends FakeWebexControls {
  /**
   * Finds a person by id (padded or not) or e-mail.
   *
   * @param idOrEmail A person id or an e-mail address.
   * @returns The person, or `undefined`.
   *
   * @example Find the bot by e-mail
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.findPerson("shelly@webex.bot")?.type); // "bot"
   * ```
   */
  findPerson(idOrEmail: string): FakePerson | undefined {
    const person = internalsOf(this).state.lookupPerson(idOrEmail);
    return person && publicPerson(person);
  }

  /**
   * The stored messages, oldest first, deleted ones left out.
   *
   * @param roomId Only this room's messages; every room's when absent.
   * @returns The messages, as the API renders them.
   * @throws {TypeError} When the room is unknown.
   *
   * @example Count the messages of a room
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * console.log(webex.messages(room.id).length); // 0
   * ```
   */
  messages(roomId?: string): FakeMessage[] {
    const { state } = internalsOf(this);
    const list = roomId === undefined
      ? state.messages.values()
      : state.roomMessages.get(
        helper(
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
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.postedByBot()); // []
   * ```
   */
  postedByBot(): FakeMessage[] {
    const { state, bot } = internalsOf(this);
    return [...state.messages.values()]
      .filter((message) => !message.deleted && message.personUuid === bot.uuid)
      .map((message) => messageJson(state, message));
  }

  /**
   * Every room, in creation order, as the bot would see it.
   *
   * @returns The rooms, as the API renders them.
   *
   * @example List rooms
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.addRoom({ title: "Ops" });
   * console.log(webex.rooms().map((room) => room.title)); // ["Ops"]
   * ```
   */
  rooms(): FakeRoom[] {
    const { state, bot } = internalsOf(this);
    return [...state.rooms.values()].map((room) => roomJson(state, room, bot));
  }

  /**
   * The memberships, in creation order.
   *
   * @param roomId Only this room's; every room's when absent.
   * @returns The memberships, as the API renders them.
   * @throws {TypeError} When the room is unknown.
   *
   * @example Who is in a room
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops", members: ["alice@example.com"] });
   * console.log(webex.memberships(room.id).map((m) => m.personEmail));
   * // ["shelly@webex.bot", "alice@example.com"]
   * ```
   */
  memberships(roomId?: string): FakeMembership[] {
    const { state } = internalsOf(this);
    const list = roomId === undefined ? [...state.memberships.values()] : [
      ...(state.roomMembers.get(
        helper(
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
   * Every webhook of every owner, in creation order, without secrets (the
   * API gives a webhook's secret to its owner; a view a test may print
   * leaves it out).
   *
   * @returns The webhooks, as the API renders them.
   *
   * @example No webhook yet
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * console.log(webex.webhooks().length); // 0
   * ```
   */
  webhooks(): FakeWebhook[] {
    const { state } = internalsOf(this);
    return [...state.webhooks.values()].map((webhook) =>
      webhookJson(state, webhook, { secret: false })
    );
  }

  /**
   * A stored file, with a copy of its bytes.
   *
   * @param idOrUrl The content id, or the URL found in `message.files`.
   * @returns The content, or `undefined` when unknown.
   *
   * @example Read back an attached file
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const bytes = new TextEncoder().encode("hi");
   * const message = webex.simulateMessage({ from: alice, roomId: room.id, file: { name: "a.txt", bytes } });
   * console.log(webex.content(message.files![0])?.size); // 2
   * ```
   */
  content(idOrUrl: string): FakeContent | undefined {
    const content = lookupContent(internalsOf(this).state, idOrUrl);
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
}

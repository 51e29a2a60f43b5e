/**
 * {@linkcode FakeWebexActs}: what simulated users do to messages already
 * posted on a `FakeWebex`: submit their cards, edit and delete them.
 *
 * @module
 */

import { internalsOf } from "./_internals.ts";
import * as simulation from "./_simulation.ts";
import { FakeWebexViews } from "./fake_webex_views.ts";
import type {
  SimulatedAction,
  SimulatedDelete,
  SimulatedEdit,
} from "./types.ts";
import type { FakeAttachmentAction, FakeMessage } from "./webex_types.ts";

/**
 * The acts of simulated users on posted messages, each through the same
 * code as the API, so that webhooks hear them: `attachmentActions`/`created`
 * for a submitted card, `messages`/`updated` for an edit and
 * `messages`/`deleted` for a delete. A `FakeWebex` has all of them; make one
 * with `FakeWebex.start`.
 *
 * @example Alice submits the bot's card
 * ```ts
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const alice = webex.addUser({ email: "alice@example.com" });
 * const room = webex.addRoom({ title: "Ops", members: [alice] });
 * const response = await fetch(`${webex.url}/messages`, {
 *   method: "POST",
 *   headers: { authorization: `Bearer ${webex.bot.token}`, "content-type": "application/json" },
 *   body: JSON.stringify({
 *     roomId: room.id,
 *     text: "Your name?",
 *     attachments: [{
 *       contentType: "application/vnd.microsoft.card.adaptive",
 *       content: { type: "AdaptiveCard", version: "1.3", body: [{ type: "Input.Text", id: "name" }] },
 *     }],
 *   }),
 * });
 * const card = await response.json();
 * const action = webex.simulateAction({ from: alice, messageId: card.id, inputs: { name: "Alice" } });
 * console.log(action.inputs); // { name: "Alice" }
 * ```
 */
export class FakeWebexActs extends FakeWebexViews {
  /**
   * Submits the card of a message as a simulated user, as
   * `POST /attachment/actions` does; webhooks for `attachmentActions` hear
   * it (a bot hears the submits of its own cards).
   *
   * @param init Who submits, the card's message and the input values.
   * @returns The action, as `GET /attachment/actions/{id}` renders it.
   * @throws {TypeError} When the person or message is unknown, the person is
   * not in the room, or the message has no card.
   *
   * @example A message without a card cannot be submitted
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const plain = webex.simulateMessage({ from: alice, roomId: room.id, text: "hi" });
   * try {
   *   webex.simulateAction({ from: alice, messageId: plain.id });
   * } catch (error) {
   *   console.log(error instanceof TypeError); // true
   * }
   * ```
   */
  simulateAction(init: SimulatedAction): FakeAttachmentAction {
    return simulation.simulateAction(internalsOf(this), init);
  }

  /**
   * Edits a message as its author, as `PUT /messages/{id}` does; webhooks
   * hear `messages`/`updated`.
   *
   * @param init The author, the message, and its new `text` (for a text
   * message) or `markdown` (for a markdown one).
   * @returns The edited message, with `updated` set.
   * @throws {TypeError} When the API would refuse the edit: not the author,
   * another kind of content, a message with a file or card, or over 10 edits.
   *
   * @example Alice fixes a typo
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const sent = webex.simulateMessage({ from: alice, roomId: room.id, text: "pnig", mentions: [webex.bot] });
   * const edited = webex.simulateEdit({ from: alice, messageId: sent.id, text: "ping" });
   * console.log(edited.text); // "Shelly ping"
   * ```
   */
  simulateEdit(init: SimulatedEdit): FakeMessage {
    return simulation.simulateEdit(internalsOf(this), init);
  }

  /**
   * Deletes a message as its author (or a moderator), as
   * `DELETE /messages/{id}` does; webhooks hear `messages`/`deleted`.
   *
   * @param init The message, and who deletes it (default: its author).
   * @returns The message as it was before the delete.
   * @throws {TypeError} When the message is unknown or already deleted, or
   * the person may not delete it.
   *
   * @example Alice takes a message back
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * const room = webex.addRoom({ title: "Ops", members: [alice] });
   * const sent = webex.simulateMessage({ from: alice, roomId: room.id, text: "oops" });
   * webex.simulateDelete({ messageId: sent.id });
   * console.log(webex.messages(room.id).length); // 0
   * ```
   */
  simulateDelete(init: SimulatedDelete): FakeMessage {
    return simulation.simulateDelete(internalsOf(this), init);
  }
}

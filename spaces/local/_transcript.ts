/**
 * What the local space remembers of its conversation: the latest messages
 * with their ids (for threads, edits and deletes), and the last card (for
 * `/submit`).
 *
 * @module
 */

import { requireText } from "../_arguments.ts";
import type { AdaptiveCard } from "../cards.ts";
import type { Context } from "../context.ts";
import { type Action, createAction, type Message } from "../events.ts";
import type { MessageEdit } from "../message_edit.ts";
import type { Person } from "../person.ts";
import { submittedInputs } from "./_cards.ts";

// Only the latest messages are kept, so a long session does not grow
// without bound.
const HISTORY_LIMIT = 1000;

/** The messages and the last card of a local space. */
export class Transcript {
  #history: Message[] = [];
  #lastId = 0;
  #lastCard?: { messageId: string; card: AdaptiveCard };

  /** A new id: `*m1`, `*m2`, ... (`*a` for actions). */
  newId(prefix = "m"): string {
    return `*${prefix}${++this.#lastId}`;
  }

  /** Keeps a message, and its card for `/submit`. */
  remember(message: Message, card?: AdaptiveCard): void {
    this.#history.push(message);
    if (this.#history.length > 2 * HISTORY_LIMIT) {
      this.#history = this.#history.slice(-HISTORY_LIMIT);
    }
    if (card && message.id) this.#lastCard = { messageId: message.id, card };
  }

  /** The messages of a channel, newest first. */
  *walk(channelId: string): Iterable<Message> {
    for (let index = this.#history.length - 1; index >= 0; index--) {
      const message = this.#history[index];
      if (message.channelId === channelId) yield message;
    }
  }

  /** Forgets the messages of a channel. */
  forget(channelId: string): void {
    this.#history = this.#history.filter((message) =>
      message.channelId !== channelId
    );
  }

  /** Changes a message's text; markdown becomes its content. */
  edit(messageId: string, edit: MessageEdit): Message {
    const index = this.#indexOf(messageId, "editMessage");
    const text = edit.text || edit.markdown || "";
    const message = {
      ...this.#history[index],
      text,
      content: edit.markdown || text,
    };
    this.#history[index] = message;
    return message;
  }

  /** Removes a message (and its card). */
  delete(messageId: string): Message {
    const index = this.#indexOf(messageId, "deleteMessage");
    if (this.#lastCard?.messageId === messageId) this.#lastCard = undefined;
    return this.#history.splice(index, 1)[0];
  }

  /**
   * Refuses a reply whose parent is not in the transcript, or is itself a
   * reply, as Webex does (threads are one level deep).
   *
   * @throws {TypeError} Saying which rule the parent breaks.
   */
  checkParent(parentId: string): void {
    const parent = this.#history.find((message) => message.id === parentId);
    if (!parent) {
      throw new TypeError(
        `postMessage() parentId ${parentId} is not a message of the transcript`,
      );
    }
    if (parent.parentId) {
      throw new TypeError(
        `postMessage() parentId ${parentId} is itself a reply: threads are one level deep, so reply to ${parent.parentId}, the first message of the thread`,
      );
    }
  }

  /** The action of a `/submit` line, or a sentence saying what is wrong. */
  submit(line: string, channelId: string, fromId: string): Action | string {
    const last = this.#lastCard;
    if (!last) return "No card to submit yet";
    const inputs = submittedInputs(line, last.card);
    if (typeof inputs === "string") return inputs;
    return createAction({
      id: this.newId("a"),
      messageId: last.messageId,
      channelId,
      fromId,
      inputs,
      stamp: new Date().toISOString(),
    });
  }

  #indexOf(messageId: string, method: string): number {
    requireText(messageId, method, "messageId");
    const index = this.#history.findIndex((message) =>
      message.id === messageId
    );
    if (index < 0) {
      throw new TypeError(
        `${method}() found no message ${messageId} in the transcript`,
      );
    }
    return index;
  }
}

/** The local user, or the bot; `undefined` for anyone else. */
export function localPerson(
  idOrEmail: string,
  userId: string,
  context: Context,
): Person | undefined {
  if (idOrEmail === userId) {
    return { id: userId, emails: [], displayName: "You", kind: "person" };
  }
  const botId = context.get<string | undefined>("bot.id");
  if (!botId || idOrEmail !== botId) return undefined;
  return {
    id: botId,
    emails: [],
    displayName: context.get<string>("bot.name", "Shelly"),
    kind: "bot",
  };
}

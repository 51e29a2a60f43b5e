/**
 * Messages the bot posts, edits and deletes on Webex. Edits need the room
 * and the kind of content of the message (Webex keeps both), so the
 * messages this space posted are remembered, in a bounded map; others are
 * fetched once.
 *
 * @module
 */

import type { PostMessageRequest } from "../base.ts";
import type { Message } from "../events.ts";
import type { MessageEdit } from "../message_edit.ts";
import { requireText } from "../_arguments.ts";
import type { Person } from "../person.ts";
import { checkEdit } from "../_edit.ts";
import {
  deleteMessage,
  getMessage,
  updateMessage,
  type UpdateMessageBody,
} from "./api/messages.ts";
import type { CallOptions, WebexMessage } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { uuidOf } from "./ids.ts";
import { messageFromWebex } from "./normalise.ts";
import { People } from "./_people.ts";
import { checkParent } from "./_threads.ts";

/** What an edit must know of a message. */
interface Posted {
  roomId: string;
  isMarkdown: boolean;
  /** Files or a card: Webex refuses to edit those. */
  hasAttachments: boolean;
}

const REMEMBERED = 1000;

/** The members of the space that messaging uses. */
export interface MessagingHost {
  readonly client: WebexClient;
}

/**
 * Posts (threads checked), edits and deletes the messages of one space, and
 * finds the people who write them.
 */
export class Messaging {
  #host: MessagingHost;
  #posted = new Map<string, Posted>();
  #people: People;

  constructor(host: MessagingHost) {
    this.#host = host;
    this.#people = new People(host);
  }

  /** A person by id or address; see {@linkcode People}. */
  person(idOrEmail: string, options: CallOptions): Promise<Person | undefined> {
    return this.#people.get(
      requireText(idOrEmail, "getPerson", "idOrEmail"),
      options,
    );
  }

  /**
   * Checks the thread of a reply, then posts with `send` and remembers the
   * message for later edits.
   */
  async post(
    request: PostMessageRequest,
    send: (request: PostMessageRequest) => Promise<WebexMessage>,
  ): Promise<Message> {
    if (request.parentId) {
      await checkParent(this.#host.client, request.parentId, request, {
        signal: request.signal,
      });
    }
    const json = await send(request);
    this.#remember(json);
    return messageFromWebex(json);
  }

  /**
   * Edits a message: a plain string keeps the kind of content of the
   * message (markdown stays markdown).
   *
   * @throws {TypeError} When the change is empty, or the message has files
   * or a card (Webex does not edit those); nothing is sent.
   */
  async edit(
    messageId: string,
    change: string | MessageEdit,
    options: CallOptions,
  ): Promise<Message> {
    const edit = checkEdit(messageId, change);
    const posted = await this.#find(messageId, options);
    if (posted.hasAttachments) {
      throw new TypeError(
        `editMessage() cannot change message ${messageId}: Webex does not edit a message with a file or a card; delete it and post again`,
      );
    }
    const body: UpdateMessageBody = { roomId: posted.roomId };
    if (typeof change === "string" && posted.isMarkdown) {
      body.markdown = change;
    } else {
      if (edit.text) body.text = edit.text;
      if (edit.markdown) body.markdown = edit.markdown;
    }
    const json = await updateMessage(
      this.#host.client,
      messageId,
      body,
      options,
    );
    this.#remember({ ...json, roomId: json.roomId ?? posted.roomId });
    return messageFromWebex(json);
  }

  /** Deletes a message and forgets it. */
  async delete(messageId: string, options: CallOptions): Promise<void> {
    requireText(messageId, "deleteMessage", "messageId");
    await deleteMessage(this.#host.client, messageId, options);
    this.#posted.delete(keyOf(messageId));
  }

  async #find(messageId: string, options: CallOptions): Promise<Posted> {
    const known = this.#posted.get(keyOf(messageId));
    if (known) return known;
    const json = await getMessage(this.#host.client, messageId, options);
    return this.#remember(json) ?? {
      roomId: String(json.roomId ?? ""),
      isMarkdown: false,
      hasAttachments: false,
    };
  }

  #remember(json: WebexMessage): Posted | undefined {
    if (typeof json.id !== "string" || typeof json.roomId !== "string") {
      return undefined;
    }
    const posted = {
      roomId: json.roomId,
      isMarkdown: typeof json.markdown === "string" && json.markdown !== "",
      hasAttachments: (Array.isArray(json.files) && json.files.length > 0) ||
        (Array.isArray(json.attachments) && json.attachments.length > 0),
    };
    const key = keyOf(json.id);
    this.#posted.delete(key);
    this.#posted.set(key, posted);
    // Oldest first: a map iterates in insertion order.
    if (this.#posted.size > REMEMBERED) {
      this.#posted.delete(this.#posted.keys().next().value!);
    }
    return posted;
  }
}

function keyOf(id: string): string {
  return uuidOf(id) ?? id;
}

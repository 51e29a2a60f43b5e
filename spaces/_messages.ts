/**
 * The message rules of the {@linkcode Space} base that every back end
 * shares: how `listMessages` walks the history, and what `postMessage`
 * accepts.
 *
 * @module
 */

import { requireText } from "./_arguments.ts";
import { checkCard } from "./cards.ts";
import type { Message } from "./events.ts";
import type {
  ListMessagesOptions,
  PostMessageRequest,
  SignalOptions,
} from "./space_options.ts";

/** What {@linkcode collectMessages} needs of a space. */
export interface MessageWalker {
  walkMessages(id: string, options: SignalOptions): AsyncIterable<Message>;
  isSameId(a: string, b: string): boolean;
}

/**
 * Takes the newest messages of a walk, newest first, as
 * `Space.listMessages` documents.
 *
 * @throws {TypeError} When `id` is empty.
 * @throws {RangeError} When `quantity` is not a positive integer or
 * `upTo` is not a date.
 */
export async function collectMessages(
  space: MessageWalker,
  options: ListMessagesOptions,
): Promise<Message[]> {
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
    const message of space.walkMessages(id, { signal: options.signal })
  ) {
    if (
      options.stopId && message.id &&
      space.isSameId(message.id, options.stopId)
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
 * Turns the arguments of `Space.postMessage` into one checked request.
 *
 * @throws {TypeError} When the destination is not exactly one, or there is
 * nothing to post.
 */
export function postRequestOf(
  target: string | PostMessageRequest,
  text: string | undefined,
  options: SignalOptions,
): PostMessageRequest {
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
  return request;
}

/**
 * Threads on Webex are one level deep: a reply names the first message of
 * its thread, never another reply, and lives in the same room. Webex
 * answers a bare 400 otherwise; this check says what was wrong before
 * anything is sent.
 *
 * A reply by e-mail goes to the direct room with that person: a parent in
 * a group room is refused here. A parent in the direct room with someone
 * else is left to Webex, which answers 400 (an `ApiError`): telling which
 * direct room holds it would take another request.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { getMessage } from "./api/messages.ts";
import type { CallOptions } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId } from "./ids.ts";

/** Where a reply goes: a room by id, or a person by e-mail address. */
export interface ReplyDestination {
  /** The room's id. */
  id?: string;
  /** The e-mail address of the person, for a direct message. */
  person?: string;
}

/**
 * Fetches the parent of a reply and checks that a reply to it can be posted.
 *
 * @param to The room, or the person, the reply goes to.
 * @throws {TypeError} When the parent is not found, is itself a reply, or
 * is in another room.
 */
export async function checkParent(
  client: WebexClient,
  parentId: string,
  to: ReplyDestination,
  options: CallOptions,
): Promise<void> {
  const roomId = to.id;
  let parent;
  try {
    parent = await getMessage(client, parentId, options);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new TypeError(
        `postMessage() parentId ${parentId} is not a message this bot can see: reply to a message of the room`,
        { cause: error },
      );
    }
    throw error;
  }
  if (typeof parent.parentId === "string" && parent.parentId !== "") {
    throw new TypeError(
      `postMessage() parentId ${parentId} is itself a reply: Webex threads are one level deep, so reply to ${parent.parentId}, the first message of the thread`,
    );
  }
  if (
    roomId && typeof parent.roomId === "string" &&
    !sameWebexId(parent.roomId, roomId)
  ) {
    throw new TypeError(
      `postMessage() parentId ${parentId} is a message of another room than ${roomId}`,
    );
  }
  if (!roomId && to.person) checkDirectParent(parentId, parent, to.person);
}

/**
 * A reply to `person` goes to the direct room with them, never to a group
 * room. Which direct room holds a parent would take another request to
 * learn, so a parent in a direct room with someone else is left to Webex.
 */
function checkDirectParent(
  parentId: string,
  parent: { roomType?: string },
  person: string,
): void {
  if (parent.roomType === "group") {
    throw new TypeError(
      `postMessage() parentId ${parentId} is a message of a group room, not of the direct room with ${person}`,
    );
  }
}

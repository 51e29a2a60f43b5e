/**
 * Threads on Webex are one level deep: a reply names the first message of
 * its thread, never another reply, and lives in the same room. Webex
 * answers a bare 400 otherwise; this check says what was wrong before
 * anything is sent.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import { getMessage } from "./api/messages.ts";
import type { CallOptions } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId } from "./ids.ts";

/**
 * Fetches the parent of a reply and checks that a reply to it can be posted.
 *
 * @param roomId The room the reply goes to, when posted by room id.
 * @throws {TypeError} When the parent is not found, is itself a reply, or
 * is in another room.
 */
export async function checkParent(
  client: WebexClient,
  parentId: string,
  roomId: string | undefined,
  options: CallOptions,
): Promise<void> {
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
}

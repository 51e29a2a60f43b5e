/**
 * Turns a `postMessage` request into the body of `POST /messages`: JSON,
 * or a multipart upload streamed from the file.
 *
 * @module
 */

import { withoutUndefined } from "../_objects.ts";
import type { PostMessageRequest } from "../base.ts";
import type { WebexRequestOptions } from "./client.ts";
import { resolveFile } from "./file_source.ts";
import { createMultipartBody } from "./multipart.ts";
import { cardAttachments } from "./_cards.ts";

/**
 * Webex refuses `text` or `markdown` longer than this, in UTF-8 bytes.
 */
export const MAX_TEXT_BYTES = 7439;

const encoder = new TextEncoder();

/**
 * Builds the request options of `POST /messages` for a checked request. A
 * file upload gets a body factory when the file can be read again, so a
 * throttled post (429) is sent again from the start of the file.
 *
 * @param request Exactly one destination, text, content or a file, and
 * optionally a card (sent as an attachment) and the `parentId` of a thread.
 * @returns Options for `WebexClient.request`.
 * @throws {RangeError} When the text or the content is over
 * {@linkcode MAX_TEXT_BYTES}, before any request is made.
 */
export async function outgoingMessage(
  request: PostMessageRequest,
): Promise<WebexRequestOptions> {
  for (
    const [field, value] of [
      ["text", request.text],
      ["content", request.content],
      ["markdown", request.markdown],
    ]
  ) {
    const size = value ? encoder.encode(value).length : 0;
    if (size > MAX_TEXT_BYTES) {
      throw new RangeError(
        `postMessage() ${field} is ${size} bytes long; Webex takes at most ${MAX_TEXT_BYTES}: split it or attach it as a file`,
      );
    }
  }
  if (request.card !== undefined && request.file !== undefined) {
    throw new TypeError(
      "postMessage() cannot send a card and a file in one message: post them separately",
    );
  }
  const person = request.person;
  const fields: Record<string, string | undefined> = {
    roomId: request.id,
    toPersonEmail: person?.includes("@") ? person : undefined,
    toPersonId: person && !person.includes("@") ? person : undefined,
    text: request.text || undefined,
    markdown: request.markdown || request.content || undefined,
    parentId: request.parentId || undefined,
  };
  const signal = request.signal;
  const resolved = request.file === undefined
    ? undefined
    : await resolveFile(request.file, { signal });
  if (resolved?.kind !== "upload") {
    const json: Record<string, unknown> = withoutUndefined({ ...fields });
    if (resolved) json.files = [resolved.url];
    if (request.card !== undefined) {
      json.attachments = cardAttachments(request.card);
    }
    return { signal, json };
  }
  // One boundary for every attempt, so the content type stays right.
  const boundary = `shellbot-${crypto.randomUUID()}`;
  const build = () => createMultipartBody(fields, resolved.file, { boundary });
  const first = build();
  let used = false;
  return {
    signal,
    headers: { "content-type": first.contentType },
    body: resolved.replayable
      ? () => (used ? build().body : (used = true, first.body))
      : first.body,
  };
}

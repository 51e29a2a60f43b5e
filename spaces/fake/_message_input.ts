/**
 * Reads the body of `POST /messages`, JSON or `multipart/form-data`, into
 * one shape.
 *
 * @module
 */

import { parseMultipart, type UploadedFile } from "./_multipart.ts";
import { HttpError, optionalString, readJsonObject } from "./_http.ts";
import type { PersonRecord } from "./_state.ts";
import { MAX_FILE_BYTES, MAX_FILES_PER_MESSAGE } from "./_limits.ts";
import { readAttachments } from "./_cards.ts";
import type { FakeAttachment } from "./webex_types.ts";

/** What a new message is made from. */
export interface MessageInput {
  roomId?: string;
  toPersonEmail?: string;
  toPersonId?: string;
  text?: string;
  markdown?: string;
  parentId?: string;
  /** Bytes that were uploaded, or the URL to fetch them from. */
  file?: UploadedFile | { url: string };
  /** The card (JSON bodies only, as on the real service). */
  attachments?: FakeAttachment[];
  /** People to mention at the start of the message (simulated messages only). */
  mentions?: PersonRecord[];
}

const FIELDS = [
  "roomId",
  "toPersonEmail",
  "toPersonId",
  "text",
  "markdown",
  "parentId",
] as const;

/** The message input of a `POST /messages` request. */
export async function readMessageInput(
  request: Request,
): Promise<MessageInput> {
  const type = request.headers.get("content-type") ?? "";
  const input: MessageInput = {};
  if (/^multipart\/form-data/i.test(type)) {
    const form = await parseMultipart(request, {
      maxFileBytes: MAX_FILE_BYTES,
      fileField: "files",
    });
    for (const name of FIELDS) {
      const value = form.fields.get(name);
      if (value !== undefined && value !== "") input[name] = value;
    }
    if (form.file) input.file = form.file;
    return input;
  }
  const body = await readJsonObject(request);
  for (const name of FIELDS) {
    const value = optionalString(body, name);
    if (value !== undefined && value !== "") input[name] = value;
  }
  const attachments = readAttachments(body.attachments);
  if (attachments) input.attachments = attachments;
  const files = body.files;
  if (files !== undefined && files !== null) {
    if (
      !Array.isArray(files) || files.some((file) => typeof file !== "string")
    ) {
      throw new HttpError(400, "Field 'files' must be an array of URLs.");
    }
    if (files.length > MAX_FILES_PER_MESSAGE) {
      throw new HttpError(400, "Only one file can be attached to a message.");
    }
    if (files.length === 1) {
      try {
        new URL(files[0]);
      } catch {
        throw new HttpError(
          400,
          `Field 'files' holds an invalid URL: '${files[0]}'.`,
        );
      }
      input.file = { url: files[0] };
    }
  }
  return input;
}

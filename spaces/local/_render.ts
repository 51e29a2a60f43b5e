/**
 * How the local space shows what the bot posts.
 *
 * @module
 */

import type { FileInput, PostMessageRequest } from "../base.ts";

/** The prefix of a reply in a thread. */
export const REPLY_MARK = "↳ ";

/** The lines of a posted message: its text (a reply marked), and its file. */
export function postedLines(
  request: PostMessageRequest,
  text: string,
): string[] {
  const lines = text ? [request.parentId ? REPLY_MARK + text : text] : [];
  if (request.file !== undefined) lines.push(`[${fileName(request.file)}]`);
  return lines;
}

/** The name a file is shown by. */
export function fileName(file: FileInput): string {
  if (typeof file === "string") return file.split(/[\\/]/).pop() || file;
  if (file instanceof URL) return file.pathname.split("/").pop() || file.href;
  if (file instanceof File) return file.name;
  if (file instanceof Blob) return "file";
  return file.name;
}

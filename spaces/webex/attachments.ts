/**
 * Files attached to Webex messages: their names, their bytes as a stream,
 * and downloads to disk in constant memory.
 *
 * @module
 */

import type { SignalOptions } from "../base.ts";
import type { WebexClient } from "./client.ts";
import { parseContentDisposition } from "./content_disposition.ts";
import { createUniqueFile } from "./safe_download.ts";

/** Options of {@linkcode downloadAttachment}. */
export interface DownloadOptions extends SignalOptions {
  /** Folder to save into. @default a new temporary folder */
  dir?: string;
}

/**
 * Reads the file name of an attachment with a HEAD request, from
 * `Content-Disposition` (`filename*` preferred over `filename`), else the
 * last segment of the URL.
 *
 * @param client The client that carries the token.
 * @param url The content URL of the attachment.
 * @param options A signal to cancel.
 * @returns The name as the sender gave it (not safe as a path).
 */
export async function nameAttachment(
  client: WebexClient,
  url: string,
  options: SignalOptions = {},
): Promise<string> {
  const response = await client.request("HEAD", url, options);
  await response.body?.cancel();
  return nameFrom(response, url);
}

/**
 * Fetches an attachment's bytes as a stream; nothing is buffered. A file
 * still being scanned (423) is waited for; a removed one (410) raises.
 *
 * @param client The client that carries the token.
 * @param url The content URL of the attachment.
 * @param options A signal to cancel.
 * @returns The body, to be read or cancelled by the caller.
 */
export async function getAttachment(
  client: WebexClient,
  url: string,
  options: SignalOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const response = await client.request("GET", url, options);
  return response.body ?? new Blob([]).stream();
}

/**
 * Streams an attachment to a new file whose name is the sanitised name of
 * the attachment, never overwriting an existing file (`name (1).ext`...).
 *
 * @param client The client that carries the token.
 * @param url The content URL of the attachment.
 * @param options The folder, and a signal to cancel.
 * @returns The path of the saved file.
 */
export async function downloadAttachment(
  client: WebexClient,
  url: string,
  options: DownloadOptions = {},
): Promise<string> {
  const { signal } = options;
  const response = await client.request("GET", url, { signal });
  let saved: { path: string; file: Deno.FsFile } | undefined;
  try {
    const dir = options.dir ??
      await Deno.makeTempDir({ prefix: "shellbot-download-" });
    saved = await createUniqueFile(dir, nameFrom(response, url), { signal });
    const body = response.body ?? new Blob([]).stream();
    await body.pipeTo(saved.file.writable, { signal });
    return saved.path;
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    if (saved) await Deno.remove(saved.path).catch(() => {});
    throw error;
  }
}

function nameFrom(response: Response, url: string): string {
  const { filename } = parseContentDisposition(
    response.headers.get("content-disposition"),
  );
  if (filename) return filename;
  const segment = new URL(url, "http://localhost").pathname.split("/").pop();
  try {
    return segment ? decodeURIComponent(segment) : "attachment";
  } catch {
    return segment ?? "attachment";
  }
}

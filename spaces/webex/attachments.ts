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
 *
 * @example Read a file's name before downloading it
 * ```ts
 * import { nameAttachment, WebexClient } from "@shellbot/spaces";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const room = webex.addRoom({ title: "Files" });
 * const url = webex.addContent(String(room.id), { name: "notes.txt", bytes: new TextEncoder().encode("hi") });
 * const client = new WebexClient({ token: webex.bot.token, apiUrl: webex.url });
 * console.log(await nameAttachment(client, url)); // "notes.txt"
 * ```
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
 *
 * @example Read a file as a stream
 * ```ts
 * import { getAttachment, WebexClient } from "@shellbot/spaces";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const room = webex.addRoom({ title: "Files" });
 * const url = webex.addContent(String(room.id), { name: "notes.txt", bytes: new TextEncoder().encode("hi") });
 * const client = new WebexClient({ token: webex.bot.token, apiUrl: webex.url });
 * const stream = await getAttachment(client, url);
 * console.log(await new Response(stream).text()); // "hi"
 * ```
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
 *
 * @example Save a file in a folder
 * ```ts
 * import { downloadAttachment, WebexClient } from "@shellbot/spaces";
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const room = webex.addRoom({ title: "Files" });
 * const url = webex.addContent(String(room.id), { name: "notes.txt", bytes: new TextEncoder().encode("hi") });
 * const client = new WebexClient({ token: webex.bot.token, apiUrl: webex.url });
 * const dir = await Deno.makeTempDir();
 * const path = await downloadAttachment(client, url, { dir });
 * console.log(await Deno.readTextFile(path)); // "hi"
 * await Deno.remove(dir, { recursive: true });
 * ```
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

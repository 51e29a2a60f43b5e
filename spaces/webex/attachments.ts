/**
 * Files attached to Webex messages: their names, their bytes as a stream,
 * and downloads to disk in constant memory.
 *
 * @module
 */

import type { SignalOptions } from "../base.ts";
import { SpacesError } from "../errors.ts";
import { guardBody } from "./_attachment_body.ts";
import type { WebexClient } from "./client.ts";
import { parseContentDisposition } from "./content_disposition.ts";
import { saveUnique } from "./safe_download.ts";

/** Webex's own limit on one file: 100 MiB. */
export const MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024;

/** How long a download waits for its next bytes by default: 30 s. */
const IDLE_TIMEOUT = 30_000;

/** Options of {@linkcode downloadAttachment} (and of `getAttachment`, but `dir`). */
export interface DownloadOptions extends SignalOptions {
  /** Folder to save into. @default a new temporary folder */
  dir?: string;
  /**
   * Largest file taken, in bytes: a larger announced size fails before
   * reading, and a stream that brings more is cut with an error.
   * @default 104_857_600 (100 MiB, Webex's own limit)
   */
  maxBytes?: number;
  /**
   * Milliseconds to wait for the next bytes of the file; a server silent
   * for longer fails the download with a `NetworkError`.
   * @default 30_000
   */
  idleTimeout?: number;
}

/** Options of {@linkcode getAttachment}. */
type AttachmentOptions = Omit<DownloadOptions, "dir">;

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
 * @param options The largest size taken (`maxBytes`), the longest wait
 * for the next bytes (`idleTimeout`), and a signal.
 * @returns The body, to be read or cancelled by the caller; it errors once
 * it brings more than announced or than `maxBytes`, and with a
 * `NetworkError` when it stalls for `idleTimeout` or ends short.
 * @throws {SpacesError} When the announced size is over `maxBytes`.
 */
export async function getAttachment(
  client: WebexClient,
  url: string,
  options: AttachmentOptions = {},
): Promise<ReadableStream<Uint8Array>> {
  const response = await client.request("GET", url, {
    signal: options.signal,
  });
  return capped(response, url, options);
}

/**
 * The body of a response, guarded by {@linkcode guardBody}; a larger
 * announced size than `maxBytes` fails before anything is read.
 */
function capped(
  response: Response,
  url: string,
  options: AttachmentOptions,
): ReadableStream<Uint8Array> {
  const { maxBytes = MAX_ATTACHMENT_BYTES, idleTimeout = IDLE_TIMEOUT } =
    options;
  const name = new URL(url, "http://localhost").pathname;
  try {
    if (!(maxBytes >= 0)) {
      throw new RangeError(`'maxBytes' must be 0 or more, not ${maxBytes}`);
    }
    if (!(idleTimeout >= 1) || !Number.isFinite(idleTimeout)) {
      throw new RangeError(
        `'idleTimeout' must be a number of milliseconds of at least 1, not ${idleTimeout}`,
      );
    }
    const header = response.headers.get("content-length");
    const announced = header !== null && /^\d+$/.test(header)
      ? Number(header)
      : undefined;
    if (announced !== undefined && announced > maxBytes) {
      throw new SpacesError(
        `The attachment ${name} is ${announced} bytes, over the limit of ${maxBytes} (maxBytes)`,
      );
    }
    return guardBody(response.body ?? new Blob([]).stream(), {
      path: name,
      announced,
      // A compressed body's length says nothing of the bytes it unpacks to.
      expected: response.headers.has("content-encoding")
        ? undefined
        : announced,
      maxBytes,
      idleTimeout,
      signal: options.signal,
    });
  } catch (error) {
    response.body?.cancel().catch(() => {});
    throw error;
  }
}

/**
 * Streams an attachment to a new file whose name is the sanitised name of
 * the attachment, never overwriting an existing file (`name (1).ext`...).
 * The bytes go to a hidden file first, which takes its name only once
 * complete: a failed or cut download leaves nothing under the final name.
 *
 * @param client The client that carries the token.
 * @param url The content URL of the attachment.
 * @param options The folder, the largest size taken, the longest wait for
 * the next bytes (`idleTimeout`), and a signal.
 * @returns The path of the saved file.
 * @throws {SpacesError} When the file is over `maxBytes`, or brought more
 * bytes than it announced; nothing is left behind.
 * @throws {NetworkError} When the body stalls for `idleTimeout` or ends
 * before the bytes it announced; nothing is left behind.
 */
export async function downloadAttachment(
  client: WebexClient,
  url: string,
  options: DownloadOptions = {},
): Promise<string> {
  const { signal } = options;
  const response = await client.request("GET", url, { signal });
  let body: ReadableStream<Uint8Array> | undefined;
  try {
    body = capped(response, url, options);
    const dir = options.dir ??
      await Deno.makeTempDir({ prefix: "shellbot-download-" });
    return await saveUnique(dir, nameFrom(response, url), body, { signal });
  } catch (error) {
    await (body ?? response.body)?.cancel().catch(() => {});
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

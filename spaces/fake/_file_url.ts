/**
 * Files given by URL in `POST /messages`: the real service fetches them and
 * stores the bytes; the fake does too, from loopback URLs only, so a test
 * never reaches out of the machine.
 *
 * @module
 */

import { typeOfName } from "./_contents.ts";
import { HttpError } from "./_http.ts";
import { MAX_FILE_BYTES } from "./_limits.ts";
import { dispositionName, type UploadedFile } from "./_multipart.ts";

/** How long the fake waits for a file's server, in milliseconds. */
const FETCH_TIMEOUT_MS = 30_000;

function isLoopback(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The last path segment, decoded: the name when no Content-Disposition gives one. */
export function nameOfUrl(url: string): string {
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf("/") + 1);
  try {
    return decodeURIComponent(last) || "file";
  } catch {
    return last || "file";
  }
}

/**
 * Fetches the file a message names by URL, as the real service does.
 *
 * @throws {HttpError} 400 when the URL is not an http(s) loopback URL, its
 * server fails or does not answer 2xx, or the file is over the size limit.
 */
export async function fetchUrlFile(
  url: string,
  signal?: AbortSignal,
): Promise<UploadedFile> {
  const parsed = new URL(url);
  if (
    (parsed.protocol !== "http:" && parsed.protocol !== "https:") ||
    !isLoopback(parsed)
  ) {
    throw new HttpError(
      400,
      `The fake fetches files from loopback http(s) URLs only, not '${parsed.origin}'.`,
    );
  }
  const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(parsed, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new HttpError(
      400,
      `Could not fetch the file at '${url}': ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new HttpError(
      400,
      `Could not fetch the file at '${url}': status ${response.status}.`,
    );
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_FILE_BYTES) {
      await response.body?.cancel().catch(() => {});
      throw new HttpError(
        400,
        `The file at '${url}' is larger than ${MAX_FILE_BYTES} bytes.`,
      );
    }
    chunks.push(chunk);
  }
  const disposition = response.headers.get("content-disposition");
  const name = (disposition && dispositionName(disposition)) || nameOfUrl(url);
  const type = response.headers.get("content-type")?.split(";")[0].trim() ||
    typeOfName(name);
  return { name, type, chunks, size };
}

/**
 * Turns what a caller passes as `file` to `postMessage` into something to
 * upload, or a URL for Webex to fetch.
 *
 * @module
 */

import { basename } from "node:path";
import { SpacesError } from "../errors.ts";
import type { FileInput } from "../base.ts";
import type { MultipartFile } from "./multipart.ts";

/** The largest file Webex accepts on a message: 100 MB. */
export const MAX_FILE_SIZE = 104_857_600;

/**
 * A resolved file: a URL to pass as JSON, or a file to upload. An upload
 * that is `replayable` can be opened again, so a failed post may be retried.
 */
export type ResolvedFile =
  | { kind: "url"; url: string }
  | { kind: "upload"; file: MultipartFile; replayable: boolean };

/** Options of {@linkcode resolveFile}. */
export interface ResolveFileOptions {
  /** Stops the resolution. */
  signal?: AbortSignal;
}

const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv",
  doc: "application/msword",
  docx:
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  gif: "image/gif",
  htm: "text/html",
  html: "text/html",
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  json: "application/json",
  md: "text/markdown",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  mp4: "video/mp4",
  pdf: "application/pdf",
  png: "image/png",
  ppt: "application/vnd.ms-powerpoint",
  pptx:
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  svg: "image/svg+xml",
  txt: "text/plain",
  wav: "audio/wav",
  webp: "image/webp",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xml: "application/xml",
  zip: "application/zip",
};

/**
 * Guesses a media type from a file name's extension.
 *
 * @param name A file name or path, such as `report.pdf`.
 * @returns The media type, or `application/octet-stream` when unknown.
 */
export function guessContentType(name: string): string {
  const extension = /\.([^./\\]+)$/.exec(name)?.[1]?.toLowerCase();
  return (extension && CONTENT_TYPES[extension]) || "application/octet-stream";
}

/**
 * Resolves a `file` argument into a URL or an upload.
 *
 * A string starting with `http:` or `https:`, or a `URL` with one of those
 * protocols, stays a URL. Any other string, or a `file:` URL, is a local
 * path: it must exist and be a regular file, and it is opened afresh on each
 * `stream()` call. A `Blob` is replayable too; a named stream is not, and a
 * second `stream()` call throws.
 *
 * @param input What the caller passed as `file`.
 * @param options A `signal` to stop the resolution.
 * @returns The URL, or the file to upload and whether it can be replayed.
 * @throws {SpacesError} When a path is missing, a directory or unreadable.
 * @throws {RangeError} When the size is known and above 100 MB.
 * @throws {TypeError} When the input is none of the accepted forms.
 */
export async function resolveFile(
  input: FileInput,
  options?: ResolveFileOptions,
): Promise<ResolvedFile> {
  options?.signal?.throwIfAborted();
  if (typeof input === "string") {
    if (/^https?:/i.test(input)) return { kind: "url", url: parseUrl(input) };
    if (/^file:/i.test(input)) {
      return await resolvePath(new URL(input), options);
    }
    return await resolvePath(input, options);
  }
  if (input instanceof URL) {
    if (input.protocol === "https:" || input.protocol === "http:") {
      return { kind: "url", url: input.href };
    }
    if (input.protocol === "file:") return await resolvePath(input, options);
    throw new TypeError(
      `Cannot attach ${input.href}: only http:, https: and file: URLs are accepted`,
    );
  }
  if (input instanceof Blob) return resolveBlob(input);
  if (isNamedStream(input)) return resolveNamedStream(input);
  throw new TypeError(
    "Cannot attach this file: pass a path, a URL, a Blob, or { name, stream }",
  );
}

function parseUrl(text: string): string {
  const url = URL.parse(text);
  if (url) return url.href;
  throw new TypeError(`Cannot attach "${text}": it is not a valid URL`);
}

async function resolvePath(
  path: string | URL,
  options?: ResolveFileOptions,
): Promise<ResolvedFile> {
  const shown = typeof path === "string" ? path : urlPath(path);
  if (shown === "") {
    throw new SpacesError("Cannot attach a file: the path is empty");
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(path);
  } catch (cause) {
    if (cause instanceof Deno.errors.NotFound) {
      throw new SpacesError(`Cannot attach "${shown}": no such file`, {
        cause,
      });
    }
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    throw new SpacesError(`Cannot attach "${shown}"${reason}`, { cause });
  }
  options?.signal?.throwIfAborted();
  if (info.isDirectory) {
    throw new SpacesError(
      `Cannot attach "${shown}": it is a directory, not a file`,
    );
  }
  if (!info.isFile) {
    throw new SpacesError(`Cannot attach "${shown}": it is not a regular file`);
  }
  // The platform's rules: on Windows both separators end a folder's name.
  const name = basename(shown);
  checkSize(name, info.size);
  return {
    kind: "upload",
    replayable: true,
    file: {
      name,
      type: guessContentType(name),
      size: info.size,
      stream: async () => (await Deno.open(path)).readable,
    },
  };
}

function resolveBlob(blob: Blob): ResolvedFile {
  const name = (blob instanceof File && blob.name) || "file";
  checkSize(name, blob.size);
  return {
    kind: "upload",
    replayable: true,
    file: {
      name,
      type: blob.type || guessContentType(name),
      size: blob.size,
      stream: () => blob.stream(),
    },
  };
}

interface NamedStream {
  name: string;
  stream: ReadableStream<Uint8Array>;
  size?: number;
  type?: string;
}

function isNamedStream(input: unknown): input is NamedStream {
  return typeof input === "object" && input !== null &&
    "stream" in input && input.stream instanceof ReadableStream;
}

function resolveNamedStream(input: NamedStream): ResolvedFile {
  if (typeof input.name !== "string" || input.name === "") {
    throw new TypeError("Cannot attach a stream without a name: set `name`");
  }
  if (input.stream.locked) {
    throw new TypeError(
      `Cannot attach "${input.name}": its stream is already being read`,
    );
  }
  if (input.size !== undefined) checkSize(input.name, input.size);
  let taken = false;
  const file: MultipartFile = {
    name: input.name,
    type: input.type || guessContentType(input.name),
    stream: () => {
      if (taken) {
        throw new SpacesError(
          `Cannot send "${input.name}" again: its stream was already read. Pass a Blob or a path to send a file more than once`,
        );
      }
      taken = true;
      return input.stream;
    },
  };
  if (input.size !== undefined) file.size = input.size;
  return { kind: "upload", replayable: false, file };
}

function checkSize(name: string, size: number): void {
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new RangeError(
      `Cannot attach "${name}": its size ${size} is not a whole number of bytes`,
    );
  }
  if (size > MAX_FILE_SIZE) {
    throw new RangeError(
      `Cannot attach "${name}": it has ${size} bytes and Webex accepts at most 100 MB (${MAX_FILE_SIZE} bytes) per file`,
    );
  }
}

function urlPath(url: URL): string {
  try {
    return decodeURIComponent(url.pathname);
  } catch {
    return url.pathname;
  }
}

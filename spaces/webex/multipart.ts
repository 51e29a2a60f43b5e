/**
 * A streaming `multipart/form-data` body for uploading one file to Webex.
 *
 * Only the file name's quoting comes from jshttp's `content-disposition`.
 * The framing is written here because it streams: the file is piped through
 * chunk by chunk. A `FormData` body needs the file as a `Blob`, and the one
 * way to get a file-backed `Blob`, `node:fs` `openAsBlob`, read a whole
 * 300 MB file into memory in Deno 2.9.6.
 *
 * @module
 */

import { encodeExtended, format } from "content-disposition";

/** One file to upload: its name, type, size when known, and its bytes. */
export interface MultipartFile {
  /** The file name the receiver sees, such as `report.pdf`. */
  name: string;
  /** The media type; `application/octet-stream` when left out. */
  type?: string;
  /** The exact size in bytes, when known; it makes the body's length known. */
  size?: number;
  /** Opens the bytes; called at most once per body, when they are needed. */
  stream: () =>
    | ReadableStream<Uint8Array>
    | Promise<ReadableStream<Uint8Array>>;
}

/** A `multipart/form-data` body ready to give to `fetch`. */
export interface MultipartBody {
  /** The bytes, produced as they are read. */
  body: ReadableStream<Uint8Array>;
  /** The `Content-Type` header value, boundary included. */
  contentType: string;
  /** The exact length in bytes, present when the file's size is known. */
  contentLength?: number;
}

/** Options of {@linkcode createMultipartBody}. */
export interface MultipartOptions {
  /**
   * The boundary between parts: 1 to 70 of `A-Z a-z 0-9 ' _ + . -`.
   *
   * @default a random one
   */
  boundary?: string;
}

const BOUNDARY_PATTERN = /^[0-9A-Za-z'_+.-]{1,70}$/;
const DEFAULT_TYPE = "application/octet-stream";
const encoder = new TextEncoder();

/**
 * Builds a `multipart/form-data` body with text fields and one file part
 * named `files`, as Webex expects when posting a message with a file.
 *
 * Nothing is read before the body is: the file's stream is opened on the
 * first read past the fields and piped through chunk by chunk, so memory
 * stays constant whatever the file's size. Cancelling the body cancels the
 * file's stream. When `file.size` is given, `contentLength` is exact and the
 * body errors if the stream yields a different number of bytes.
 *
 * @param fields Text fields; those set to `undefined` are left out.
 * @param file The file to send as the part `files`.
 * @param options A fixed `boundary`, for tests.
 * @returns The body stream, its `Content-Type` and, when known, its length.
 * @throws {TypeError} When the boundary, a field name or the type is invalid.
 * @throws {RangeError} When `file.size` is not a non-negative integer.
 */
export function createMultipartBody(
  fields: Record<string, string | undefined>,
  file: MultipartFile,
  options?: MultipartOptions,
): MultipartBody {
  const boundary = options?.boundary ?? randomBoundary();
  if (!BOUNDARY_PATTERN.test(boundary)) {
    throw new TypeError(
      `Cannot use the multipart boundary "${boundary}": use 1 to 70 of A-Z a-z 0-9 ' _ + . -`,
    );
  }
  const type = file.type || DEFAULT_TYPE;
  if (/[\r\n]/.test(type)) {
    throw new TypeError(
      `Cannot use the content type ${
        JSON.stringify(type)
      }: it contains a line break`,
    );
  }
  const size = file.size;
  if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) {
    throw new RangeError(
      `Cannot send "${file.name}" with size ${size}: the size must be a whole number of bytes`,
    );
  }

  let preamble = "";
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    preamble += `--${boundary}\r\nContent-Disposition: form-data; name="${
      fieldName(name)
    }"\r\n\r\n${value}\r\n`;
  }
  preamble += `--${boundary}\r\nContent-Disposition: ${
    fileDisposition(file.name)
  }\r\nContent-Type: ${type}\r\n\r\n`;
  const head = encoder.encode(preamble);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);

  const result: MultipartBody = {
    body: pipeBetween(head, file, tail),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
  if (size !== undefined) {
    result.contentLength = head.byteLength + size + tail.byteLength;
  }
  return result;
}

/**
 * The file part's disposition: `filename` quoted and escaped as HTML forms
 * do (RFC 7578 section 4.2 and the WHATWG form encoding), with the name as
 * raw UTF-8, plus `filename*` (RFC 8187) for a non-ASCII name.
 */
function fileDisposition(name: string): string {
  const filename = name.toWellFormed();
  const header = format({
    type: "form-data",
    parameters: { name: "files", filename },
  }, { multipart: true });
  // deno-lint-ignore no-control-regex
  if (/^[\x00-\x7f]*$/.test(filename)) return header;
  return `${header}; filename*=${encodeExtended(filename)}`;
}

function fieldName(name: string): string {
  if (name === "" || /[\r\n"]/.test(name)) {
    throw new TypeError(
      `Cannot use the form field name ${
        JSON.stringify(name)
      }: it must be non-empty, without quotes or line breaks`,
    );
  }
  return name;
}

function randomBoundary(): string {
  // Web Crypto, not node:crypto: loading that polyfill slows every start.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `----shellbot${
    Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("")
  }`;
}

/**
 * Emits `head`, then the file's chunks, then `tail`, each on demand: a
 * high-water mark of 0 means nothing is produced before it is asked for.
 */
function pipeBetween(
  head: Uint8Array,
  file: MultipartFile,
  tail: Uint8Array,
): ReadableStream<Uint8Array> {
  let headSent = false;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  let cancelled: { reason: unknown } | undefined;
  let counted = 0;

  const checkSize = () => {
    if (file.size !== undefined && counted !== file.size) {
      throw new RangeError(
        `The file "${file.name}" gave ${counted} bytes but its size was said to be ${file.size}: it changed while being sent`,
      );
    }
  };

  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!headSent) {
        headSent = true;
        controller.enqueue(head);
        return;
      }
      if (reader === undefined) {
        const stream = await file.stream();
        reader = stream.getReader();
        // The body may have been cancelled while the stream was opening.
        if (cancelled) {
          await reader.cancel(cancelled.reason);
          return;
        }
      }
      while (true) {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) {
          checkSize();
          controller.enqueue(tail);
          controller.close();
          return;
        }
        if (value.byteLength === 0) continue;
        counted += value.byteLength;
        if (file.size !== undefined && counted > file.size) {
          await reader.cancel();
          checkSize();
        }
        controller.enqueue(value);
        return;
      }
    },
    async cancel(reason) {
      cancelled = { reason };
      await reader?.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/**
 * Reads the file name out of a `Content-Disposition` header (RFC 6266).
 *
 * The parsing is jshttp's `content-disposition`; this module keeps only what
 * Webex and the servers behind file URLs need on top of it.
 *
 * @module
 */

import { decodeExtended, parse } from "content-disposition";

/** What a `Content-Disposition` header says. */
export interface ContentDisposition {
  /** The disposition type in lower case, such as `attachment`; `""` when absent. */
  type: string;
  /** The file name, decoded; left out when the header gives none. */
  filename?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Parses a `Content-Disposition` header into its type and file name.
 *
 * Understands quoted names with backslash escapes, unquoted names, and the
 * extended `filename*=UTF-8''...` form (also ISO-8859-1), which wins over
 * `filename` when both are there. Parameter names are case-insensitive. A
 * header with parameters but no type is read too. A name sent as raw UTF-8
 * bytes (which `Headers` shows one byte per character) is decoded as UTF-8.
 * Garbage gives no file name; it never throws. The name is returned as sent:
 * strip directories before using it as a path (see `sanitiseFileName`).
 *
 * @param header The header value, or `null` when the response has none.
 * @returns The type in lower case, and the file name when there is one.
 */
export function parseContentDisposition(
  header: string | null | undefined,
): ContentDisposition {
  if (typeof header !== "string") return { type: "" };
  try {
    return read(header);
  } catch {
    // A defect here must not fail a download: the caller has a fallback name.
    return { type: "" };
  }
}

function read(header: string): ContentDisposition {
  const semicolon = header.indexOf(";");
  const head = (semicolon < 0 ? header : header.slice(0, semicolon)).trim();
  let type = "";
  let rest = semicolon < 0 ? "" : header.slice(semicolon);
  if (TOKEN.test(head)) type = head.toLowerCase();
  else if (head.includes("=")) rest = `;${header}`; // Parameters but no type.
  else if (head !== "") return { type: "" }; // Nothing here can be trusted.
  // Only the parameters go to the library (its type keeps stray line breaks),
  // and `filename*` is decoded here, to tell the two names apart.
  const { parameters } = parse(rest, { extended: false });
  const extended = parameters["filename*"];
  const filename =
    (extended === undefined ? undefined : decodeExtended(extended)) ??
      (parameters.filename === undefined
        ? undefined
        : decodeRawUtf8(parameters.filename));
  return filename ? { type, filename } : { type };
}

/**
 * Header values reach JavaScript one byte per character, so a name a server
 * sent as raw UTF-8 shows as mojibake; decode it when it is valid UTF-8.
 */
function decodeRawUtf8(value: string): string {
  // deno-lint-ignore no-control-regex
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  const bytes = Uint8Array.from(value, (char) => char.charCodeAt(0));
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return value;
  }
}

/**
 * Reads the file name out of a `Content-Disposition` header (RFC 6266).
 *
 * @module
 */

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
 * name sent as raw UTF-8 bytes (which `Headers` shows one byte per
 * character) is decoded as UTF-8. Garbage gives no file name; it never
 * throws. The name is returned as sent: strip directories before using it
 * as a path (see `sanitiseFileName`).
 *
 * @param header The header value, or `null` when the response has none.
 * @returns The type in lower case, and the file name when there is one.
 */
export function parseContentDisposition(
  header: string | null | undefined,
): ContentDisposition {
  if (typeof header !== "string") return { type: "" };
  try {
    return parse(header);
  } catch {
    // A defect here must not fail a download: the caller has a fallback name.
    return { type: "" };
  }
}

function parse(header: string): ContentDisposition {
  const firstSemicolon = header.indexOf(";");
  const head = (firstSemicolon < 0 ? header : header.slice(0, firstSemicolon))
    .trim();
  let type = "";
  let position = 0;
  if (TOKEN.test(head)) {
    type = head.toLowerCase();
    position = firstSemicolon < 0 ? header.length : firstSemicolon;
  } else if (!head.includes("=")) {
    // Not a type and not a parameter: nothing here can be trusted.
    return { type: "" };
  }

  const parameters = new Map<string, string>();
  while (position < header.length) {
    const next = readParameter(header, position);
    position = next.end;
    if (next.name && next.value !== undefined && !parameters.has(next.name)) {
      parameters.set(next.name, next.value);
    }
  }

  const extended = parameters.get("filename*");
  const plain = parameters.get("filename");
  const filename =
    (extended === undefined ? undefined : decodeExtended(extended)) ??
      (plain === undefined ? undefined : decodeRawUtf8(plain));
  return filename ? { type, filename } : { type };
}

interface Parameter {
  name?: string;
  value?: string;
  end: number;
}

/** Reads one `name=value` starting at `start`; `end` is past its `;`. */
function readParameter(text: string, start: number): Parameter {
  let position = start;
  while (position < text.length && /[\s;]/.test(text[position])) position++;
  const equals = text.indexOf("=", position);
  const semicolon = text.indexOf(";", position);
  if (equals < 0 || (semicolon >= 0 && semicolon < equals)) {
    return { end: semicolon < 0 ? text.length : semicolon + 1 };
  }
  const name = text.slice(position, equals).trim().toLowerCase();
  position = equals + 1;
  while (position < text.length && /\s/.test(text[position])) position++;

  if (text[position] !== '"') {
    const stop = text.indexOf(";", position);
    const end = stop < 0 ? text.length : stop;
    return { name, value: text.slice(position, end).trim(), end: end + 1 };
  }

  let value = "";
  position++;
  while (position < text.length) {
    const char = text[position];
    if (char === "\\" && position + 1 < text.length) {
      value += text[position + 1];
      position += 2;
    } else if (char === '"') {
      const stop = text.indexOf(";", position);
      return { name, value, end: stop < 0 ? text.length : stop + 1 };
    } else {
      value += char;
      position++;
    }
  }
  // An unterminated quote: the value cannot be trusted.
  return { end: text.length };
}

/** Decodes RFC 8187's `charset'language'percent-encoded`. */
function decodeExtended(value: string): string | undefined {
  const match = /^([^']*)'[^']*'(.*)$/s.exec(value);
  if (!match) return undefined;
  const bytes = percentDecode(match[2]);
  if (!bytes) return undefined;
  const charset = match[1].trim().toLowerCase();
  if (charset === "utf-8" || charset === "utf8") return decodeUtf8(bytes);
  if (
    charset === "iso-8859-1" || charset === "latin1" ||
    charset === "us-ascii"
  ) {
    return String.fromCharCode(...bytes);
  }
  return undefined;
}

function percentDecode(text: string): Uint8Array | undefined {
  const bytes: number[] = [];
  const encoded = new TextEncoder().encode(text);
  for (let index = 0; index < encoded.length; index++) {
    const byte = encoded[index];
    if (byte !== 0x25) {
      bytes.push(byte);
      continue;
    }
    const hex = String.fromCharCode(
      encoded[index + 1] ?? 0,
      encoded[index + 2] ?? 0,
    );
    if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
    bytes.push(parseInt(hex, 16));
    index += 2;
  }
  return new Uint8Array(bytes);
}

/**
 * Header values reach JavaScript one byte per character, so a name a server
 * sent as raw UTF-8 shows as mojibake; decode it when it is valid UTF-8.
 */
function decodeRawUtf8(value: string): string {
  // deno-lint-ignore no-control-regex
  if (!/[\x80-\xff]/.test(value) || /[^\x00-\xff]/.test(value)) return value;
  const bytes = Uint8Array.from(value, (char) => char.charCodeAt(0));
  return decodeUtf8(bytes) ?? value;
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

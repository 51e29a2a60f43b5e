/**
 * Reads the `rel="next"` target of an RFC 8288 `Link` header.
 *
 * @module
 */

/**
 * Finds the target of the first link whose `rel` includes `next`.
 *
 * The header may list several links (`<a>; rel="prev", <b>; rel="next"`),
 * quote or not quote the `rel` value, give several relation types in one
 * (`rel="next last"`), and hold commas or semicolons inside `<...>` or inside
 * quoted values, so it is parsed rather than split.
 *
 * @param header The `Link` header value, or `null` when there is none.
 * @returns The target exactly as written between `<` and `>`, or `undefined`.
 */
export function parseNextLink(
  header: string | null | undefined,
): string | undefined {
  if (!header) return undefined;
  let at = 0;
  while (at < header.length) {
    const open = header.indexOf("<", at);
    if (open < 0) return undefined;
    const close = header.indexOf(">", open + 1);
    if (close < 0) return undefined;
    const target = header.slice(open + 1, close).trim();
    const { params, end } = readParams(header, close + 1);
    at = end;
    const rel = params.get("rel");
    if (rel?.toLowerCase().split(/\s+/).includes("next")) return target;
  }
  return undefined;
}

/** Reads `; name=value` pairs from `start` up to the comma ending the link. */
function readParams(
  header: string,
  start: number,
): { params: Map<string, string>; end: number } {
  const params = new Map<string, string>();
  let at = start;
  while (at < header.length) {
    at = skipSpaces(header, at);
    const char = header[at];
    if (char === ",") return { params, end: at + 1 };
    if (char !== ";") {
      at++;
      continue;
    }
    at = skipSpaces(header, at + 1);
    const nameMatch = /^[^\s=;,]+/.exec(header.slice(at));
    if (!nameMatch) continue;
    const name = nameMatch[0].toLowerCase();
    at = skipSpaces(header, at + nameMatch[0].length);
    let value = "";
    if (header[at] === "=") {
      at = skipSpaces(header, at + 1);
      if (header[at] === '"') {
        at++;
        while (at < header.length && header[at] !== '"') {
          if (header[at] === "\\" && at + 1 < header.length) at++;
          value += header[at++];
        }
        at++;
      } else {
        const token = /^[^\s;,]*/.exec(header.slice(at))![0];
        value = token;
        at += token.length;
      }
    }
    // RFC 8288 §3: only the first occurrence of a parameter counts.
    if (!params.has(name)) params.set(name, value);
  }
  return { params, end: at };
}

function skipSpaces(text: string, at: number): number {
  while (at < text.length && (text[at] === " " || text[at] === "\t")) at++;
  return at;
}

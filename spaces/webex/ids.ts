/**
 * Webex ids: base64 of `ciscospark://<cluster>/<TYPE>/<uuid>`.
 *
 * The service hands out the same id with and without `=` padding in
 * different places, so ids are compared by their decoded uuid, never as raw
 * strings: a mismatch of forms has made bots answer themselves in a loop.
 *
 * @module
 */

/** The parts of a decoded Webex id. */
export interface WebexIdParts {
  /** The cluster, usually `us`. */
  cluster: string;
  /** The kind of object, such as `PEOPLE`, `ROOM` or `MESSAGE`. */
  type: string;
  /** The object's own identifier, usually a uuid. */
  uuid: string;
}

/**
 * Makes a Webex id, with its `=` padding, from a type and a uuid.
 *
 * @param type The kind of object: `PEOPLE`, `ROOM`, `MESSAGE`, `MEMBERSHIP`,
 * `TEAM`, `WEBHOOK`, `CONTENT`...
 * @param uuid The object's identifier; a fresh random uuid when absent.
 * @returns The base64 id, padded.
 */
export function webexId(
  type: string,
  uuid: string = crypto.randomUUID(),
): string {
  return btoa(`ciscospark://us/${type}/${uuid}`);
}

/**
 * Decodes a Webex id, padded or not.
 *
 * @param id A base64 (or base64url) Webex id.
 * @returns Its cluster, type and uuid, or `undefined` when it is not a Webex id.
 */
export function parseWebexId(id: string): WebexIdParts | undefined {
  const known = decodedIds.get(id);
  if (known !== undefined) return known ?? undefined;
  const parts = decode(id);
  // The same few ids (the bot's, a room's, a message's on each of its
  // paths) are decoded again and again: the last ones are kept.
  if (decodedIds.size >= DECODED_IDS) decodedIds.clear();
  decodedIds.set(id, parts ?? null);
  return parts;
}

/** Ids decoded lately, with what they gave (null: not a Webex id). */
const decodedIds = new Map<string, Readonly<WebexIdParts> | null>();
const DECODED_IDS = 1024;

function decode(id: string): WebexIdParts | undefined {
  let decoded: string;
  try {
    decoded = atob(id.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return undefined;
  }
  const match = /^ciscospark:\/\/([^/]+)\/([A-Z_]+)\/([^/]+)$/.exec(decoded);
  if (!match) return undefined;
  return Object.freeze({ cluster: match[1], type: match[2], uuid: match[3] });
}

/**
 * The uuid inside a Webex id: the form to compare ids by.
 *
 * @param id A base64 Webex id, padded or not.
 * @returns The uuid, or `undefined` when the id does not decode.
 */
export function uuidOf(id: string): string | undefined {
  return parseWebexId(id)?.uuid;
}

/**
 * Tells whether two Webex ids name the same object, whatever their padding.
 * Strings that are not Webex ids are compared as they are.
 *
 * @param a An id.
 * @param b Another id.
 * @returns True when both name the same object.
 */
export function sameWebexId(
  a: string | undefined,
  b: string | undefined,
): boolean {
  if (a === undefined || b === undefined) return false;
  if (a === b) return true;
  const left = parseWebexId(a);
  const right = parseWebexId(b);
  if (!left || !right) return false;
  return left.uuid === right.uuid && left.type === right.type;
}

/**
 * Webex ids: base64 of `ciscospark://<cluster>/<TYPE>/<uuid>`.
 *
 * The real service hands out the same id with and without `=` padding in
 * different places, so ids must be compared by their decoded uuid.
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
 * `TEAM`, `WEBHOOK`, `CONTENT`, `ORGANIZATION`...
 * @param uuid The object's identifier; a fresh random uuid when absent.
 * @returns The base64 id, padded.
 *
 * @example Make a room id
 * ```ts
 * import { uuidOf, webexId } from "./ids.ts";
 *
 * const id = webexId("ROOM", "bbceb1ad-43f1-3b58-9147-f14bb0c4d154");
 * console.log(uuidOf(id)); // "bbceb1ad-43f1-3b58-9147-f14bb0c4d154"
 * ```
 */
export function webexId(
  type: string,
  uuid: string = crypto.randomUUID(),
): string {
  return btoa(`ciscospark://us/${type}/${uuid}`);
}

/**
 * Strips the `=` padding of an id, as Webex does in many fields.
 *
 * @param id A base64 id.
 * @returns The same id without trailing `=`.
 *
 * @example Drop the padding of a person id
 * ```ts
 * import { unpadded, webexId } from "./ids.ts";
 *
 * console.log(unpadded(webexId("PEOPLE")).endsWith("=")); // false
 * ```
 */
export function unpadded(id: string): string {
  return id.replace(/=+$/, "");
}

/**
 * Decodes a Webex id, padded or not.
 *
 * @param id A base64 (or base64url) Webex id.
 * @returns Its cluster, type and uuid, or `undefined` when it is not a Webex id.
 *
 * @example Read the type of an id
 * ```ts
 * import { parseWebexId, webexId } from "./ids.ts";
 *
 * console.log(parseWebexId(webexId("TEAM"))?.type); // "TEAM"
 * ```
 */
export function parseWebexId(id: string): WebexIdParts | undefined {
  let decoded: string;
  try {
    decoded = atob(id.replaceAll("-", "+").replaceAll("_", "/"));
  } catch {
    return undefined;
  }
  const match = /^ciscospark:\/\/([^/]+)\/([A-Z_]+)\/([^/]+)$/.exec(decoded);
  if (!match) return undefined;
  return { cluster: match[1], type: match[2], uuid: match[3] };
}

/**
 * The uuid inside a Webex id: the form to compare ids by.
 *
 * @param id A base64 Webex id, padded or not.
 * @returns The uuid, or `undefined` when the id does not decode.
 *
 * @example Compare two forms of one id
 * ```ts
 * import { unpadded, uuidOf, webexId } from "./ids.ts";
 *
 * const id = webexId("PEOPLE");
 * console.log(uuidOf(id) === uuidOf(unpadded(id))); // true
 * ```
 */
export function uuidOf(id: string): string | undefined {
  return parseWebexId(id)?.uuid;
}

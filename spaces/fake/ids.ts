/**
 * Webex ids for the fake: the library's one decoder from
 * `../webex/ids.ts`, plus {@linkcode unpadded}, which only the fake needs to
 * hand out ids in the forms the real service uses.
 *
 * The real service hands out the same id with and without `=` padding in
 * different places, so ids must be compared by their decoded uuid.
 *
 * @module
 */

export { parseWebexId, sameWebexId, uuidOf, webexId } from "../webex/ids.ts";
export type { WebexIdParts } from "../webex/ids.ts";

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

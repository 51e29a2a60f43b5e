/**
 * Webex ids as the fake makes and reads them: base64 of
 * `ciscospark://<cluster>/<TYPE>/<uuid>`, handed out with `=` padding in some
 * fields and without it in others, as the real service does.
 *
 * Written from Webex's documentation, apart from the library's client, so
 * that the client's own id parser can be tested against these ids.
 *
 * @module
 */

/** The parts of a decoded Webex id. */
export interface FakeWebexIdParts {
  /** The cluster, such as `us`. */
  cluster: string;
  /** The kind of object, such as `PEOPLE`, `ROOM`, `MESSAGE` or `MEMBERSHIP`. */
  type: string;
  /** The object's own identifier, usually a uuid. */
  uuid: string;
}

const PREFIX = "ciscospark://";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Makes a Webex id, with its `=` padding, as the fake hands it out.
 *
 * @param type The kind of object: `PEOPLE`, `ROOM`, `MESSAGE`, `MEMBERSHIP`,
 * `TEAM`, `WEBHOOK`, `CONTENT`...
 * @param uuid The object's identifier; a fresh random uuid when absent.
 * @param options The cluster, `us` when absent.
 * @returns The base64 id, padded when its length calls for it.
 *
 * @example Make a room id and read it back
 * ```ts
 * import { fakeWebexId, parseFakeWebexId } from "@shellbot/spaces/testing";
 *
 * const id = fakeWebexId("ROOM", "bbceb1ad-43f1-3b58-9147-f14bb0c4d154");
 * console.log(parseFakeWebexId(id)?.type); // "ROOM"
 * ```
 */
export function fakeWebexId(
  type: string,
  uuid: string = crypto.randomUUID(),
  options: { cluster?: string } = {},
): string {
  const text = `${PREFIX}${options.cluster ?? "us"}/${type}/${uuid}`;
  // btoa takes one byte per character: encode to UTF-8 first so that any
  // uuid string survives.
  return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

/**
 * Reads a Webex id in either of the forms the service uses: with or without
 * its `=` padding.
 *
 * @param id A base64 Webex id.
 * @returns Its cluster, type and uuid, or `undefined` when it is not a Webex id.
 *
 * @example Both forms of one id
 * ```ts
 * import { fakeWebexId, parseFakeWebexId, unpadded } from "@shellbot/spaces/testing";
 *
 * const id = fakeWebexId("PEOPLE");
 * console.log(parseFakeWebexId(unpadded(id))?.uuid === parseFakeWebexId(id)?.uuid); // true
 * ```
 */
export function parseFakeWebexId(id: string): FakeWebexIdParts | undefined {
  const bare = unpadded(id);
  // Padding, when present, must complete the last group of four.
  const badPadding = bare !== id && id.length % 4 !== 0;
  if (!BASE64.test(id) || bare.length % 4 === 1 || badPadding) return undefined;
  const padded = bare.padEnd(Math.ceil(bare.length / 4) * 4, "=");
  let text: string;
  try {
    const binary = atob(padded);
    text = new TextDecoder("utf-8", { fatal: true }).decode(
      Uint8Array.from(binary, (char) => char.charCodeAt(0)),
    );
  } catch {
    return undefined;
  }
  if (!text.startsWith(PREFIX)) return undefined;
  const parts = text.slice(PREFIX.length).split("/");
  if (parts.length !== 3 || parts.some((part) => part === "")) return undefined;
  const [cluster, type, uuid] = parts;
  if (!/^[A-Z_]+$/.test(type)) return undefined;
  return { cluster, type, uuid };
}

/**
 * Strips the `=` padding of an id, as Webex does in `personId` and other
 * fields.
 *
 * @param id A base64 id.
 * @returns The same id without trailing `=`.
 *
 * @example Drop the padding of a person id
 * ```ts
 * import { fakeWebexId, unpadded } from "@shellbot/spaces/testing";
 *
 * console.log(unpadded(fakeWebexId("PEOPLE")).endsWith("=")); // false
 * ```
 */
export function unpadded(id: string): string {
  return id.replace(/=+$/, "");
}

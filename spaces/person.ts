/**
 * A person as `Space.getPerson` finds one.
 *
 * @module
 */

/**
 * A person of a space: a user, or a bot.
 *
 * @example Greet the sender by name
 * ```ts
 * import { LocalSpace, type Person } from "@shellbot/spaces";
 *
 * const space = new LocalSpace({ input: [], stdout: new WritableStream() });
 * const person: Person | undefined = await space.getPerson("*user");
 * console.log(`Hello ${person?.displayName}`);
 * ```
 */
export interface Person {
  /** Id of the person at the back end. */
  id: string;
  /** E-mail addresses, possibly none. */
  emails: string[];
  /** Name to show. */
  displayName: string;
  /** Nickname, when one is set. */
  nickName?: string;
  /** First name, when known. */
  firstName?: string;
  /** Last name, when known. */
  lastName?: string;
  /** URL of the avatar image. */
  avatar?: string;
  /** `person`, `bot` or another kind the back end names. */
  kind?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

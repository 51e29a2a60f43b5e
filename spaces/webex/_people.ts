/**
 * People lookups for `WebexSpace.getPerson`, cached briefly: a bot that
 * greets every sender by name would otherwise ask Webex for the same
 * person on every message.
 *
 * @module
 */

import { ApiError } from "../errors.ts";
import type { Person } from "../person.ts";
import { getPerson, listPeopleByEmail } from "./api/people.ts";
import type { CallOptions, WebexPerson } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { uuidOf } from "./ids.ts";

/** How long a person is kept, in milliseconds. */
export const PERSON_TTL = 5 * 60_000;
/** How many people are kept at most. */
export const PERSON_ENTRIES = 500;

/** The members of the space that people lookups use. */
export interface PeopleHost {
  readonly client: WebexClient;
}

/** A bounded cache of people by id (uuid) and e-mail address. */
export class People {
  #host: PeopleHost;
  #entries = new Map<string, { person?: Person; until: number }>();
  #now: () => number;

  constructor(host: PeopleHost, now: () => number = Date.now) {
    this.#host = host;
    this.#now = now;
  }

  /** The person with this id or address, or `undefined` (a 404, or no match). */
  async get(
    idOrEmail: string,
    options: CallOptions,
  ): Promise<Person | undefined> {
    const isEmail = idOrEmail.includes("@");
    const key = isEmail
      ? `email:${idOrEmail.toLowerCase()}`
      : `id:${uuidOf(idOrEmail) ?? idOrEmail}`;
    const cached = this.#entries.get(key);
    if (cached && cached.until > this.#now()) return cached.person;
    const json = isEmail
      ? await this.#byEmail(idOrEmail, options)
      : await this.#byId(idOrEmail, options);
    const person = json && personFromWebex(json);
    this.#entries.delete(key);
    this.#entries.set(key, { person, until: this.#now() + PERSON_TTL });
    if (this.#entries.size > PERSON_ENTRIES) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
    return person;
  }

  async #byId(
    id: string,
    options: CallOptions,
  ): Promise<WebexPerson | undefined> {
    try {
      return await getPerson(this.#host.client, id, options);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  async #byEmail(
    email: string,
    options: CallOptions,
  ): Promise<WebexPerson | undefined> {
    for await (
      const person of listPeopleByEmail(this.#host.client, email, options)
    ) {
      return person;
    }
    return undefined;
  }
}

function personFromWebex(json: WebexPerson): Person {
  const text = (value: unknown) =>
    typeof value === "string" && value !== "" ? value : undefined;
  const person: Person = {
    id: json.id,
    emails: Array.isArray(json.emails) ? json.emails.map(String) : [],
    displayName: text(json.displayName) ?? "",
    nickName: text(json.nickName),
    firstName: text(json.firstName),
    lastName: text(json.lastName),
    avatar: text(json.avatar),
    kind: text(json.type),
    raw: json,
  };
  for (const key of Object.keys(person) as (keyof Person)[]) {
    if (person[key] === undefined) delete person[key];
  }
  return person;
}

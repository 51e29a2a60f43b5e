/**
 * What the public layers of `FakeWebex` share: the running fake's parts,
 * kept out of its public shape, and the way test helpers report refusals.
 *
 * @module
 */

import type { Deliveries } from "./_delivery.ts";
import type { Faults } from "./_faults.ts";
import { HttpError } from "./_http.ts";
import type { Router } from "./_router.ts";
import type { PersonRecord, State } from "./_state.ts";
import type { FakePerson, PersonRef } from "./types.ts";

/** The parts of one running fake. */
export interface Internals {
  state: State;
  faults: Faults;
  router: Router;
  server: Deno.HttpServer<Deno.NetAddr>;
  deliveries: Deliveries;
  /** The bot: the first person, made at start. */
  bot: PersonRecord;
}

// A WeakMap rather than a protected field: the layers in separate files reach
// the parts, and neither users nor the generated docs see them.
const parts = new WeakMap<object, Internals>();

/** Ties a fake to its parts; called once, by its constructor. */
export function bindInternals(fake: object, internals: Internals): void {
  parts.set(fake, internals);
}

/** The parts of a fake made by `FakeWebex.start`. */
export function internalsOf(fake: object): Internals {
  const internals = parts.get(fake);
  if (!internals) {
    throw new TypeError("Not a running FakeWebex: use FakeWebex.start()");
  }
  return internals;
}

/** The person a test names; with `create`, unknown e-mails become new users. */
export function personOf(
  internals: Internals,
  ref: PersonRef,
  create = false,
): PersonRecord {
  return internals.state.resolvePerson(ref, { create });
}

/** Runs a test helper, turning API refusals into `TypeError`s that say which helper failed. */
export function helper<T>(what: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof HttpError) {
      throw new TypeError(`${what}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}

/** A copy of a person's public fields, so a test cannot change the record. */
export function publicPerson(person: PersonRecord): FakePerson {
  const { id, emails, displayName, type, token, orgId, created } = person;
  return { id, emails: [...emails], displayName, type, token, orgId, created };
}

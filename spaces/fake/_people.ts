/**
 * People: how the API renders them, and the `/people` endpoints.
 *
 * @module
 */

import { HttpError, json, pageOf, parseMax } from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { PersonRecord } from "./_state.ts";

/** The person as `GET /people/{id}` renders it: the id keeps its padding. */
export function personJson(person: PersonRecord): Record<string, unknown> {
  const [firstName, ...rest] = person.displayName.split(" ");
  return {
    id: person.id,
    emails: [...person.emails],
    phoneNumbers: [],
    displayName: person.displayName,
    nickName: firstName,
    ...(person.type === "person" && rest.length > 0
      ? { firstName, lastName: rest.join(" ") }
      : {}),
    orgId: person.orgId,
    created: person.created,
    status: "unknown",
    type: person.type,
  };
}

/** The `/people` endpoints. */
export const peopleRoutes: Record<string, Handler> = {
  "GET /people/me": ({ caller }) => json(personJson(caller)),
  "GET /people/{id}": ({ state, id }) =>
    json(personJson(state.find(state.people, "PEOPLE", id))),
  "GET /people": ({ state, url }) => {
    const max = parseMax(url, 100, 1000);
    const email = url.searchParams.get("email");
    const displayName = url.searchParams.get("displayName");
    const ids = url.searchParams.get("id");
    let items: PersonRecord[];
    if (ids) {
      const list = ids.split(",");
      if (list.length > 85) {
        throw new HttpError(
          400,
          "At most 85 person ids can be listed at once.",
        );
      }
      items = list.map((id) => state.lookupPerson(id.trim())).filter((person) =>
        person !== undefined
      );
    } else if (email) {
      const person = state.lookupPerson(email);
      items = person ? [person] : [];
    } else if (displayName) {
      const prefix = displayName.toLowerCase();
      items = [...state.people.values()].filter((person) =>
        person.displayName.toLowerCase().startsWith(prefix)
      );
    } else {
      throw new HttpError(
        400,
        "Either email, displayName or id is required to list people.",
      );
    }
    items = [...new Set(items)].sort((a, b) => a.seq - b.seq);
    return pageOf(url, items, (person) => person.seq, max, personJson);
  },
};

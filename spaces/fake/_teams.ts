/**
 * Teams and the `/teams` endpoints.
 *
 * @module
 */

import { createRoom } from "./_rooms.ts";
import {
  HttpError,
  json,
  MESSAGES,
  pageOf,
  parseMax,
  readJsonObject,
  requiredString,
} from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { PersonRecord, State, TeamRecord } from "./_state.ts";
import { fakeWebexId } from "./ids.ts";
import type { FakeTeam } from "./webex_types.ts";

/** The team as the API renders it. */
export function teamJson(
  state: State,
  team: TeamRecord,
): FakeTeam {
  return {
    id: team.id,
    name: team.name,
    creatorId: state.personRef(team.creatorUuid),
    created: team.created,
  };
}

/** Makes a team with its general room, titled like the team, as the real service does. */
export function createTeam(
  state: State,
  init: { name: string; creator: PersonRecord },
): TeamRecord {
  const uuid = crypto.randomUUID();
  const team: TeamRecord = {
    uuid,
    id: fakeWebexId("TEAM", uuid),
    name: init.name,
    creatorUuid: init.creator.uuid,
    created: state.now(),
    seq: state.nextSeq(),
    members: new Set([init.creator.uuid]),
  };
  state.teams.set(uuid, team);
  createRoom(state, {
    title: init.name,
    teamUuid: uuid,
    creator: init.creator,
  });
  return team;
}

/** The `/teams` endpoints. */
export const teamRoutes: Record<string, Handler> = {
  "GET /teams": ({ state, url, caller }) => {
    const max = parseMax(url, 100, 1000);
    const items = [...state.teams.values()].filter((team) =>
      team.members.has(caller.uuid)
    ).sort((a, b) => a.seq - b.seq);
    return pageOf(
      url,
      items,
      (team) => team.seq,
      max,
      (team) => teamJson(state, team),
    );
  },
  "POST /teams": async ({ state, request, caller }) => {
    const body = await readJsonObject(request);
    return json(
      teamJson(
        state,
        createTeam(state, {
          name: requiredString(body, "name"),
          creator: caller,
        }),
      ),
    );
  },
  "GET /teams/{id}": ({ state, id, caller }) => {
    const team = state.find(state.teams, "TEAM", id);
    if (!team.members.has(caller.uuid)) {
      throw new HttpError(404, MESSAGES.notFound);
    }
    return json(teamJson(state, team));
  },
};

// The fake makes and reads Webex ids with its own code, the client with its
// own: each must read the other's ids the same way, padded or not.
import assert from "node:assert/strict";
import {
  parseWebexId,
  sameWebexId,
  uuidOf,
  webexId,
} from "../spaces/webex/ids.ts";
import {
  FakeWebex,
  fakeWebexId,
  parseFakeWebexId,
  unpadded,
} from "../testing.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

async function get(webex: FakeWebex, path: string): Promise<Json> {
  const response = await fetch(`${webex.url}${path}`, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(response.status, 200, path);
  return await response.json();
}

/** Every kind of id the fake hands out, in the forms its API gives them. */
async function idsOf(webex: FakeWebex): Promise<Record<string, string>> {
  const alice = webex.addUser({ email: "alice@example.com" });
  const team = webex.addTeam({ name: "Crew" });
  const room = webex.addRoom({
    title: "Ops",
    teamId: team.id,
    members: [alice],
  });
  const message = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "hi",
    mentions: [webex.bot],
    file: { name: "a.txt", bytes: new Uint8Array([1]) },
  });
  const me = await get(webex, "/people/me");
  const [membership] = (await get(webex, `/memberships?roomId=${room.id}`))
    .items;
  const content = message.files![0];
  return {
    "person (padded)": me.id,
    "personId (unpadded)": message.personId,
    "mentionedPeople": message.mentionedPeople![0],
    "creatorId": room.creatorId,
    "room": room.id,
    "team": team.id,
    "message": message.id,
    "membership": membership.id,
    "content": content.slice(content.lastIndexOf("/") + 1),
    "organisation": me.orgId,
  };
}

Deno.test("the client's parseWebexId reads every id the fake hands out as the fake does", async () => {
  await using webex = await FakeWebex.start();
  const ids = await idsOf(webex);
  const types: Record<string, string> = {
    "person (padded)": "PEOPLE",
    "personId (unpadded)": "PEOPLE",
    "mentionedPeople": "PEOPLE",
    "creatorId": "PEOPLE",
    "room": "ROOM",
    "team": "TEAM",
    "message": "MESSAGE",
    "membership": "MEMBERSHIP",
    "content": "CONTENT",
    "organisation": "ORGANIZATION",
  };
  for (const [field, id] of Object.entries(ids)) {
    const client = parseWebexId(id);
    assert.ok(client, `the client reads the fake's ${field} id ${id}`);
    assert.deepEqual(client, parseFakeWebexId(id), field);
    assert.equal(client.type, types[field], field);
    assert.equal(client.cluster, "us", field);
    // Both forms of every id, whichever the fake gave.
    assert.deepEqual(parseWebexId(unpadded(id)), client, field);
    assert.equal(sameWebexId(id, unpadded(id)), true, field);
  }
  assert.equal(ids["personId (unpadded)"].endsWith("="), false);
  assert.equal(
    sameWebexId(ids["person (padded)"], ids.mentionedPeople),
    true,
    "the bot's id in /people/me and in mentionedPeople name the same person",
  );
  assert.equal(sameWebexId(ids["person (padded)"], ids.room), false);
  // A membership's uuid is `<person>:<room>`, as on the real service.
  assert.equal(
    uuidOf(ids.membership),
    `${uuidOf(ids["person (padded)"])}:${uuidOf(ids.room)}`,
  );
});

Deno.test("the fake reads the client's ids, and the client reads the fake's in any cluster", () => {
  const uuid = "bbceb1ad-43f1-3b58-9147-f14bb0c4d154";
  for (const type of ["PEOPLE", "ROOM", "MESSAGE", "MEMBERSHIP", "WEBHOOK"]) {
    const client = webexId(type, uuid);
    assert.equal(client, fakeWebexId(type, uuid), type);
    assert.deepEqual(parseFakeWebexId(client), { cluster: "us", type, uuid });
    assert.deepEqual(parseFakeWebexId(unpadded(client)), {
      cluster: "us",
      type,
      uuid,
    });
  }
  // Ids of other clusters (some decode to `urn:TEAM:...` cluster names).
  for (const cluster of ["eu", "urn:TEAM:us-west-2_r"]) {
    const id = fakeWebexId("ROOM", uuid, { cluster });
    assert.deepEqual(parseWebexId(id), { cluster, type: "ROOM", uuid });
    assert.equal(sameWebexId(id, unpadded(id)), true);
  }
});

Deno.test("neither side reads what is not a Webex id", () => {
  const notIds = [
    "",
    "not an id",
    btoa("https://example.com/ROOM/x"),
    btoa("ciscospark://us/room/x"),
    btoa("ciscospark://us/ROOM"),
    btoa("ciscospark://us/ROOM/a/b"),
  ];
  for (const id of notIds) {
    assert.equal(parseFakeWebexId(id), undefined, `fake: ${id}`);
    assert.equal(parseWebexId(id), undefined, `client: ${id}`);
  }
  // Padding, when given, must be right.
  const id = fakeWebexId("ROOM", "x");
  assert.ok(id.endsWith("="), "this id needs padding");
  assert.equal(parseFakeWebexId(`${id}=`), undefined);
  assert.equal(parseFakeWebexId(`${unpadded(id)}=`), undefined);
});

// FakeWebex rooms, memberships, teams and webhooks.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import {
  assertErrorBody,
  call,
  setup,
  uuidOf,
  walk,
} from "./_fake_webex_calls.ts";

Deno.test("FakeWebex: deleting a room as a non-moderator or non-creator only removes the caller", async () => {
  const { webex, alice, bob } = await setup();
  await using _ = webex;
  const open = await call(webex, "POST", "/rooms", {
    json: { title: "Alice's" },
    token: alice.token,
  });
  await call(webex, "POST", "/memberships", {
    json: { roomId: open.body.id, personId: webex.bot.id },
    token: alice.token,
  });
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${open.body.id}`)).status,
    204,
  );
  assertErrorBody(await call(webex, "GET", `/rooms/${open.body.id}`), 404);
  assert.equal(
    (await call(webex, "GET", `/rooms/${open.body.id}`, { token: alice.token }))
      .status,
    200,
  );
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${open.body.id}`, {
      token: alice.token,
    })).status,
    204,
  );
  assert.equal(webex.rooms().some((room) => room.id === open.body.id), false);

  const locked = webex.addRoom({
    title: "Locked",
    members: [bob],
    moderators: [alice],
    creator: alice,
  });
  assert.equal(locked.isLocked, true);
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${locked.id}`)).status,
    204,
  );
  assert.equal(
    webex.memberships(locked.id as string).length,
    2,
    "only the bot left",
  );
  assertErrorBody(
    await call(webex, "POST", "/memberships", {
      json: { roomId: locked.id, personEmail: "carol@example.com" },
      token: bob.token,
    }),
    403,
  );
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${locked.id}`, { token: alice.token }))
      .status,
    204,
  );
  assert.equal(
    webex.rooms().some((room) => room.id === locked.id),
    false,
    "a moderator deletes the room",
  );
});

Deno.test("FakeWebex manages memberships: list, filter, add twice (409), remove", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const listed = await call(webex, "GET", `/memberships?roomId=${roomId}`);
  assert.deepEqual(
    listed.body.items.map((m: { personEmail: string }) => m.personEmail),
    [
      "shelly@webex.bot",
      "alice@example.com",
      "bob@example.com",
    ],
  );
  const filtered = await call(
    webex,
    "GET",
    `/memberships?roomId=${roomId}&personEmail=bob@example.com`,
  );
  assert.equal(filtered.body.items.length, 1);
  assertErrorBody(
    await call(webex, "GET", "/memberships?personEmail=bob@example.com"),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/memberships", {
      json: { roomId, personId: alice.id },
    }),
    409,
  );
  const added = await call(webex, "POST", "/memberships", {
    json: { roomId, personEmail: "carol@example.com" },
  });
  assert.equal(added.status, 200);
  assert.equal(added.body.personEmail, "carol@example.com");
  assert.equal(webex.findPerson("carol@example.com")?.type, "person");
  assert.equal(
    (await call(webex, "DELETE", `/memberships/${added.body.id}`)).status,
    204,
  );
  assertErrorBody(
    await call(webex, "GET", `/memberships/${added.body.id}`),
    404,
  );
  const mine = await call(webex, "GET", "/memberships", { token: alice.token });
  assert.equal(mine.body.items.length, 1);
  const paged = await walk(webex, `/memberships?roomId=${roomId}&max=1`);
  assert.deepEqual([paged.pages, paged.items.length], [3, 3]);
});

Deno.test("FakeWebex keeps teams with their general room", async () => {
  await using webex = await FakeWebex.start();
  const team = await call(webex, "POST", "/teams", { json: { name: "Crew" } });
  const room = await call(webex, "POST", "/rooms", {
    json: { title: "Deck", teamId: team.body.id },
  });
  assert.equal(room.body.teamId, team.body.id);
  const teamRooms = await call(webex, "GET", `/rooms?teamId=${team.body.id}`);
  assert.deepEqual(
    teamRooms.body.items.map((r: { title: string }) => r.title).sort(),
    ["Crew", "Deck"],
  );
  const teams = await call(webex, "GET", "/teams");
  assert.deepEqual(teams.body.items.map((t: { name: string }) => t.name), [
    "Crew",
  ]);
  assert.equal(
    (await call(webex, "GET", `/teams/${team.body.id}`)).body.name,
    "Crew",
  );
  const helperTeam = webex.addTeam({ name: "Other" });
  assert.equal((await call(webex, "GET", "/teams")).body.items.length, 2);
  assert.ok(helperTeam.id);
});

Deno.test("FakeWebex keeps webhooks per token and gives their secret to the owner only", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  const hook = {
    name: "bot",
    targetUrl: "https://example.com/hook",
    resource: "messages",
    event: "created",
    secret: "s3cr3t",
  };
  const created = await call(webex, "POST", "/webhooks", { json: hook });
  assert.equal(created.status, 200);
  assert.equal(created.body.status, "active");
  // The spec's `Webhook` schema carries `secret`, as the real service answers.
  assert.equal(created.body.secret, "s3cr3t");
  assert.equal(uuidOf(created.body.createdBy), uuidOf(webex.bot.id));
  assertErrorBody(
    await call(webex, "POST", "/webhooks", {
      json: { ...hook, targetUrl: "ftp://x" },
    }),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/webhooks", { json: { name: "x" } }),
    400,
  );
  assert.equal((await call(webex, "GET", "/webhooks")).body.items.length, 1);
  assert.equal(
    (await call(webex, "GET", "/webhooks", { token: alice.token })).body.items
      .length,
    0,
  );
  assertErrorBody(
    await call(webex, "GET", `/webhooks/${created.body.id}`, {
      token: alice.token,
    }),
    404,
  );
  assertErrorBody(
    await call(webex, "PUT", `/webhooks/${created.body.id}`, {
      json: { status: "active" },
    }),
    400,
  );
  const updated = await call(webex, "PUT", `/webhooks/${created.body.id}`, {
    json: {
      name: "renamed",
      targetUrl: "https://example.com/other",
      status: "inactive",
      secret: "new",
    },
  });
  assert.deepEqual([
    updated.body.name,
    updated.body.status,
    updated.body.secret,
  ], ["renamed", "inactive", "new"]);
  assert.equal(
    (await call(webex, "GET", `/webhooks/${created.body.id}`)).body.secret,
    "new",
  );
  assert.equal(JSON.stringify(webex.webhooks()).includes("new"), false);
  for (let i = 0; i < 4; i++) {
    await call(webex, "POST", "/webhooks", {
      json: { ...hook, name: `h${i}` },
    });
  }
  const paged = await walk(webex, "/webhooks?max=2");
  assert.deepEqual([paged.pages, paged.items.length], [3, 5]);
  assert.equal(
    (await call(webex, "DELETE", `/webhooks/${created.body.id}`)).status,
    204,
  );
  assert.equal(webex.webhooks().length, 4);
});

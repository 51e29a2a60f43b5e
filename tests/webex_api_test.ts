import assert from "node:assert/strict";
import { ApiError, WebexClient } from "../mod.ts";
import { sameWebexId } from "../spaces/webex/ids.ts";
import { FakeWebex } from "../testing.ts";
import {
  createMembership,
  deleteMembership,
  listMemberships,
} from "../spaces/webex/api/memberships.ts";
import {
  createMessage,
  getMessage,
  listMessages,
} from "../spaces/webex/api/messages.ts";
import { getMe } from "../spaces/webex/api/people.ts";
import {
  createRoom,
  deleteRoom,
  getRoom,
  listRooms,
  updateRoom,
} from "../spaces/webex/api/rooms.ts";
import { createTeam, listTeams } from "../spaces/webex/api/teams.ts";
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  updateWebhook,
} from "../spaces/webex/api/webhooks.ts";

async function fixture() {
  const webex = await FakeWebex.start();
  const client = new WebexClient({ token: webex.bot.token, apiUrl: webex.url });
  return {
    webex,
    client,
    [Symbol.asyncDispose]: () => webex.close(),
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

Deno.test("api: getMe reads the bot itself", async () => {
  await using f = await fixture();
  const me = await getMe(f.client);
  assert.ok(sameWebexId(me.id, String(f.webex.bot.id)));
  assert.equal(me.type, "bot");
  assert.deepEqual(me.emails, f.webex.bot.emails);
});

Deno.test("api: rooms are created, listed, read, renamed and deleted", async () => {
  await using f = await fixture();
  const team = await createTeam(f.client, { name: "Crew" });
  assert.equal(team.name, "Crew");
  assert.deepEqual(
    (await all(listTeams(f.client))).map((item) => item.name),
    ["Crew"],
  );
  const room = await createRoom(f.client, { title: "Ops", teamId: team.id });
  assert.equal(room.title, "Ops");
  assert.equal(room.type, "group");
  assert.equal(room.teamId, team.id);
  const listed = await all(listRooms(f.client, { type: "group" }));
  assert.ok(listed.some((item) => item.id === room.id));
  assert.equal((await getRoom(f.client, room.id)).title, "Ops");
  const renamed = await updateRoom(f.client, room.id, { title: "Ops 2" });
  assert.equal(renamed.title, "Ops 2");
  await deleteRoom(f.client, room.id);
  await assert.rejects(
    getRoom(f.client, room.id),
    (error: unknown) => error instanceof ApiError && error.status === 404,
  );
});

Deno.test("api: memberships are added, listed and removed; a second add is a 409", async () => {
  await using f = await fixture();
  f.webex.addUser({ email: "alice@example.com" });
  const room = await createRoom(f.client, { title: "Team" });
  const added = await createMembership(f.client, {
    roomId: room.id,
    personEmail: "alice@example.com",
  });
  assert.equal(added.personEmail, "alice@example.com");
  assert.equal(added.isModerator, false);
  await assert.rejects(
    createMembership(f.client, {
      roomId: room.id,
      personEmail: "alice@example.com",
    }),
    (error: unknown) => error instanceof ApiError && error.status === 409,
  );
  const found = await all(
    listMemberships(f.client, {
      roomId: room.id,
      personEmail: "alice@example.com",
    }),
  );
  assert.deepEqual(found.map((item) => item.id), [added.id]);
  await deleteMembership(f.client, added.id);
  const left = await all(listMemberships(f.client, { roomId: room.id }));
  assert.ok(!left.some((item) => item.personEmail === "alice@example.com"));
});

Deno.test("api: messages are posted, read and listed with mentionedPeople=me", async () => {
  await using f = await fixture();
  const alice = f.webex.addUser({ email: "alice@example.com" });
  const room = await createRoom(f.client, { title: "Chat" });
  await createMembership(f.client, {
    roomId: room.id,
    personEmail: "alice@example.com",
  });
  const posted = await createMessage(f.client, {
    json: { roomId: room.id, markdown: "**hello**" },
  });
  assert.equal(posted.roomId, room.id);
  assert.equal(posted.markdown, "**hello**");
  const read = await getMessage(f.client, posted.id);
  assert.equal(read.id, posted.id);
  assert.equal(read.roomType, "group");
  const mention = f.webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "status?",
    mentions: [f.webex.bot],
  });
  const listed = await all(
    listMessages(f.client, { roomId: room.id, mentionedPeople: "me" }),
  );
  assert.deepEqual(listed.map((item) => item.id), [mention.id]);
  assert.ok(
    listed[0].mentionedPeople?.some((id) =>
      sameWebexId(id, String(f.webex.bot.id))
    ),
  );
});

Deno.test("api: webhooks are created, listed, updated and deleted", async () => {
  await using f = await fixture();
  const hook = await createWebhook(f.client, {
    name: "shellbot-messages",
    targetUrl: "https://bot.example.com/hook",
    resource: "messages",
    event: "created",
  });
  assert.equal(hook.resource, "messages");
  assert.equal(hook.status, "active");
  assert.deepEqual(
    (await all(listWebhooks(f.client))).map((item) => item.id),
    [hook.id],
  );
  const changed = await updateWebhook(f.client, hook.id, {
    name: "shellbot-messages",
    targetUrl: "https://bot.example.com/other",
    status: "active",
  });
  assert.equal(changed.targetUrl, "https://bot.example.com/other");
  await deleteWebhook(f.client, hook.id);
  assert.deepEqual(await all(listWebhooks(f.client)), []);
  await assert.rejects(
    deleteWebhook(f.client, hook.id),
    (error: unknown) => error instanceof ApiError && error.status === 404,
  );
});

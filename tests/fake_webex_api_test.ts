// FakeWebex basics: tokens, ids, status codes and pagination.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import {
  assertErrorBody,
  call,
  setup,
  uuidOf,
  walk,
} from "./_fake_webex_calls.ts";

Deno.test("FakeWebex answers 401 without a token or with an unknown one, and /people/me per token", async () => {
  await using webex = await FakeWebex.start({
    botName: "Helper",
    botEmail: "helper@webex.bot",
  });
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Alice",
  });
  assertErrorBody(await call(webex, "GET", "/people/me", { token: null }), 401);
  assertErrorBody(
    await call(webex, "GET", "/rooms", { token: "not-a-token" }),
    401,
  );
  const bot = await call(webex, "GET", "/people/me");
  assert.equal(bot.status, 200);
  assert.ok(bot.headers.get("trackingid"));
  assert.deepEqual([bot.body.displayName, bot.body.type, bot.body.emails], [
    "Helper",
    "bot",
    ["helper@webex.bot"],
  ]);
  const me = await call(webex, "GET", "/people/me", { token: alice.token });
  assert.deepEqual([me.body.id, me.body.type], [alice.id, "person"]);
  const byEmail = await call(webex, "GET", "/people?email=alice@example.com");
  assert.deepEqual(
    byEmail.body.items.map((person: { id: string }) => person.id),
    [alice.id],
  );
  assertErrorBody(await call(webex, "GET", "/people"), 400);
});

Deno.test("FakeWebex pads person ids in /people but not in personId fields, and accepts both forms", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const me = await call(webex, "GET", "/people/me");
  assert.ok(me.body.id.endsWith("="), "people ids keep their padding");
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, text: "hi" },
  });
  assert.equal(posted.status, 200);
  assert.ok(!posted.body.personId.endsWith("="), "personId drops the padding");
  assert.notEqual(posted.body.personId, me.body.id);
  assert.equal(uuidOf(posted.body.personId), uuidOf(me.body.id));
  const unpaddedAlice = alice.id.replace(/=+$/, "");
  const person = await call(webex, "GET", `/people/${unpaddedAlice}`);
  assert.equal(person.body.id, alice.id);
  const membership = await call(
    webex,
    "GET",
    `/memberships?roomId=${roomId}&personId=${alice.id}`,
  );
  assert.equal(membership.body.items.length, 1);
  assert.ok(!membership.body.items[0].personId.endsWith("="));
  assert.equal(uuidOf(membership.body.items[0].personId), uuidOf(alice.id));
  assert.equal(
    uuidOf(webex.bot.id),
    uuidOf(webex.postedByBot()[0].personId as string),
  );
});

Deno.test("FakeWebex creates with 200, deletes with 204 and no body, and answers 404 for unknown ids", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const created = await call(webex, "POST", "/rooms", {
    json: { title: "New" },
  });
  assert.equal(created.status, 200);
  assert.equal(created.body.title, "New");
  const team = await call(webex, "POST", "/teams", { json: { name: "Crew" } });
  assert.equal(team.status, 200);
  const response = await fetch(`${webex.url}/rooms/${created.body.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(response.status, 204);
  assert.equal(await response.text(), "");
  assertErrorBody(await call(webex, "GET", `/rooms/${created.body.id}`), 404);
  assertErrorBody(await call(webex, "GET", "/messages/not-an-id"), 404);
  // A room id is no message id.
  assertErrorBody(await call(webex, "GET", `/messages/${roomId}`), 404);
  assertErrorBody(await call(webex, "DELETE", `/webhooks/${alice.id}`), 404);
  assertErrorBody(await call(webex, "GET", "/nowhere"), 404);
  assertErrorBody(await call(webex, "PATCH", "/rooms"), 405);
  assert.equal(webex.requestCount("UNKNOWN"), 1);
  assertErrorBody(
    await call(webex, "PUT", `/rooms/${roomId}`, { json: { isLocked: true } }),
    400,
  );
  const renamed = await call(webex, "PUT", `/rooms/${roomId}`, {
    json: { title: "Ops 2" },
  });
  assert.equal(renamed.body.title, "Ops 2");
});

Deno.test("FakeWebex paginates rooms with absolute next links and caps max", async () => {
  await using webex = await FakeWebex.start();
  for (let i = 0; i < 7; i++) webex.addRoom({ title: `Room ${i}` });
  const { pages, items } = await walk(webex, "/rooms?max=3");
  assert.equal(pages, 3);
  assert.equal(new Set(items.map((room) => room.id)).size, 7);
  const created = await walk(webex, "/rooms?max=2&sortBy=created");
  assert.deepEqual(
    created.items.map((room) => room.title),
    [6, 5, 4, 3, 2, 1, 0].map((i) => `Room ${i}`),
  );
  for (let i = 7; i < 1005; i++) webex.addRoom({ title: `Room ${i}` });
  const capped = await call(webex, "GET", "/rooms?max=5000");
  assert.equal(capped.body.items.length, 1000);
  assert.match(capped.headers.get("link") ?? "", /rel="next"/);
  const byDefault = await call(webex, "GET", "/rooms");
  assert.equal(byDefault.body.items.length, 100);
  assertErrorBody(await call(webex, "GET", "/rooms?max=0"), 400);
  assertErrorBody(await call(webex, "GET", "/rooms?sortBy=title"), 400);
});

Deno.test("FakeWebex pages stay stable when rooms are added or removed between pages", async () => {
  await using webex = await FakeWebex.start();
  const ids = Array.from(
    { length: 6 },
    (_, i) => webex.addRoom({ title: `Room ${i}` }).id as string,
  );
  const first = await call(webex, "GET", "/rooms?max=3&sortBy=created");
  const seen = first.body.items.map((room: { id: string }) => room.id);
  webex.addRoom({ title: "Late" });
  const removed = await call(webex, "DELETE", `/rooms/${seen[0]}`);
  assert.equal(removed.status, 204);
  const next = /<([^>]+)>/.exec(first.headers.get("link")!)![1];
  const rest = await walk(webex, next);
  assert.deepEqual(
    [...seen, ...rest.items.map((room) => room.id)],
    [...ids].reverse(),
  );
});

import assert from "node:assert/strict";
import {
  ApiError,
  ConfigurationError,
  Context,
  SpaceFactory,
  SparkSpace,
  WebexSpace,
} from "../mod.ts";
import { uuidOf } from "../spaces/webex/ids.ts";
import { webexFixture } from "./_webex.ts";

Deno.test("check names space.token and WEBEX_BOT_TOKEN when no token is set", () => {
  const space = new WebexSpace({
    context: new Context({ space: { room: "Ops" } }, { env: () => undefined }),
  });
  assert.throws(
    () => space.check(),
    (error: unknown) =>
      error instanceof ConfigurationError && error.key === "space.token" &&
      /space\.token/.test(error.message) &&
      /WEBEX_BOT_TOKEN/.test(error.message),
  );
  const noRoom = new WebexSpace({
    context: new Context({}, { env: () => undefined }),
    token: "t",
  });
  assert.throws(() => noRoom.check(), /space\.room/);
});

Deno.test("check reads settings, $NAME values and environment fallbacks", () => {
  const env: Record<string, string> = {
    CISCO_SPARK_BOT_TOKEN: "legacy-token",
    WEBEX_AUDIT_TOKEN: "audit-token",
    MY_SECRET: "test-secret-s3",
    WEBEX_API_URL: "http://127.0.0.1:9/v1",
  };
  const context = new Context(
    {
      space: {
        room: "Ops",
        webhook_secret: "$MY_SECRET",
        participants: "a@acme.com, b@acme.com",
      },
    },
    { env: (name) => env[name] },
  );
  const space = new WebexSpace({ context });
  space.check();
  assert.equal(context.get("space.token"), "legacy-token");
  assert.equal(context.get("space.audit_token"), "audit-token");
  assert.equal(context.get("space.webhook_secret"), "test-secret-s3");
  assert.equal(context.get("space.api_url"), "http://127.0.0.1:9/v1");
  assert.deepEqual(context.get("space.participants"), [
    "a@acme.com",
    "b@acme.com",
  ]);
  assert.equal(space.configuredTitle(), "Ops");

  env.WEBEX_BOT_TOKEN = "new-token";
  const preferred = new Context({ space: { room: "Ops" } }, {
    env: (name) => env[name],
  });
  new WebexSpace({ context: preferred }).check();
  assert.equal(preferred.get("space.token"), "new-token");
  assert.equal(preferred.get("space.api_url"), "http://127.0.0.1:9/v1");

  const defaults = new Context({ space: { room: "Ops", token: "t" } }, {
    env: () => undefined,
  });
  new WebexSpace({ context: defaults }).check();
  assert.equal(defaults.get("space.api_url"), "https://webexapis.com/v1");
});

Deno.test("the factory builds a WebexSpace for webex and spark", () => {
  for (const type of ["webex", "spark"]) {
    const space = SpaceFactory.build(
      new Context({ space: { type, room: "Ops", token: "t" } }),
    );
    assert.ok(space instanceof WebexSpace);
  }
  assert.equal(SparkSpace, WebexSpace);
});

Deno.test("connect reads the bot's identity", async () => {
  await using fixture = await webexFixture();
  const { space, webex } = fixture;
  assert.ok(space.isSameId(space.context.get("bot.id"), webex.bot.id));
  assert.equal(space.context.get("bot.name"), "Shelly");
  assert.equal(space.context.get("bot.address"), "shelly@webex.bot");
});

Deno.test("create, find, update and delete rooms", async () => {
  await using fixture = await webexFixture();
  const { space } = fixture;
  const created = await space.create("Incidents");
  assert.equal(created.title, "Incidents");
  assert.equal(created.isGroup, true);
  assert.equal((await space.getById(created.id))?.title, "Incidents");
  assert.equal((await space.getByTitle("Incidents"))?.id, created.id);
  assert.equal(await space.getByTitle("Incident"), undefined);
  await space.update({ ...created, title: "Incidents 2" });
  assert.equal((await space.getById(created.id))?.title, "Incidents 2");
  await space.delete(created.id);
  assert.equal(await space.getById(created.id), undefined);
  await assert.rejects(() => space.getById(""), TypeError);
  await assert.rejects(() => space.getByTitle(""), TypeError);
});

Deno.test("create puts a room in a team, by name or object", async () => {
  await using fixture = await webexFixture();
  const { space, webex } = fixture;
  const team = webex.addTeam({ name: "Platform" });
  const byName = await space.create("Alerts", { team: "Platform" });
  assert.equal(byName.teamId, team.id);
  assert.equal(byName.isTeam, true);
  const byObject = await space.create("Logs", {
    team: { id: String(team.id) },
  });
  assert.equal(byObject.teamId, team.id);
  assert.equal((await space.getTeam("Platform"))?.id, team.id);
  assert.equal(await space.getTeam("Nope"), undefined);
  const fresh = await space.create("New", { team: "Brand new team" });
  assert.ok(fresh.teamId);
  assert.equal((await space.getTeam("Brand new team"))?.id, fresh.teamId);
});

Deno.test("getByPerson finds the direct room by the person's name", async () => {
  await using fixture = await webexFixture();
  const { space, webex, alice } = fixture;
  webex.simulateMessage({
    from: alice,
    toPersonEmail: "shelly@webex.bot",
    text: "hi",
  });
  const direct = await space.getByPerson("Ali");
  assert.equal(direct?.isDirect, true);
  assert.equal(direct?.title, "Alice");
  assert.equal(await space.getByPerson("Bob"), undefined);
});

Deno.test("listGroupChannels honours quantity across pages", async () => {
  await using fixture = await webexFixture();
  const { space, webex } = fixture;
  for (let index = 0; index < 120; index++) {
    webex.addRoom({ title: `Room ${index}` });
  }
  webex.clearRequests();
  assert.equal((await space.listGroupChannels({ quantity: 3 })).length, 3);
  assert.equal(webex.requestCount("GET /rooms"), 1);
  assert.equal((await space.listGroupChannels()).length, 10);
  assert.equal((await space.listGroupChannels({ quantity: 500 })).length, 121);
});

Deno.test("participants: list without the bot, add (twice is fine), remove", async () => {
  await using fixture = await webexFixture();
  const { space, roomId } = fixture;
  assert.deepEqual(await space.listParticipants(roomId), ["alice@acme.com"]);
  await space.addParticipant(roomId, "bob@acme.com");
  await space.addParticipant(roomId, "bob@acme.com");
  assert.deepEqual((await space.listParticipants(roomId)).sort(), [
    "alice@acme.com",
    "bob@acme.com",
  ]);
  const report = await space.removeParticipants(roomId, [
    "alice@acme.com",
    "nobody@acme.com",
  ]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(await space.listParticipants(roomId), ["bob@acme.com"]);
  const added = await space.addParticipants(roomId, ["", "carol@acme.com"]);
  assert.deepEqual(added.failed.map((failure) => failure.person), [""]);
  await space.addParticipant(roomId, "dave@acme.com", true);
  const dave = fixture.webex.memberships(roomId).find((membership) =>
    membership.personEmail === "dave@acme.com"
  );
  assert.equal(dave?.isModerator, true);
});

Deno.test("walkMessages pages lazily, newest first, mentions only in group rooms", async () => {
  await using fixture = await webexFixture();
  const { space, webex, alice, roomId } = fixture;
  for (let index = 0; index < 120; index++) {
    webex.simulateMessage({
      from: alice,
      roomId,
      text: `m${index}`,
      mentions: index % 2 ? [webex.bot] : [],
    });
  }
  webex.clearRequests();
  const recent = await space.listMessages({ id: roomId, quantity: 3 });
  assert.equal(recent.length, 3);
  assert.match(recent[0].text, /m119$/);
  assert.ok(
    recent.every((message) =>
      message.mentionedIds.some((id) => space.isSameId(id, webex.bot.id))
    ),
  );
  assert.equal(webex.requestCount("GET /messages"), 1);
  const all = await space.listMessages({ id: roomId, quantity: 1000 });
  assert.equal(all.length, 60);
  assert.ok(webex.requestCount("GET /messages") >= 3);
  const stopped = await space.listMessages({
    id: roomId,
    stopId: recent[2].id,
  });
  assert.deepEqual(stopped.map((message) => message.id), [
    recent[0].id,
    recent[1].id,
  ]);

  webex.simulateMessage({
    from: alice,
    toPersonEmail: "shelly@webex.bot",
    text: "direct 1",
  });
  webex.simulateMessage({
    from: alice,
    toPersonEmail: "shelly@webex.bot",
    text: "direct 2",
  });
  const direct = await space.getByPerson("Alice");
  const directMessages = await space.listMessages({ id: direct!.id });
  assert.deepEqual(directMessages.map((message) => message.text), [
    "direct 2",
    "direct 1",
  ]);
  assert.equal(directMessages[0].isDirect, true);
  assert.equal(directMessages[0].fromLabel, "alice@acme.com");
});

Deno.test("postMessage posts text, markdown, and direct messages", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  const plain = await space.postMessage(roomId, "plain text");
  assert.equal(plain.text, "plain text");
  assert.equal(plain.channelId, roomId);
  const rich = await space.postMessage({
    id: roomId,
    text: "fallback",
    content: "**bold**",
  });
  assert.match(rich.content, /<strong>bold<\/strong>|bold/);
  const direct = await space.postMessage("bob@acme.com", "hello Bob");
  assert.equal(direct.isDirect, true);
  const posted = webex.postedByBot();
  assert.deepEqual(posted.map((message) => message.text), [
    "plain text",
    "fallback",
    "hello Bob",
  ]);
  assert.equal(posted[1].markdown, "**bold**");
  assert.equal((await space.getByPerson("Bob"))?.isDirect, true);
});

Deno.test("a text over 7439 bytes is refused before any request", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  webex.clearRequests();
  await assert.rejects(
    () => space.postMessage(roomId, "é".repeat(3720)),
    (error: unknown) =>
      error instanceof RangeError && /7439/.test(error.message),
  );
  await assert.rejects(
    () => space.postMessage({ id: roomId, content: "x".repeat(7440) }),
    RangeError,
  );
  assert.equal(webex.requestCount(), 0);
  await space.postMessage(roomId, "x".repeat(7439));
  assert.equal(webex.postedByBot().length, 1);
});

Deno.test("API errors carry the status and tracking id, never the token", async () => {
  await using fixture = await webexFixture();
  const { space, webex } = fixture;
  const error = await space.postMessage(
    "Y2lzY29zcGFyazovL3VzL1JPT00vbm9uZQ",
    "hi",
  ).catch((error) => error);
  assert.ok(error instanceof ApiError);
  assert.equal(error.status, 404);
  assert.ok(error.trackingId);
  for (
    const text of [
      error.message,
      String(error),
      JSON.stringify(error),
      error.stack ?? "",
    ]
  ) {
    assert.equal(text.includes(webex.bot.token), false);
  }
  assert.equal(
    fixture.logs.some((line) => line.includes(webex.bot.token)),
    false,
  );
});

Deno.test("isSameId compares Webex ids by uuid", async () => {
  await using fixture = await webexFixture();
  const { space, webex } = fixture;
  const unpadded = webex.bot.id.replace(/=+$/, "");
  assert.notEqual(unpadded, webex.bot.id);
  assert.equal(space.isSameId(unpadded, webex.bot.id), true);
  assert.equal(uuidOf(unpadded), uuidOf(webex.bot.id));
  assert.equal(space.isSameId(fixture.alice.id, webex.bot.id), false);
});

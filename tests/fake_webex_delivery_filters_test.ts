// FakeWebex webhook deliveries: filters, and who may hear what.
import assert from "node:assert/strict";
import { type FakePerson, FakeWebex, unpadded } from "../testing.ts";
import { uuidOf } from "./_fake_webex_calls.ts";
import { callAs, hook, Receiver } from "./_fake_webex_receiver.ts";

Deno.test("webhook filters select messages and memberships", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@acme.com", displayName: "Bob" });
  // A person owner sees every message of its rooms, so only filters decide.
  const audit = webex.addUser({
    email: "audit@acme.com",
    displayName: "Audit",
  });
  const ops = String(
    webex.addRoom({ title: "Ops", members: [alice, bob, audit] }).id,
  );
  const dev = String(
    webex.addRoom({ title: "Dev", members: [alice, bob, audit] }).id,
  );
  const filters: Record<string, string> = {
    room: `roomId=${ops}`,
    direct: "roomType=direct",
    group: "roomType=group",
    bob: `personId=${unpadded(bob.id)}`,
    alice: "personEmail=alice%40acme.com",
    mine: "mentionedPeople=me",
    both: `roomId=${unpadded(dev)}&personEmail=alice@acme.com`,
  };
  for (const [name, filter] of Object.entries(filters)) {
    await hook(webex, audit, {
      name,
      filter,
      targetUrl: receiver.url,
      resource: "messages",
      event: "created",
    });
  }
  const say = (from: FakePerson, where: Record<string, string>, text: string) =>
    webex.simulateMessage({
      from,
      ...where,
      text,
      mentions: text === "hey audit" ? [audit] : [],
    });
  say(alice, { roomId: ops }, "a-ops");
  say(bob, { roomId: dev }, "b-dev");
  say(alice, { roomId: dev }, "a-dev");
  say(bob, { toPersonEmail: "audit@acme.com" }, "b-direct");
  say(alice, { roomId: dev }, "hey audit");
  await webex.settled();
  const texts = new Map(webex.messages().map((m) => [m.id, m.text]));
  const got = (name: string) =>
    receiver.of(name).map((item) => texts.get(item.json.data.id));
  assert.deepEqual(got("room"), ["a-ops"]);
  assert.deepEqual(got("direct"), ["b-direct"]);
  assert.deepEqual(got("group"), [
    "a-ops",
    "b-dev",
    "a-dev",
    "Audit hey audit",
  ]);
  assert.deepEqual(got("bob"), ["b-dev", "b-direct"]);
  assert.deepEqual(got("alice"), ["a-ops", "a-dev", "Audit hey audit"]);
  assert.deepEqual(got("mine"), ["Audit hey audit"]);
  assert.deepEqual(got("both"), ["a-dev", "Audit hey audit"]);

  receiver.received.length = 0;
  const carol = webex.addUser({ email: "carol@acme.com" });
  const memberFilters: Record<string, string> = {
    "m-room": `roomId=${dev}`,
    "m-person": `personId=${carol.id}`,
    "m-email": "personEmail=dave@acme.com",
  };
  for (const [name, filter] of Object.entries(memberFilters)) {
    await hook(webex, audit, {
      name,
      filter,
      targetUrl: receiver.url,
      resource: "memberships",
      event: "all",
    });
  }
  webex.simulateJoin({ person: "carol@acme.com", roomId: ops });
  webex.simulateJoin({ person: "dave@acme.com", roomId: dev });
  webex.simulateLeave({ person: "carol@acme.com", roomId: ops });
  webex.simulateJoin({ person: "carol@acme.com", roomId: dev });
  await webex.settled();
  const joins = (name: string) =>
    receiver.of(name).map((item) =>
      `${item.json.event} ${item.json.data.personEmail} ${
        item.json.data.roomId === ops ? "ops" : "dev"
      }`
    );
  assert.deepEqual(joins("m-room"), [
    "created dave@acme.com dev",
    "created carol@acme.com dev",
  ]);
  assert.deepEqual(joins("m-person"), [
    "created carol@acme.com ops",
    "deleted carol@acme.com ops",
    "created carol@acme.com dev",
  ]);
  assert.deepEqual(joins("m-email"), ["created dave@acme.com dev"]);
});

Deno.test("a bot's webhook hears only what it may see; a person's hears all", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const audit = webex.addUser({
    email: "audit@acme.com",
    displayName: "Audit",
  });
  const ops = String(
    webex.addRoom({ title: "Ops", members: [alice, audit] }).id,
  );
  const hidden = String(
    webex.addRoom({
      title: "Hidden",
      members: [alice, audit],
      botIsMember: false,
    }).id,
  );
  for (const owner of [webex.bot, audit]) {
    await hook(webex, owner, {
      name: owner.type,
      targetUrl: receiver.url,
      resource: "messages",
      event: "created",
    });
  }
  webex.simulateMessage({ from: alice, roomId: ops, text: "no mention" });
  webex.simulateMessage({
    from: alice,
    roomId: ops,
    text: "ping",
    mentions: [webex.bot],
  });
  webex.simulateMessage({
    from: alice,
    roomId: hidden,
    text: "secret",
    mentions: [webex.bot],
  });
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "direct",
  });
  const own = await callAs(webex, webex.bot.token, "POST", "/messages", {
    roomId: ops,
    text: "pong",
  });
  assert.equal(own.status, 200);
  await webex.settled();
  const texts = new Map(webex.messages().map((m) => [m.id, m.text]));
  const got = (name: string) =>
    receiver.of(name).map((item) => texts.get(item.json.data.id));
  assert.deepEqual(got("bot"), ["Shelly ping", "direct", "pong"]);
  assert.deepEqual(got("person"), [
    "no mention",
    "Shelly ping",
    "Shelly secret",
    "pong",
  ]);
  const pong = receiver.of("bot").at(-1)!.json;
  assert.equal(pong.actorId, unpadded(webex.bot.id));
  assert.equal(uuidOf(pong.data.personId), uuidOf(webex.bot.id));
});

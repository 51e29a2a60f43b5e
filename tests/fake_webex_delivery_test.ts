// FakeWebex webhook deliveries: signed payloads of messages and membership changes.
import assert from "node:assert/strict";
import { verifySignature } from "../spaces/webex/signature.ts";
import { FakeWebex, unpadded } from "../testing.ts";
import { callAs, hook, Receiver } from "./_fake_webex_receiver.ts";

Deno.test("a signed delivery verifies over the raw bytes and carries ids only", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  // Non-ASCII in the body: a signature over re-serialised JSON would differ.
  const created = await hook(webex, webex.bot, {
    name: "Bot hook ✓ für Ünïcode",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
    secret: "s3cr3t",
  });
  const plain = await hook(webex, webex.bot, {
    name: "unsigned",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  const message = webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "report attached",
    mentions: [webex.bot],
    file: { name: "r.txt", bytes: new TextEncoder().encode("ok") },
  });
  await webex.settled();

  const [signed] = receiver.of(created.name);
  assert.equal(signed.headers.get("content-type"), "application/json");
  const signature = signed.headers.get("x-spark-signature");
  assert.equal(await verifySignature(signed.raw, signature, "s3cr3t"), true);
  assert.equal(await verifySignature(signed.raw, signature, "other"), false);
  const { data, ...fields } = signed.json;
  assert.deepEqual(fields, {
    id: created.id,
    name: created.name,
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
    orgId: created.orgId,
    createdBy: created.createdBy,
    appId: created.appId,
    ownedBy: "creator",
    status: "active",
    created: created.created,
    actorId: unpadded(alice.id),
  });
  assert.deepEqual(data, {
    id: message.id,
    roomId: room.id,
    roomType: "group",
    personId: unpadded(alice.id),
    personEmail: "alice@acme.com",
    mentionedPeople: [unpadded(webex.bot.id)],
    files: message.files,
    created: message.created,
  });
  const [unsigned] = receiver.of(plain.name);
  assert.equal(unsigned.headers.get("x-spark-signature"), null);
  assert.equal(unsigned.json.data.id, message.id);
  assert.equal(webex.deliveryCount(), 2);
  assert.equal(webex.deliveryCount(created.id), 1);
  const logged = webex.deliveries.find((d) => d.webhookId === created.id)!;
  assert.equal(logged.ok, true);
  assert.equal(logged.status, 200);
  assert.equal(logged.signature, signature);
  assert.deepEqual(new TextEncoder().encode(logged.body), signed.raw);
});

Deno.test("membership changes by API, room creation and simulated joins are delivered", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@acme.com", displayName: "Bob" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const roomId = String(room.id);
  await hook(webex, webex.bot, {
    name: "all",
    targetUrl: receiver.url,
    resource: "memberships",
    event: "all",
  });
  await hook(webex, webex.bot, {
    name: "joins",
    targetUrl: receiver.url,
    resource: "memberships",
    event: "created",
  });

  const added = await callAs(webex, alice.token, "POST", "/memberships", {
    roomId,
    personId: bob.id,
  });
  assert.equal(added.status, 200);
  const removed = await callAs(
    webex,
    alice.token,
    "DELETE",
    `/memberships/${added.body.id}`,
  );
  assert.equal(removed.status, 204);
  webex.simulateJoin({ person: "carol@acme.com", roomId });
  webex.simulateLeave({ person: "carol@acme.com", roomId, by: alice });
  await webex.settled();

  const all = receiver.of("all").map((item) => item.json);
  assert.deepEqual(
    all.map((item) => [item.event, item.data.personEmail, item.actorId]),
    [
      ["created", "bob@acme.com", unpadded(alice.id)],
      ["deleted", "bob@acme.com", unpadded(alice.id)],
      [
        "created",
        "carol@acme.com",
        unpadded(webex.findPerson("carol@acme.com")!.id),
      ],
      ["deleted", "carol@acme.com", unpadded(alice.id)],
    ],
  );
  assert.equal(all.every((item) => item.event !== "all"), true);
  assert.deepEqual(all[0].data, added.body);
  for (
    const key of [
      "id",
      "roomId",
      "personId",
      "personEmail",
      "personDisplayName",
      "isModerator",
      "isMonitor",
      "created",
    ]
  ) assert.ok(key in all[0].data, key);
  assert.deepEqual(
    receiver.of("joins").map((item) => item.json.data.personEmail),
    ["bob@acme.com", "carol@acme.com"],
  );

  // A new room tells the bot of each member it adds; deleting the room
  // tells of each removal, the bot's own included.
  receiver.received.length = 0;
  const other = webex.addRoom({ title: "Deck", members: [alice, bob] });
  const deleted = await callAs(
    webex,
    webex.bot.token,
    "DELETE",
    `/rooms/${other.id}`,
  );
  assert.equal(deleted.status, 204);
  await webex.settled();
  assert.deepEqual(
    receiver.of("all").map((
      item,
    ) => [item.json.event, item.json.data.personEmail]),
    [
      ["created", webex.bot.emails[0]],
      ["created", "alice@acme.com"],
      ["created", "bob@acme.com"],
      ["deleted", webex.bot.emails[0]],
      ["deleted", "alice@acme.com"],
      ["deleted", "bob@acme.com"],
    ],
  );
  assert.equal(
    receiver.of("all").every((item) => item.json.data.roomId === other.id),
    true,
  );

  // The bot hears its own removal, and nothing of the room afterwards.
  receiver.received.length = 0;
  webex.simulateLeave({ person: webex.bot, roomId, by: alice });
  webex.simulateJoin({ person: "dave@acme.com", roomId, by: alice });
  await webex.settled();
  assert.deepEqual(
    receiver.of("all").map((
      item,
    ) => [item.json.event, item.json.data.personEmail]),
    [["deleted", webex.bot.emails[0]]],
  );
  assert.throws(
    () => webex.simulateLeave({ person: bob, roomId }),
    /Cannot simulate a leave: Bob is not a member/,
  );
  assert.throws(
    () => webex.simulateJoin({ person: alice, roomId }),
    /Cannot simulate a join: .*already a participant/,
  );
});

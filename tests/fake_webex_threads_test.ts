// FakeWebex threads: parentId on posts and simulated messages, one level deep, one room.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";
import { hook, Receiver } from "./_fake_webex_receiver.ts";

Deno.test("FakeWebex keeps replies in threads: parentId on post, get, lists and the parentId filter", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const parent = webex.simulateMessage({
    from: alice,
    roomId,
    text: "deploy?",
    mentions: [webex.bot],
  });
  const reply = await call(webex, "POST", "/messages", {
    json: { roomId, parentId: parent.id, text: "on it" },
  });
  assert.equal(reply.status, 200);
  assert.equal(reply.body.parentId, parent.id);
  const got = await call(webex, "GET", `/messages/${reply.body.id}`);
  assert.equal(got.body.parentId, parent.id);
  const simulated = webex.simulateMessage({
    from: alice,
    roomId,
    parentId: parent.id,
    text: "thanks",
    mentions: [webex.bot],
  });
  assert.equal(simulated.parentId, parent.id);
  webex.simulateMessage({ from: alice, roomId, text: "unrelated" });
  const thread = await call(
    webex,
    "GET",
    `/messages?roomId=${roomId}&parentId=${parent.id}`,
    { token: alice.token },
  );
  assert.deepEqual(
    thread.body.items.map((item: { text: string }) => item.text),
    ["Shelly thanks", "on it"],
  );
  assert.equal(
    (await call(webex, "GET", `/messages/${parent.id}`)).body.parentId,
    undefined,
  );
});

Deno.test("FakeWebex refuses a reply to a reply, a parent in another room and an unknown parent", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const other = webex.addRoom({ title: "Other", members: [alice] });
  const parent = await call(webex, "POST", "/messages", {
    json: { roomId, text: "root" },
  });
  const reply = await call(webex, "POST", "/messages", {
    json: { roomId, parentId: parent.body.id, text: "reply" },
  });
  const nested = await call(webex, "POST", "/messages", {
    json: { roomId, parentId: reply.body.id, text: "nested" },
  });
  assertErrorBody(nested, 400);
  assert.match(nested.body.message, /one level/);
  const elsewhere = await call(webex, "POST", "/messages", {
    json: { roomId: other.id, parentId: parent.body.id, text: "elsewhere" },
  });
  assertErrorBody(elsewhere, 400);
  assert.match(elsewhere.body.message, /another room/);
  const unknown = await call(webex, "POST", "/messages", {
    json: { roomId, parentId: reply.body.id.slice(0, -4) + "AAAA", text: "?" },
  });
  assertErrorBody(unknown, 400);
  assert.equal(
    (await call(webex, "DELETE", `/messages/${parent.body.id}`)).status,
    204,
  );
  const deletedParent = await call(webex, "POST", "/messages", {
    json: { roomId, parentId: parent.body.id, text: "late" },
  });
  assertErrorBody(deletedParent, 400);
  assert.deepEqual(webex.messages(roomId).map((m) => m.text), ["reply"]);
  assert.deepEqual(webex.messages(other.id), []);
  assert.throws(
    () =>
      webex.simulateMessage({
        from: alice,
        roomId,
        parentId: reply.body.id,
        text: "nested",
      }),
    /Cannot simulate a message: .*one level/,
  );
});

Deno.test("a delivery of a reply names its parent", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@example.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  await hook(webex, webex.bot, {
    name: "bot",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  const parent = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "q",
    mentions: [webex.bot],
  });
  const reply = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    parentId: parent.id,
    text: "more",
    mentions: [webex.bot],
  });
  await webex.settled();
  assert.deepEqual(
    receiver.received.map((
      item,
    ) => [item.json.data.id, item.json.data.parentId]),
    [[parent.id, undefined], [reply.id, parent.id]],
  );
});

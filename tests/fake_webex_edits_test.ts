// FakeWebex edits and deletes: PUT and DELETE /messages/{id}, their rules and their deliveries.
import assert from "node:assert/strict";
import { FakeWebex, unpadded } from "../testing.ts";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";
import { hook, Receiver } from "./_fake_webex_receiver.ts";

Deno.test("FakeWebex edits a message with PUT: same room, same kind of content, updated set", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, text: "draft" },
  });
  const id = posted.body.id;
  const edited = await call(webex, "PUT", `/messages/${id}`, {
    json: { roomId, text: "final" },
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.body.text, "final");
  assert.equal(edited.body.id, id);
  assert.equal(edited.body.created, posted.body.created);
  assert.ok(Date.parse(edited.body.updated) > Date.parse(posted.body.created));
  assert.equal(
    (await call(webex, "GET", `/messages/${id}`)).body.text,
    "final",
  );
  assert.equal(posted.body.updated, undefined);
  // The usual pattern: GET, change, PUT back without html.
  const md = await call(webex, "POST", "/messages", {
    json: { roomId, markdown: "**old**" },
  });
  const { html: _html, ...back } = md.body;
  const mdEdited = await call(webex, "PUT", `/messages/${md.body.id}`, {
    json: { ...back, markdown: "**new**" },
  });
  assert.equal(mdEdited.status, 200);
  assert.equal(mdEdited.body.html, "<p><strong>new</strong></p>");
  // A `text` sent along is the fallback as given, as on POST.
  assert.equal(mdEdited.body.text, "old");
  const mdOnly = await call(webex, "PUT", `/messages/${md.body.id}`, {
    json: { roomId, markdown: "*newer*" },
  });
  assert.equal(mdOnly.body.text, "newer");
  assertErrorBody(
    await call(webex, "PUT", `/messages/${md.body.id}`, {
      json: { ...md.body, markdown: "x" },
    }),
    400,
  );
});

Deno.test("FakeWebex refuses the edits Webex refuses", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const other = webex.addRoom({ title: "Other", members: [alice] });
  const text = (await call(webex, "POST", "/messages", {
    json: { roomId, text: "t" },
  })).body;
  const md = (await call(webex, "POST", "/messages", {
    json: { roomId, markdown: "m" },
  })).body;
  const withFile = webex.simulateMessage({
    from: webex.bot,
    roomId,
    text: "f",
    file: { name: "a.pdf", bytes: new Uint8Array(1) },
  });
  const put = (id: string, json: unknown, token?: string) =>
    call(webex, "PUT", `/messages/${id}`, { json, token });
  const refused: [Promise<Awaited<ReturnType<typeof put>>>, number, RegExp][] =
    [
      [put(text.id, { text: "x" }), 400, /roomId/],
      [put(text.id, { roomId: other.id, text: "x" }), 400, /cannot move/],
      [put(text.id, { roomId }), 400, /text or markdown/],
      [put(text.id, { roomId, markdown: "x" }), 400, /same kind/],
      [put(md.id, { roomId, text: "x" }), 400, /same kind/],
      [put(withFile.id, { roomId, text: "x" }), 400, /not supported/],
      [put(text.id, { roomId, text: "é".repeat(4000) }), 400, /7439/],
      [put(text.id, { roomId, text: "x" }, alice.token), 403, /author/],
    ];
  for (const [answer, status, message] of refused) {
    const awaited = await answer;
    assertErrorBody(awaited, status);
    assert.match(awaited.body.message, message);
  }
  for (let i = 1; i <= 10; i++) {
    assert.equal((await put(text.id, { roomId, text: `v${i}` })).status, 200);
  }
  const eleventh = await put(text.id, { roomId, text: "v11" });
  assertErrorBody(eleventh, 400);
  assert.match(eleventh.body.message, /10 edits/);
  assert.equal(webex.messages(roomId)[0].text, "v10");
});

Deno.test("FakeWebex deletes a message for its author or a moderator, and hides it after", async () => {
  const { webex, alice, bob, roomId } = await setup();
  await using _ = webex;
  const board = webex.addRoom({
    title: "Board",
    members: [alice],
    moderators: [bob],
  });
  const mine = webex.simulateMessage({ from: alice, roomId, text: "mine" });
  assertErrorBody(await call(webex, "DELETE", `/messages/${mine.id}`), 403);
  assert.equal(
    (await call(webex, "DELETE", `/messages/${mine.id}`, {
      token: alice.token,
    })).status,
    204,
  );
  assertErrorBody(await call(webex, "GET", `/messages/${mine.id}`), 404);
  assertErrorBody(
    await call(webex, "DELETE", `/messages/${mine.id}`, { token: alice.token }),
    404,
  );
  const moderated = webex.simulateMessage({
    from: alice,
    roomId: board.id,
    text: "x",
  });
  assert.equal(
    (await call(webex, "DELETE", `/messages/${moderated.id}`, {
      token: bob.token,
    })).status,
    204,
  );
  const gone = webex.simulateMessage({ from: alice, roomId, text: "gone" });
  const returned = webex.simulateDelete({ messageId: gone.id });
  assert.equal(returned.text, "gone");
  assert.throws(
    () => webex.simulateDelete({ messageId: gone.id }),
    /Cannot simulate a delete/,
  );
  const kept = webex.simulateMessage({ from: alice, roomId, text: "kept" });
  assert.throws(
    () => webex.simulateDelete({ from: bob, messageId: kept.id }),
    /Cannot simulate a delete: Only the author/,
  );
  assert.deepEqual(webex.messages(roomId).map((m) => m.text), ["kept"]);
});

Deno.test("edits and deletes are delivered as messages/updated and messages/deleted, ids only", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@example.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  await hook(webex, webex.bot, {
    name: "all messages",
    targetUrl: receiver.url,
    resource: "messages",
    event: "all",
  });
  const sent = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "pnig",
    mentions: [webex.bot],
  });
  const edited = webex.simulateEdit({
    from: alice,
    messageId: sent.id,
    text: "ping",
  });
  // The mention a Webex client put first stays first.
  assert.equal(edited.text, "Shelly ping");
  assert.match(
    edited.html!,
    /^<p><spark-mention [^>]+>Shelly<\/spark-mention> ping<\/p>$/,
  );
  assert.deepEqual(edited.mentionedPeople, [unpadded(webex.bot.id)]);
  webex.simulateDelete({ messageId: sent.id });
  // Not mentioned, not the bot's: a bot in a group room hears none of these.
  const quiet = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "q",
  });
  webex.simulateEdit({ from: alice, messageId: quiet.id, text: "quiet" });
  webex.simulateDelete({ messageId: quiet.id });
  await webex.settled();
  assert.deepEqual(
    receiver.received.map((item) => item.json.event),
    ["created", "updated", "deleted"],
  );
  const [, updated, deleted] = receiver.received.map((item) => item.json);
  assert.deepEqual(updated.data, {
    id: sent.id,
    roomId: room.id,
    roomType: "group",
    personId: unpadded(alice.id),
    personEmail: "alice@example.com",
    mentionedPeople: [unpadded(webex.bot.id)],
    created: sent.created,
    updated: edited.updated,
  });
  assert.equal(updated.data.text, undefined);
  assert.deepEqual(
    [deleted.resource, deleted.data.id, deleted.data.roomId, deleted.actorId],
    ["messages", sent.id, room.id, unpadded(alice.id)],
  );
  assert.equal(deleted.data.personId, unpadded(alice.id));
  assert.throws(
    () => webex.simulateEdit({ from: alice, messageId: quiet.id, text: "x" }),
    /Cannot simulate an edit/,
  );
});

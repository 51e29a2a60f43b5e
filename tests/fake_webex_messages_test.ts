// FakeWebex messages: listing, destinations, limits, direct rooms, mentions.
import assert from "node:assert/strict";
import {
  assertErrorBody,
  call,
  setup,
  uuidOf,
  walk,
} from "./_fake_webex_calls.ts";

Deno.test("FakeWebex lists messages newest first, paged with beforeMessage, mentions capped at 100", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  for (let i = 0; i < 120; i++) {
    webex.simulateMessage({
      from: alice,
      roomId,
      text: `m${i}`,
      mentions: i % 12 === 11 ? [] : [webex.bot],
    });
  }
  const capped = await call(
    webex,
    "GET",
    `/messages?roomId=${roomId}&mentionedPeople=me&max=500`,
  );
  assert.equal(capped.body.items.length, 100);
  assert.match(capped.headers.get("link") ?? "", /rel="next"/);
  assert.equal(capped.body.items[0].text, "Shelly m118");
  const first = await call(webex, "GET", `/messages?roomId=${roomId}&max=50`, {
    token: alice.token,
  });
  assert.equal(first.body.items.length, 50);
  assert.equal(first.body.items[0].text, "m119");
  const link = /<([^>]+)>/.exec(first.headers.get("link")!)![1];
  assert.equal(
    new URL(link).searchParams.get("beforeMessage"),
    first.body.items[49].id,
  );
  webex.simulateMessage({ from: alice, roomId, text: "late" });
  const all = await walk(webex, link, alice.token);
  assert.equal(all.pages, 2);
  const texts = [...first.body.items, ...all.items].map((message) =>
    message.text.replace("Shelly ", "")
  );
  assert.deepEqual(texts, Array.from({ length: 120 }, (_, i) => `m${119 - i}`));
  const withDefault = await call(webex, "GET", `/messages?roomId=${roomId}`, {
    token: alice.token,
  });
  assert.equal(withDefault.body.items.length, 50);
  const mentions = await walk(
    webex,
    `/messages?roomId=${roomId}&mentionedPeople=me&max=40`,
  );
  assert.equal(mentions.items.length, 110);
  assert.ok(
    mentions.items.every((message) => message.mentionedPeople.length === 1),
  );
});

Deno.test("FakeWebex refuses a bot's group listing without mentionedPeople, and a listing without roomId", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  assertErrorBody(await call(webex, "GET", `/messages?roomId=${roomId}`), 403);
  assertErrorBody(await call(webex, "GET", "/messages"), 400);
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "direct",
  });
  const direct = await call(webex, "GET", "/rooms?type=direct");
  const listed = await call(
    webex,
    "GET",
    `/messages?roomId=${direct.body.items[0].id}`,
  );
  assert.deepEqual(
    listed.body.items.map((message: { text: string }) => message.text),
    ["direct"],
  );
});

Deno.test("FakeWebex checks message destinations and sizes", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const both = await call(webex, "POST", "/messages", {
    json: { roomId, toPersonEmail: alice.emails[0], text: "x" },
  });
  assertErrorBody(both, 400);
  assert.match(
    both.body.message,
    /^Message destination could not be determined/,
  );
  assertErrorBody(
    await call(webex, "POST", "/messages", { json: { text: "x" } }),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/messages", { json: { roomId } }),
    400,
  );
  const longest = "€".repeat(2479); // 7437 bytes
  assert.equal(
    (await call(webex, "POST", "/messages", {
      json: { roomId, text: longest },
    })).status,
    200,
  );
  assertErrorBody(
    await call(webex, "POST", "/messages", {
      json: { roomId, text: `${longest}€` },
    }),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/messages", {
      json: { roomId, markdown: "x".repeat(7440) },
    }),
    400,
  );
  assert.equal(webex.postedByBot().length, 1);
});

Deno.test("FakeWebex makes a direct room on the first message to a person and reuses it", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  const first = await call(webex, "POST", "/messages", {
    json: { toPersonEmail: "alice@example.com", text: "one" },
  });
  assert.equal(first.status, 200);
  assert.equal(first.body.roomType, "direct");
  assert.equal(first.body.toPersonEmail, "alice@example.com");
  const second = await call(webex, "POST", "/messages", {
    json: { toPersonId: alice.id, text: "two" },
  });
  assert.equal(second.body.roomId, first.body.roomId);
  const reply = webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "three",
  });
  assert.equal(reply.roomId, first.body.roomId);
  const asBot = await call(webex, "GET", `/rooms/${first.body.roomId}`);
  const asAlice = await call(webex, "GET", `/rooms/${first.body.roomId}`, {
    token: alice.token,
  });
  assert.deepEqual([asBot.body.type, asBot.body.title, asAlice.body.title], [
    "direct",
    "Alice",
    "Shelly",
  ]);
  const rooms = await call(webex, "GET", "/rooms?type=direct");
  assert.equal(rooms.body.items.length, 1);
  assertErrorBody(
    await call(webex, "POST", "/messages", {
      json: { toPersonEmail: "nobody@example.com", text: "x" },
    }),
    404,
  );
});

Deno.test("FakeWebex renders mentions and markdown, and updates lastActivity", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const other = webex.addRoom({ title: "Other", members: [alice] });
  const message = webex.simulateMessage({
    from: alice,
    roomId,
    text: "deploy <now>",
    mentions: [webex.bot],
  });
  assert.equal(message.text, "Shelly deploy <now>");
  assert.deepEqual(message.mentionedPeople, [webex.bot.id.replace(/=+$/, "")]);
  assert.match(
    message.html as string,
    /^<p><spark-mention data-object-type="person" data-object-id="[^"]+">Shelly<\/spark-mention> deploy &lt;now&gt;<\/p>$/,
  );
  const posted = await call(webex, "POST", "/messages", {
    json: {
      roomId,
      markdown: "<@personEmail:alice@example.com|Alice> **bold** and `code`",
    },
  });
  assert.equal(posted.body.text, "Alice bold and code");
  assert.match(
    posted.body.html,
    /<strong>bold<\/strong> and <code>code<\/code>/,
  );
  assert.equal(uuidOf(posted.body.mentionedPeople[0]), uuidOf(alice.id));
  const sorted = await call(webex, "GET", "/rooms?sortBy=lastactivity");
  assert.deepEqual(
    sorted.body.items.map((room: { title: string }) => room.title),
    ["Ops", "Other"],
  );
  webex.simulateMessage({
    from: alice,
    roomId: other.id as string,
    text: "later",
  });
  const resorted = await call(webex, "GET", "/rooms?sortBy=lastactivity");
  assert.equal(resorted.body.items[0].title, "Other");
  assert.equal(
    resorted.body.items[0].lastActivity,
    webex.messages(other.id as string)[0].created,
  );
  const got = await call(webex, "GET", `/messages/${posted.body.id}`);
  assert.equal(got.body.markdown, posted.body.markdown);
  assertErrorBody(await call(webex, "DELETE", `/messages/${message.id}`), 403);
  assert.equal(
    (await call(webex, "DELETE", `/messages/${posted.body.id}`)).status,
    204,
  );
  assertErrorBody(await call(webex, "GET", `/messages/${posted.body.id}`), 404);
});

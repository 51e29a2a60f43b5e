// FakeWebex cards: Adaptive Cards in `attachments`, as Webex takes and refuses them.
import assert from "node:assert/strict";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";

const CARD_TYPE = "application/vnd.microsoft.card.adaptive";
const card = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [{ type: "Input.Text", id: "name", label: "Name" }],
  actions: [{ type: "Action.Submit", title: "Send" }],
};

Deno.test("FakeWebex stores a card posted in attachments and returns it on get and in lists", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const posted = await call(webex, "POST", "/messages", {
    json: {
      roomId,
      text: "Your client cannot show cards",
      attachments: [{ contentType: CARD_TYPE, content: card }],
    },
  });
  assert.equal(posted.status, 200);
  assert.deepEqual(posted.body.attachments, [
    { contentType: CARD_TYPE, content: card },
  ]);
  assert.equal(posted.body.text, "Your client cannot show cards");
  const got = await call(webex, "GET", `/messages/${posted.body.id}`);
  assert.deepEqual(got.body.attachments, posted.body.attachments);
  const listed = await call(webex, "GET", `/messages?roomId=${roomId}`, {
    token: alice.token,
  });
  assert.deepEqual(listed.body.items[0].attachments, posted.body.attachments);
  assert.deepEqual(webex.postedByBot()[0].attachments, posted.body.attachments);
  // What the test gets back is a copy: changing it changes nothing stored.
  got.body.attachments[0].content.version = "9";
  webex.messages(roomId)[0].attachments![0].content.version = "8";
  assert.equal(
    webex.messages(roomId)[0].attachments![0].content.version,
    "1.3",
  );
});

Deno.test("FakeWebex takes a card with markdown, or alone", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const withMarkdown = await call(webex, "POST", "/messages", {
    json: {
      roomId,
      markdown: "**fallback**",
      attachments: [{ contentType: CARD_TYPE, content: card }],
    },
  });
  assert.equal(withMarkdown.status, 200);
  assert.equal(withMarkdown.body.html, "<p><strong>fallback</strong></p>");
  const alone = await call(webex, "POST", "/messages", {
    json: { roomId, attachments: [{ contentType: CARD_TYPE, content: card }] },
  });
  assert.equal(alone.status, 200);
  assert.equal(alone.body.text, undefined);
  assert.equal(alone.body.attachments.length, 1);
});

Deno.test("FakeWebex refuses what Webex refuses in attachments, and posts nothing", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const attachment = { contentType: CARD_TYPE, content: card };
  const refused = [
    { roomId, text: "two", attachments: [attachment, attachment] },
    {
      roomId,
      text: "not a card",
      attachments: [{ contentType: "text/plain", content: card }],
    },
    {
      roomId,
      text: "no version",
      attachments: [{
        contentType: CARD_TYPE,
        content: { type: "AdaptiveCard" },
      }],
    },
    {
      roomId,
      text: "not a card type",
      attachments: [{
        contentType: CARD_TYPE,
        content: { ...card, type: "X" },
      }],
    },
    { roomId, text: "no content", attachments: [{ contentType: CARD_TYPE }] },
    { roomId, text: "not an array", attachments: attachment },
    { roomId, text: "not objects", attachments: ["card"] },
    {
      roomId,
      text: "card and file",
      files: ["https://example.com/a.pdf"],
      attachments: [attachment],
    },
  ];
  for (const json of refused) {
    const answer = await call(webex, "POST", "/messages", { json });
    assertErrorBody(answer, 400);
  }
  assert.equal(webex.messages(roomId).length, 0);
  const empty = await call(webex, "POST", "/messages", {
    json: { roomId, attachments: [] },
  });
  assertErrorBody(empty, 400);
});

Deno.test("FakeWebex simulateMessage takes a card and checks it as the API does", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const message = webex.simulateMessage({
    from: alice,
    roomId,
    text: "a card",
    mentions: [webex.bot],
    attachments: [{ contentType: CARD_TYPE, content: card }],
  });
  assert.deepEqual(message.attachments, [
    { contentType: CARD_TYPE, content: card },
  ]);
  const got = await call(webex, "GET", `/messages/${message.id}`);
  assert.deepEqual(got.body.attachments, message.attachments);
  assert.throws(
    () =>
      webex.simulateMessage({
        from: alice,
        roomId,
        text: "bad",
        attachments: [{
          contentType: CARD_TYPE,
          content: { type: "AdaptiveCard" },
        }],
      }),
    /Cannot simulate a message: .*Adaptive Card/,
  );
});

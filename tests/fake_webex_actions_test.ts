// FakeWebex attachment actions: submitted cards, read back, and delivered to webhooks.
import assert from "node:assert/strict";
import { FakeWebex, unpadded } from "../testing.ts";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";
import { hook, Receiver } from "./_fake_webex_receiver.ts";

const card = {
  contentType: "application/vnd.microsoft.card.adaptive" as const,
  content: {
    type: "AdaptiveCard",
    version: "1.3",
    body: [{ type: "Input.Text", id: "name" }],
    actions: [{ type: "Action.Submit", title: "Send" }],
  },
};

async function postCard(webex: FakeWebex, roomId: string): Promise<string> {
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, text: "Your name?", attachments: [card] },
  });
  assert.equal(posted.status, 200);
  return posted.body.id;
}

Deno.test("FakeWebex takes POST /attachment/actions and serves GET /attachment/actions/{id}", async () => {
  const { webex, alice, bob, roomId } = await setup();
  await using _ = webex;
  const messageId = await postCard(webex, roomId);
  const submitted = await call(webex, "POST", "/attachment/actions", {
    token: alice.token,
    json: { type: "submit", messageId, inputs: { name: "Alice" } },
  });
  assert.equal(submitted.status, 202);
  const action = submitted.body;
  assert.deepEqual(Object.keys(action).sort(), [
    "created",
    "id",
    "inputs",
    "messageId",
    "personId",
    "roomId",
    "type",
  ]);
  assert.deepEqual(
    [action.type, action.messageId, action.roomId, action.inputs],
    ["submit", messageId, roomId, { name: "Alice" }],
  );
  assert.equal(action.personId, unpadded(alice.id));
  const byBot = await call(webex, "GET", `/attachment/actions/${action.id}`);
  assert.equal(byBot.status, 200);
  assert.deepEqual(byBot.body, action);
  const bySubmitter = await call(
    webex,
    "GET",
    `/attachment/actions/${action.id}`,
    { token: alice.token },
  );
  assert.deepEqual(bySubmitter.body, action);
  // Neither the card's author nor the submitter: not found.
  assertErrorBody(
    await call(webex, "GET", `/attachment/actions/${action.id}`, {
      token: bob.token,
    }),
    404,
  );
  assertErrorBody(
    await call(webex, "GET", "/attachment/actions/nope"),
    404,
  );
  assert.equal(webex.requestCount("POST /attachment/actions"), 1);
  assert.equal(webex.requestCount("GET /attachment/actions/{id}"), 4);
});

Deno.test("FakeWebex refuses a submit that Webex refuses", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const messageId = await postCard(webex, roomId);
  const plain = webex.simulateMessage({ from: alice, roomId, text: "plain" });
  const outsider = webex.addUser({ email: "eve@example.com" });
  const submit = (token: string, json: unknown) =>
    call(webex, "POST", "/attachment/actions", { token, json });
  assertErrorBody(
    await submit(alice.token, { type: "click", messageId, inputs: {} }),
    400,
  );
  assertErrorBody(
    await submit(alice.token, { type: "submit", inputs: {} }),
    400,
  );
  assertErrorBody(
    await submit(alice.token, { type: "submit", messageId, inputs: "x" }),
    400,
  );
  assertErrorBody(
    await submit(alice.token, {
      type: "submit",
      messageId: plain.id,
      inputs: {},
    }),
    400,
  );
  assertErrorBody(
    await submit(outsider.token, { type: "submit", messageId, inputs: {} }),
    404,
  );
  assert.throws(
    () => webex.simulateAction({ from: alice, messageId: plain.id }),
    /Cannot simulate an action: .*no card/,
  );
});

Deno.test("an attachmentActions webhook hears a submit with the action's ids, not its inputs", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@example.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const created = await hook(webex, webex.bot, {
    name: "shellbot-actions",
    targetUrl: receiver.url,
    resource: "attachmentActions",
    event: "created",
    secret: "k",
  });
  await hook(webex, webex.bot, {
    name: "other card",
    targetUrl: receiver.url,
    resource: "attachmentActions",
    event: "created",
    filter: "messageId=" + webex.simulateMessage({
      from: alice,
      roomId: room.id,
      text: "x",
    }).id,
  });
  const messageId = await postCard(webex, room.id);
  const action = webex.simulateAction({
    from: alice,
    messageId,
    inputs: { name: "Alice" },
  });
  // A card alice posted is hers: the bot does not hear its submits.
  const aliceCard = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "her card",
    attachments: [card],
  });
  webex.simulateAction({ from: alice, messageId: aliceCard.id });
  await webex.settled();
  assert.equal(receiver.received.length, 1);
  const [delivery] = receiver.of("shellbot-actions");
  const { data, ...fields } = delivery.json;
  assert.deepEqual(
    [fields.id, fields.resource, fields.event, fields.actorId, fields.secret],
    [created.id, "attachmentActions", "created", unpadded(alice.id), undefined],
  );
  const { inputs: _, ...ids } = action;
  assert.deepEqual(data, ids);
  const fetched = await call(webex, "GET", `/attachment/actions/${data.id}`);
  assert.deepEqual(fetched.body.inputs, { name: "Alice" });
});

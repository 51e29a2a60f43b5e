import assert from "node:assert/strict";
import {
  EventQueue,
  type Message,
  type SpaceEvent,
  type WebexDelivery,
} from "../mod.ts";
import { deliveryRequest, messageDelivery, webexFixture } from "./_webex.ts";

const SECRET = "test-secret-hook";

async function fixture(options: { auditToken?: boolean } = {}) {
  const ears = new EventQueue<SpaceEvent>();
  const made = await webexFixture({ webhook_secret: SECRET }, {
    ...options,
    ears,
  });
  return { ...made, ears };
}

async function status(
  response: Response,
): Promise<[number, Record<string, unknown>]> {
  return [response.status, await response.json()];
}

Deno.test("a signed message delivery is fetched, normalised and put on ears", async () => {
  await using f = await fixture();
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hello",
    mentions: [f.webex.bot],
  });
  const [code, body] = await status(
    await f.space.webhook(await deliveryRequest(messageDelivery(sent), SECRET)),
  );
  assert.equal(code, 200);
  assert.equal(body.status, "queued");
  assert.equal(f.ears.size, 1);
  const message = await f.ears.get() as Message;
  assert.equal(message.type, "message");
  assert.equal(message.id, sent.id);
  // Webex puts the mention first; the text addressed to the bot drops it.
  assert.equal(message.text, "hello");
  assert.equal(message.raw?.text, "Shelly hello");
  assert.equal(message.channelId, f.roomId);
  assert.equal(message.fromLabel, "alice@acme.com");
  assert.equal(message.hook, "shellbot-messages");
  assert.ok(
    message.mentionedIds.some((id) => f.space.isSameId(id, f.webex.bot.id)),
  );
  assert.deepEqual(JSON.parse(JSON.stringify(message)), message);
});

Deno.test("a missing or wrong signature is refused with 401 and nothing enqueued", async () => {
  await using f = await fixture();
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hi",
    mentions: [f.webex.bot],
  });
  assert.equal(
    (await f.space.webhook(await deliveryRequest(messageDelivery(sent))))
      .status,
    401,
  );
  const forged = await f.space.webhook(
    await deliveryRequest(messageDelivery(sent), "not-the-secret"),
  );
  assert.equal(forged.status, 401);
  await forged.body?.cancel();
  assert.equal(f.ears.size, 0);
  assert.ok(f.logs.some((line) => /signature/i.test(line)));
  assert.equal(f.logs.some((line) => line.includes(SECRET)), false);
});

Deno.test("malformed deliveries are answered 4xx and logged, never thrown", async () => {
  await using f = await fixture();
  const cases: [string, number][] = [
    ["not json", 400],
    ["[]", 400],
    ['{"resource":"messages"}', 400],
    ['{"resource":"messages","event":"created","data":{}}', 400],
    ['{"resource":"messages","event":"created","data":{"id":7}}', 400],
    ['{"resource":"memberships","event":"created","data":{"id":"x"}}', 400],
    ['{"resource":"rooms","event":"created","data":{"id":"x"}}', 200],
  ];
  for (const [raw, expected] of cases) {
    const response = await f.space.webhook(
      await deliveryRequest(undefined, SECRET, raw),
    );
    assert.equal(response.status, expected, raw);
    await response.body?.cancel();
  }
  const get = await f.space.webhook(new Request("http://127.0.0.1/hook"));
  assert.equal(get.status, 405);
  await get.body?.cancel();
  assert.equal(f.ears.size, 0);
});

Deno.test("the same event delivered twice is enqueued once", async () => {
  await using f = await fixture();
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "once",
    mentions: [f.webex.bot],
  });
  const payload = messageDelivery(sent);
  const first = await status(
    await f.space.webhook(await deliveryRequest(payload, SECRET)),
  );
  const unpadded = {
    ...payload,
    data: { ...payload.data, id: String(sent.id).replace(/=+$/, "") },
  };
  const second = await status(
    await f.space.webhook(await deliveryRequest(unpadded, SECRET)),
  );
  assert.equal(first[1].status, "queued");
  assert.equal(second[1].status, "duplicate");
  assert.equal(f.ears.size, 1);
});

Deno.test("the bot's own messages are dropped before any fetch", async () => {
  await using f = await fixture();
  const posted = await f.space.postMessage(f.roomId, "my own words");
  f.webex.clearRequests();
  const raw = posted.raw!;
  const [code, body] = await status(
    await f.space.webhook(await deliveryRequest(messageDelivery(raw), SECRET)),
  );
  assert.equal(code, 200);
  assert.equal(body.status, "ignored");
  assert.equal(f.webex.requestCount("GET /messages/{id}"), 0);
  assert.equal(f.ears.size, 0);
});

Deno.test("the bot's own message is dropped after the fetch when the delivery does not name the sender", async () => {
  await using f = await fixture();
  const posted = await f.space.postMessage(f.roomId, "my own words");
  const payload = messageDelivery(posted.raw!);
  delete payload.data.personId;
  delete payload.data.personEmail;
  const [code, body] = await status(
    await f.space.webhook(await deliveryRequest(payload, SECRET)),
  );
  assert.equal(code, 200);
  assert.equal(body.status, "ignored");
  assert.equal(f.ears.size, 0);
});

Deno.test("memberships become join and leave events", async () => {
  await using f = await fixture();
  await f.space.addParticipant(f.roomId, "bob@acme.com");
  const membership = f.webex.memberships(f.roomId).find((item) =>
    item.personEmail === "bob@acme.com"
  )!;
  const base = {
    id: "W",
    name: "shellbot-memberships",
    resource: "memberships",
    data: membership,
  };
  await f.space.webhook(
    await deliveryRequest({ ...base, event: "created" }, SECRET),
  );
  await f.space.webhook(
    await deliveryRequest({ ...base, event: "created" }, SECRET),
  );
  await f.space.webhook(
    await deliveryRequest({ ...base, event: "deleted" }, SECRET),
  );
  f.ears.close();
  const events: SpaceEvent[] = [];
  for await (const event of f.ears) events.push(event);
  assert.deepEqual(events.map((event) => event.type), ["join", "leave"]);
  const join = events[0];
  assert.ok(join.type === "join");
  assert.equal(join.actorAddress, "bob@acme.com");
  assert.equal(join.actorLabel, "Bob");
  assert.equal(join.channelId, f.roomId);
  assert.equal(join.hook, "shellbot-memberships");
});

Deno.test("the audit hook feeds fan with the audit token, own messages included", async () => {
  await using f = await fixture({ auditToken: true });
  await f.space.addParticipant(f.roomId, "audit@acme.com");
  const posted = await f.space.postMessage(f.roomId, "bot speaking");
  const delivery = messageDelivery(posted.raw!, "shellbot-audit");
  const [code, body] = await status(
    await f.space.webhook(await deliveryRequest(delivery, SECRET)),
  );
  assert.equal(code, 200);
  assert.equal(body.status, "queued");
  assert.equal(f.ears.size, 0);
  const fan = f.space.fan as EventQueue<SpaceEvent>;
  const audited = await fan.get() as Message;
  assert.equal(audited.text, "bot speaking");
  assert.equal(audited.hook, "shellbot-audit");
});

Deno.test("a delivery whose message cannot be fetched now is answered 503 and can be delivered again", async () => {
  await using f = await fixture();
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "later",
    mentions: [f.webex.bot],
  });
  f.webex.injectFault({
    endpoint: "GET /messages/{id}",
    status: 502,
    times: 5,
  });
  const failed = await f.space.webhook(
    await deliveryRequest(messageDelivery(sent), SECRET),
  );
  assert.equal(failed.status, 503);
  await failed.body?.cancel();
  assert.equal(f.ears.size, 0);
  const retried = await status(
    await f.space.webhook(await deliveryRequest(messageDelivery(sent), SECRET)),
  );
  assert.equal(retried[1].status, "queued");
  assert.equal(f.ears.size, 1);
});

Deno.test("an attachment's name is read for inbound messages", async () => {
  await using f = await fixture();
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "a file",
    mentions: [f.webex.bot],
    file: { name: "plan.pdf", bytes: new Uint8Array([1, 2, 3]) },
  });
  await (await f.space.webhook(
    await deliveryRequest(messageDelivery(sent), SECRET),
  )).body?.cancel();
  const message = await f.ears.get() as Message;
  assert.equal(message.attachment, "plan.pdf");
  assert.equal(message.url, (sent.files as string[])[0]);
});

Deno.test("with an inbox, deliveries are accepted at once and processed later, once", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const inbox = new EventQueue<WebexDelivery>();
  await using f = await webexFixture({ webhook_secret: SECRET }, {
    ears,
    inbox,
  });
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "later",
    mentions: [f.webex.bot],
  });
  f.webex.clearRequests();
  for (let index = 0; index < 2; index++) {
    const [code, body] = await status(
      await f.space.webhook(
        await deliveryRequest(messageDelivery(sent), SECRET),
      ),
    );
    assert.equal(code, 200);
    assert.equal(body.status, "accepted");
  }
  assert.equal(f.webex.requestCount("GET /messages/{id}"), 0);
  assert.equal(inbox.size, 2);
  inbox.close();
  const outcomes: string[] = [];
  for await (const delivery of inbox) {
    assert.deepEqual(JSON.parse(JSON.stringify(delivery)), delivery);
    outcomes.push(await f.space.processDelivery(delivery));
  }
  assert.deepEqual(outcomes, ["queued", "duplicate"]);
  assert.equal(((await ears.get()) as Message).text, "later");
});

Deno.test("processDelivery throws on failure and handles a retry", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const inbox = new EventQueue<WebexDelivery>();
  await using f = await webexFixture({ webhook_secret: SECRET }, {
    ears,
    inbox,
  });
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "retry",
    mentions: [f.webex.bot],
  });
  await (await f.space.webhook(
    await deliveryRequest(messageDelivery(sent), SECRET),
  )).body?.cancel();
  const delivery = (await inbox.get())!;
  f.webex.injectFault({
    endpoint: "GET /messages/{id}",
    status: 503,
    times: 5,
  });
  await assert.rejects(() => f.space.processDelivery(delivery));
  assert.equal(ears.size, 0);
  assert.equal(await f.space.processDelivery(delivery), "queued");
  assert.equal(ears.size, 1);
});

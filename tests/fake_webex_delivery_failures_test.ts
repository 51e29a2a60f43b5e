// FakeWebex webhook deliveries: failures, repeats, ordering, settling and closing.
import assert from "node:assert/strict";
import { verifySignature } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";
import { callAs, hook, Receiver } from "./_fake_webex_receiver.ts";

Deno.test("failing deliveries turn a webhook inactive; PUT status active revives it", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const created = await hook(webex, webex.bot, {
    name: "flaky",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  const say = (text: string) =>
    webex.simulateMessage({
      from: alice,
      toPersonEmail: webex.bot.emails[0],
      text,
    });
  receiver.status = 500;
  for (let i = 0; i < 7; i++) say(`m${i}`);
  await webex.settled();
  assert.equal(receiver.received.length, 5);
  assert.equal(webex.deliveryCount("flaky"), 5);
  assert.deepEqual(
    webex.deliveries.map((d) => [d.status, d.ok]),
    Array(5).fill([500, false]),
  );
  const inactive = await callAs(
    webex,
    webex.bot.token,
    "GET",
    `/webhooks/${created.id}`,
  );
  assert.equal(inactive.body.status, "inactive");
  say("while inactive");
  await webex.settled();
  assert.equal(receiver.received.length, 5);

  const revived = await callAs(
    webex,
    webex.bot.token,
    "PUT",
    `/webhooks/${created.id}`,
    {
      name: "flaky",
      targetUrl: receiver.url,
      status: "active",
    },
  );
  assert.equal(revived.body.status, "active");
  // Reviving starts the count afresh: one more failure is not the sixth.
  say("still failing");
  await webex.settled();
  assert.equal(webex.webhooks()[0].status, "active");
  receiver.status = 200;
  say("back");
  await webex.settled();
  assert.equal(receiver.received.length, 7);
  assert.equal(receiver.received[6].json.status, "active");
  assert.equal(webex.deliveries.at(-1)?.ok, true);

  // A success in between starts the count again: 4 failures, 1 success,
  // 4 failures leave the webhook active.
  for (const status of [500, 500, 500, 500, 204, 503, 503, 503, 503]) {
    receiver.status = status;
    say(`s${status}`);
    await webex.settled();
  }
  const still = await callAs(
    webex,
    webex.bot.token,
    "GET",
    `/webhooks/${created.id}`,
  );
  assert.equal(still.body.status, "active");
});

Deno.test("network errors count as failures; inactiveAfter is an option", async () => {
  const closed = new Receiver();
  const target = closed.url;
  await closed[Symbol.asyncDispose]();
  await using webex = await FakeWebex.start({ inactiveAfter: 2 });
  const alice = webex.addUser({ email: "alice@acme.com" });
  const created = await hook(webex, webex.bot, {
    name: "gone",
    targetUrl: target,
    resource: "messages",
    event: "created",
  });
  for (let i = 0; i < 3; i++) {
    webex.simulateMessage({
      from: alice,
      toPersonEmail: webex.bot.emails[0],
      text: `${i}`,
    });
  }
  await webex.settled();
  assert.equal(webex.deliveries.length, 2);
  assert.equal(
    webex.deliveries.every((d) => d.status === 0 && !d.ok && d.error),
    true,
  );
  assert.equal(webex.webhooks()[0].status, "inactive");
  assert.equal(webex.webhooks()[0].id, created.id);
  await assert.rejects(
    () => FakeWebex.start({ inactiveAfter: 0 }),
    /inactiveAfter must be a positive integer, got 0/,
  );
});

Deno.test("deliverTwice POSTs the same body and signature twice", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  await hook(webex, webex.bot, {
    name: "twice",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
    secret: "k",
  });
  webex.deliverTwice(true);
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "one",
  });
  await webex.settled();
  assert.equal(receiver.received.length, 2);
  const [first, second] = receiver.received;
  assert.deepEqual(first.raw, second.raw);
  assert.equal(
    first.headers.get("x-spark-signature"),
    second.headers.get("x-spark-signature"),
  );
  assert.equal(
    await verifySignature(
      second.raw,
      second.headers.get("x-spark-signature"),
      "k",
    ),
    true,
  );
  webex.deliverTwice(false);
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "two",
  });
  await webex.settled();
  assert.equal(receiver.received.length, 3);
  assert.equal(webex.deliveryCount(), 3);
});

Deno.test("the API answers before deliveries end; settled() waits for them", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  await hook(webex, webex.bot, {
    name: "slow",
    targetUrl: receiver.url,
    resource: "memberships",
    event: "created",
  });
  const room = webex.addRoom({ title: "Ops" });
  await webex.settled();
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  receiver.gate = gate;
  const answer = await callAs(webex, webex.bot.token, "POST", "/memberships", {
    roomId: room.id,
    personEmail: "alice@acme.com",
  });
  assert.equal(answer.status, 200);
  assert.equal(webex.deliveryCount(), 1);
  let settled = false;
  const waiting = webex.settled().then(() => settled = true);
  const aborted = new AbortController();
  const gaveUp = webex.settled({ signal: aborted.signal });
  aborted.abort(new Error("enough"));
  await assert.rejects(gaveUp, /enough/);
  assert.equal(settled, false);
  open();
  await waiting;
  assert.equal(webex.deliveryCount(), 2);
  assert.equal(
    receiver.received.at(-1)?.json.data.personEmail,
    "alice@acme.com",
  );
});

Deno.test("deliveries keep their order per webhook over 50 quick messages", async () => {
  await using receiver = new Receiver();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  await hook(webex, webex.bot, {
    name: "ordered",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  const sent = [];
  for (let i = 0; i < 50; i++) {
    sent.push(
      webex.simulateMessage({
        from: alice,
        toPersonEmail: webex.bot.emails[0],
        text: `${i}`,
      }).id,
    );
  }
  await webex.settled();
  assert.deepEqual(receiver.received.map((item) => item.json.data.id), sent);
});

Deno.test("close() aborts a delivery in flight", async () => {
  await using receiver = new Receiver();
  const { promise: gate, resolve: open } = Promise.withResolvers<void>();
  const { promise: arrived, resolve: arrive } = Promise.withResolvers<void>();
  receiver.gate = gate;
  receiver.onRequest = arrive;
  const webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  await hook(webex, webex.bot, {
    name: "stuck",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "1",
  });
  webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "2",
  });
  await arrived;
  await webex.close();
  open();
  // The first reached the receiver and was cut off; the second never left.
  assert.equal(receiver.received.length, 1);
  assert.deepEqual(
    webex.deliveries.map((d) => [d.ok, d.error]),
    [[false, "The fake was closed"], [false, "The fake was closed"]],
  );
  assert.equal(webex.webhooks()[0].status, "active");
});

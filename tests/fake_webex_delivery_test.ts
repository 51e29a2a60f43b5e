import assert from "node:assert/strict";
import { verifySignature } from "../spaces/webex/signature.ts";
import {
  type FakePerson,
  FakeWebex,
  parseFakeWebexId,
  unpadded,
} from "../testing.ts";

const uuidOf = (id: string) => parseFakeWebexId(id)?.uuid;

// deno-lint-ignore no-explicit-any
type Json = any;

interface Received {
  headers: Headers;
  raw: Uint8Array;
  json: Json;
}

/** A real HTTP receiver that records every delivery, raw bytes included. */
class Receiver implements AsyncDisposable {
  readonly received: Received[] = [];
  /** The status to answer; may change during a test. */
  status = 200;
  /** When set, each answer waits for it. */
  gate?: Promise<void>;
  /** Called as each request arrives, before it is answered. */
  onRequest?: () => void;
  readonly url: string;
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const raw = new Uint8Array(await request.arrayBuffer());
        const json = JSON.parse(new TextDecoder().decode(raw));
        this.received.push({ headers: request.headers, raw, json });
        this.onRequest?.();
        await this.gate;
        return new Response(null, { status: this.status });
      },
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}/hook`;
  }

  /** Deliveries of one webhook, by name. */
  of(name: string): Received[] {
    return this.received.filter((item) => item.json.name === name);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#server.shutdown();
  }
}

/** Calls the API as `token` and reads the JSON answer. */
async function call(
  webex: FakeWebex,
  token: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${webex.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Creates a webhook as `owner` and returns it. */
async function hook(
  webex: FakeWebex,
  owner: FakePerson,
  init: Record<string, unknown>,
): Promise<Json> {
  const answer = await call(webex, owner.token, "POST", "/webhooks", init);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

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

  const added = await call(webex, alice.token, "POST", "/memberships", {
    roomId,
    personId: bob.id,
  });
  assert.equal(added.status, 200);
  const removed = await call(
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
  const deleted = await call(
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
  const own = await call(webex, webex.bot.token, "POST", "/messages", {
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
  const inactive = await call(
    webex,
    webex.bot.token,
    "GET",
    `/webhooks/${created.id}`,
  );
  assert.equal(inactive.body.status, "inactive");
  say("while inactive");
  await webex.settled();
  assert.equal(receiver.received.length, 5);

  const revived = await call(
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
  const still = await call(
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
  const answer = await call(webex, webex.bot.token, "POST", "/memberships", {
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

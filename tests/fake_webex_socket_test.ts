import assert from "node:assert/strict";
import { FakeWebex, parseFakeWebexId } from "../testing.ts";

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

async function register(webex: FakeWebex, wdm: string, name = "test") {
  const response = await fetch(`${wdm}/devices`, {
    method: "POST",
    headers: { ...auth(webex.bot.token), "content-type": "application/json" },
    body: JSON.stringify({ name, deviceType: "DESKTOP" }),
  });
  return { status: response.status, body: await response.json() };
}

async function catalog(webex: FakeWebex) {
  const response = await fetch(`${webex.socket.u2cUrl}?format=hostmap`, {
    headers: auth(webex.bot.token),
  });
  return { status: response.status, body: await response.json() };
}

/** A raw socket that collects frames and hands them out one by one. */
function open(url: string) {
  const socket = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  const waiting: ((frame: Record<string, unknown>) => void)[] = [];
  const closed = Promise.withResolvers<CloseEvent>();
  const opened = Promise.withResolvers<void>();
  socket.onopen = () => opened.resolve();
  socket.onerror = () => {};
  socket.onclose = (event) => {
    opened.resolve();
    closed.resolve(event);
  };
  socket.onmessage = (event) => {
    const frame = JSON.parse(event.data);
    const next = waiting.shift();
    if (next) next(frame);
    else frames.push(frame);
  };
  return {
    socket,
    opened: opened.promise,
    closed: closed.promise,
    send: (frame: unknown) => socket.send(JSON.stringify(frame)),
    next: () =>
      frames.length > 0
        ? Promise.resolve(frames.shift()!)
        : new Promise<Record<string, unknown>>((resolve) =>
          waiting.push(resolve)
        ),
  };
}

Deno.test("fake socket: catalog, registration, authorization, buffer_state, ping and an activity with REST-mappable ids", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const map = await catalog(webex);
  assert.equal(map.status, 200);
  const wdm = map.body.serviceLinks.wdm as string;
  const [entry] = Object.values(map.body.hostCatalog)[0] as { id: string }[];
  assert.equal(entry.id, "urn:TEAM:us-east-2_a:conversation");
  const device = await register(webex, wdm);
  assert.equal(device.status, 200);
  const client = open(device.body.webSocketUrl);
  await client.opened;
  client.send({
    id: "a1",
    type: "authorization",
    data: { token: `Bearer ${webex.bot.token}` },
  });
  const ready = await client.next();
  assert.deepEqual(ready.data, { eventType: "mercury.buffer_state" });
  client.send({ id: "p1", type: "ping" });
  assert.deepEqual(await client.next(), { id: "p1", type: "pong" });
  const sent = webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "hi",
    mentions: [webex.bot],
  });
  const envelope = await client.next();
  const activity =
    (envelope.data as { activity: Record<string, unknown> }).activity;
  assert.equal(activity.verb, "post");
  assert.equal(activity.id, parseFakeWebexId(sent.id)?.uuid);
  assert.equal(
    (activity.target as { id: string }).id,
    parseFakeWebexId(room.id)?.uuid,
  );
  assert.equal(
    (activity.actor as { entryUUID: string }).entryUUID,
    parseFakeWebexId(alice.id)?.uuid,
  );
  assert.match(
    String((activity.object as { displayName: string }).displayName),
    /^[^.]*(\.[^.]*){4}$/,
  );
  client.send({ type: "ack", messageId: envelope.id });
  await webex.socket.waitFor(() =>
    webex.socket.acks.includes(String(envelope.id))
  );
  client.socket.close();
  await client.closed;
});

Deno.test("fake socket: the authorization frame comes first, with the owner's token", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const { body } = await register(
    webex,
    (await catalog(webex)).body.serviceLinks.wdm,
  );
  const client = open(body.webSocketUrl);
  await client.opened;
  client.send({
    id: "a1",
    type: "authorization",
    data: { token: `Bearer ${alice.token}` },
  });
  const closed = await client.closed;
  assert.equal(closed.code, 4401);
  assert.equal(webex.socket.connects, 0);
});

Deno.test("fake socket: unacked envelopes come again on the next socket; scripted closes reach the client", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const { body } = await register(
    webex,
    (await catalog(webex)).body.serviceLinks.wdm,
  );
  const first = open(body.webSocketUrl);
  await first.opened;
  first.send({
    id: "a1",
    type: "authorization",
    data: { token: `Bearer ${webex.bot.token}` },
  });
  await first.next();
  webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "x",
    mentions: [webex.bot],
  });
  const envelope = await first.next();
  webex.socket.closeAll(4000, "replaced");
  const closed = await first.closed;
  assert.equal(closed.code, 4000);
  assert.equal(closed.reason, "replaced");
  const second = open(body.webSocketUrl);
  await second.opened;
  second.send({
    id: "a2",
    type: "authorization",
    data: { token: `Bearer ${webex.bot.token}` },
  });
  await second.next();
  assert.equal((await second.next()).id, envelope.id);
  assert.equal(webex.socket.devices()[0].unacked, 1);
  second.send({ type: "ack", messageId: envelope.id });
  await webex.socket.waitFor(() => webex.socket.devices()[0].unacked === 0);
  webex.socket.closeAll(1000, "idle");
  assert.equal((await second.closed).reason, "idle");
});

Deno.test("fake socket: too many devices is a 403, a deleted device a 404 on refresh and on upgrade, a failing catalog its status", async () => {
  await using webex = await FakeWebex.start();
  const wdm = (await catalog(webex)).body.serviceLinks.wdm as string;
  webex.socket.deviceLimit = 1;
  const { body } = await register(webex, wdm);
  const refused = await register(webex, wdm);
  assert.equal(refused.status, 403);
  assert.match(refused.body.message, /excessive device registrations/);
  const gone = await fetch(body.url, {
    method: "DELETE",
    headers: auth(webex.bot.token),
  });
  assert.equal(gone.status, 204);
  const refresh = await fetch(body.url, {
    method: "PUT",
    headers: auth(webex.bot.token),
  });
  await refresh.body?.cancel();
  assert.equal(refresh.status, 404);
  const stale = open(body.webSocketUrl);
  await stale.opened;
  assert.notEqual((await stale.closed).code, 1000);
  assert.equal(webex.socket.devices().length, 0);
  webex.socket.failCatalog(502);
  assert.equal((await catalog(webex)).status, 502);
});

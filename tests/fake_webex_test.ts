import assert from "node:assert/strict";
import { FakeWebex, parseFakeWebexId } from "../testing.ts";

const uuidOf = (id: string) => parseFakeWebexId(id)?.uuid;

interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Calls the fake as the bot (or `token`) and reads the JSON answer. */
async function call(
  webex: FakeWebex,
  method: string,
  path: string,
  init: {
    token?: string | null;
    json?: unknown;
    body?: BodyInit;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? webex.bot.token : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await fetch(
    path.startsWith("http") ? path : `${webex.url}${path}`,
    { method, headers, body },
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Follows `Link: rel="next"` from `path` and returns every page's items. */
async function walk(
  webex: FakeWebex,
  path: string,
  token?: string,
): Promise<{ pages: number; items: Answer["body"][] }> {
  const items = [];
  let pages = 0;
  let next: string | undefined = path;
  while (next) {
    const answer = await call(webex, "GET", next, { token });
    assert.equal(answer.status, 200);
    items.push(...answer.body.items);
    pages++;
    next = /<([^>]+)>;\s*rel="next"/.exec(answer.headers.get("link") ?? "")
      ?.[1];
    if (next) {
      assert.ok(
        next.startsWith(webex.url),
        `the next link is absolute: ${next}`,
      );
    }
  }
  return { pages, items };
}

function assertErrorBody(answer: Answer, status: number): void {
  assert.equal(answer.status, status);
  assert.equal(typeof answer.body.message, "string");
  assert.equal(answer.body.errors[0].description, answer.body.message);
  assert.equal(answer.body.trackingId, answer.headers.get("trackingid"));
}

async function setup(options: { seed?: number } = {}) {
  const webex = await FakeWebex.start(options);
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@example.com", displayName: "Bob" });
  const room = webex.addRoom({ title: "Ops", members: [alice, bob] });
  return { webex, alice, bob, roomId: room.id as string };
}

Deno.test("FakeWebex answers 401 without a token or with an unknown one, and /people/me per token", async () => {
  await using webex = await FakeWebex.start({
    botName: "Helper",
    botEmail: "helper@webex.bot",
  });
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Alice",
  });
  assertErrorBody(await call(webex, "GET", "/people/me", { token: null }), 401);
  assertErrorBody(
    await call(webex, "GET", "/rooms", { token: "not-a-token" }),
    401,
  );
  const bot = await call(webex, "GET", "/people/me");
  assert.equal(bot.status, 200);
  assert.ok(bot.headers.get("trackingid"));
  assert.deepEqual([bot.body.displayName, bot.body.type, bot.body.emails], [
    "Helper",
    "bot",
    ["helper@webex.bot"],
  ]);
  const me = await call(webex, "GET", "/people/me", { token: alice.token });
  assert.deepEqual([me.body.id, me.body.type], [alice.id, "person"]);
  const byEmail = await call(webex, "GET", "/people?email=alice@example.com");
  assert.deepEqual(
    byEmail.body.items.map((person: { id: string }) => person.id),
    [alice.id],
  );
  assertErrorBody(await call(webex, "GET", "/people"), 400);
});

Deno.test("FakeWebex pads person ids in /people but not in personId fields, and accepts both forms", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const me = await call(webex, "GET", "/people/me");
  assert.ok(me.body.id.endsWith("="), "people ids keep their padding");
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, text: "hi" },
  });
  assert.equal(posted.status, 200);
  assert.ok(!posted.body.personId.endsWith("="), "personId drops the padding");
  assert.notEqual(posted.body.personId, me.body.id);
  assert.equal(uuidOf(posted.body.personId), uuidOf(me.body.id));
  const unpaddedAlice = alice.id.replace(/=+$/, "");
  const person = await call(webex, "GET", `/people/${unpaddedAlice}`);
  assert.equal(person.body.id, alice.id);
  const membership = await call(
    webex,
    "GET",
    `/memberships?roomId=${roomId}&personId=${alice.id}`,
  );
  assert.equal(membership.body.items.length, 1);
  assert.ok(!membership.body.items[0].personId.endsWith("="));
  assert.equal(uuidOf(membership.body.items[0].personId), uuidOf(alice.id));
  assert.equal(
    uuidOf(webex.bot.id),
    uuidOf(webex.postedByBot()[0].personId as string),
  );
});

Deno.test("FakeWebex creates with 200, deletes with 204 and no body, and answers 404 for unknown ids", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const created = await call(webex, "POST", "/rooms", {
    json: { title: "New" },
  });
  assert.equal(created.status, 200);
  assert.equal(created.body.title, "New");
  const team = await call(webex, "POST", "/teams", { json: { name: "Crew" } });
  assert.equal(team.status, 200);
  const response = await fetch(`${webex.url}/rooms/${created.body.id}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(response.status, 204);
  assert.equal(await response.text(), "");
  assertErrorBody(await call(webex, "GET", `/rooms/${created.body.id}`), 404);
  assertErrorBody(await call(webex, "GET", "/messages/not-an-id"), 404);
  // A room id is no message id.
  assertErrorBody(await call(webex, "GET", `/messages/${roomId}`), 404);
  assertErrorBody(await call(webex, "DELETE", `/webhooks/${alice.id}`), 404);
  assertErrorBody(await call(webex, "GET", "/nowhere"), 404);
  assertErrorBody(await call(webex, "PATCH", "/rooms"), 405);
  assert.equal(webex.requestCount("UNKNOWN"), 1);
  assertErrorBody(
    await call(webex, "PUT", `/rooms/${roomId}`, { json: { isLocked: true } }),
    400,
  );
  const renamed = await call(webex, "PUT", `/rooms/${roomId}`, {
    json: { title: "Ops 2" },
  });
  assert.equal(renamed.body.title, "Ops 2");
});

Deno.test("FakeWebex paginates rooms with absolute next links and caps max", async () => {
  await using webex = await FakeWebex.start();
  for (let i = 0; i < 7; i++) webex.addRoom({ title: `Room ${i}` });
  const { pages, items } = await walk(webex, "/rooms?max=3");
  assert.equal(pages, 3);
  assert.equal(new Set(items.map((room) => room.id)).size, 7);
  const created = await walk(webex, "/rooms?max=2&sortBy=created");
  assert.deepEqual(
    created.items.map((room) => room.title),
    [6, 5, 4, 3, 2, 1, 0].map((i) => `Room ${i}`),
  );
  for (let i = 7; i < 1005; i++) webex.addRoom({ title: `Room ${i}` });
  const capped = await call(webex, "GET", "/rooms?max=5000");
  assert.equal(capped.body.items.length, 1000);
  assert.match(capped.headers.get("link") ?? "", /rel="next"/);
  const byDefault = await call(webex, "GET", "/rooms");
  assert.equal(byDefault.body.items.length, 100);
  assertErrorBody(await call(webex, "GET", "/rooms?max=0"), 400);
  assertErrorBody(await call(webex, "GET", "/rooms?sortBy=title"), 400);
});

Deno.test("FakeWebex pages stay stable when rooms are added or removed between pages", async () => {
  await using webex = await FakeWebex.start();
  const ids = Array.from(
    { length: 6 },
    (_, i) => webex.addRoom({ title: `Room ${i}` }).id as string,
  );
  const first = await call(webex, "GET", "/rooms?max=3&sortBy=created");
  const seen = first.body.items.map((room: { id: string }) => room.id);
  webex.addRoom({ title: "Late" });
  const removed = await call(webex, "DELETE", `/rooms/${seen[0]}`);
  assert.equal(removed.status, 204);
  const next = /<([^>]+)>/.exec(first.headers.get("link")!)![1];
  const rest = await walk(webex, next);
  assert.deepEqual(
    [...seen, ...rest.items.map((room) => room.id)],
    [...ids].reverse(),
  );
});

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

Deno.test("FakeWebex: deleting a room as a non-moderator or non-creator only removes the caller", async () => {
  const { webex, alice, bob } = await setup();
  await using _ = webex;
  const open = await call(webex, "POST", "/rooms", {
    json: { title: "Alice's" },
    token: alice.token,
  });
  await call(webex, "POST", "/memberships", {
    json: { roomId: open.body.id, personId: webex.bot.id },
    token: alice.token,
  });
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${open.body.id}`)).status,
    204,
  );
  assertErrorBody(await call(webex, "GET", `/rooms/${open.body.id}`), 404);
  assert.equal(
    (await call(webex, "GET", `/rooms/${open.body.id}`, { token: alice.token }))
      .status,
    200,
  );
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${open.body.id}`, {
      token: alice.token,
    })).status,
    204,
  );
  assert.equal(webex.rooms().some((room) => room.id === open.body.id), false);

  const locked = webex.addRoom({
    title: "Locked",
    members: [bob],
    moderators: [alice],
    creator: alice,
  });
  assert.equal(locked.isLocked, true);
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${locked.id}`)).status,
    204,
  );
  assert.equal(
    webex.memberships(locked.id as string).length,
    2,
    "only the bot left",
  );
  assertErrorBody(
    await call(webex, "POST", "/memberships", {
      json: { roomId: locked.id, personEmail: "carol@example.com" },
      token: bob.token,
    }),
    403,
  );
  assert.equal(
    (await call(webex, "DELETE", `/rooms/${locked.id}`, { token: alice.token }))
      .status,
    204,
  );
  assert.equal(
    webex.rooms().some((room) => room.id === locked.id),
    false,
    "a moderator deletes the room",
  );
});

Deno.test("FakeWebex manages memberships: list, filter, add twice (409), remove", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const listed = await call(webex, "GET", `/memberships?roomId=${roomId}`);
  assert.deepEqual(
    listed.body.items.map((m: { personEmail: string }) => m.personEmail),
    [
      "shelly@webex.bot",
      "alice@example.com",
      "bob@example.com",
    ],
  );
  const filtered = await call(
    webex,
    "GET",
    `/memberships?roomId=${roomId}&personEmail=bob@example.com`,
  );
  assert.equal(filtered.body.items.length, 1);
  assertErrorBody(
    await call(webex, "GET", "/memberships?personEmail=bob@example.com"),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/memberships", {
      json: { roomId, personId: alice.id },
    }),
    409,
  );
  const added = await call(webex, "POST", "/memberships", {
    json: { roomId, personEmail: "carol@example.com" },
  });
  assert.equal(added.status, 200);
  assert.equal(added.body.personEmail, "carol@example.com");
  assert.equal(webex.findPerson("carol@example.com")?.type, "person");
  assert.equal(
    (await call(webex, "DELETE", `/memberships/${added.body.id}`)).status,
    204,
  );
  assertErrorBody(
    await call(webex, "GET", `/memberships/${added.body.id}`),
    404,
  );
  const mine = await call(webex, "GET", "/memberships", { token: alice.token });
  assert.equal(mine.body.items.length, 1);
  const paged = await walk(webex, `/memberships?roomId=${roomId}&max=1`);
  assert.deepEqual([paged.pages, paged.items.length], [3, 3]);
});

Deno.test("FakeWebex keeps teams with their general room", async () => {
  await using webex = await FakeWebex.start();
  const team = await call(webex, "POST", "/teams", { json: { name: "Crew" } });
  const room = await call(webex, "POST", "/rooms", {
    json: { title: "Deck", teamId: team.body.id },
  });
  assert.equal(room.body.teamId, team.body.id);
  const teamRooms = await call(webex, "GET", `/rooms?teamId=${team.body.id}`);
  assert.deepEqual(
    teamRooms.body.items.map((r: { title: string }) => r.title).sort(),
    ["Crew", "Deck"],
  );
  const teams = await call(webex, "GET", "/teams");
  assert.deepEqual(teams.body.items.map((t: { name: string }) => t.name), [
    "Crew",
  ]);
  assert.equal(
    (await call(webex, "GET", `/teams/${team.body.id}`)).body.name,
    "Crew",
  );
  const helperTeam = webex.addTeam({ name: "Other" });
  assert.equal((await call(webex, "GET", "/teams")).body.items.length, 2);
  assert.ok(helperTeam.id);
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

/** Bytes that look like a multipart body to a careless parser: CRLFs, dashes and near-boundaries. */
function trickyBlock(boundary: string): Uint8Array {
  const block = new Uint8Array(4096);
  let seed = 7;
  for (let i = 0; i < block.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    block[i] = seed >>> 24;
  }
  const near = new TextEncoder().encode(`\r\n--${boundary.slice(0, -1)}`);
  block.set(near, 100);
  block.set(
    near,
    block.length - near.length + 5 > block.length
      ? block.length - near.length
      : 4000,
  );
  block.set(new TextEncoder().encode("\r\n\r\n--"), 2000);
  return block;
}

Deno.test("FakeWebex stores a multipart upload and serves it byte for byte with GET and HEAD", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >>> 11)) & 255;
  const form = new FormData();
  form.set("roomId", roomId);
  form.set("text", "the report");
  form.set(
    "files",
    new File([bytes], "rapport d'été.bin", { type: "application/x-test" }),
  );
  const posted = await call(webex, "POST", "/messages", { body: form });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.text, "the report");
  assert.equal(posted.body.files.length, 1);
  const url: string = posted.body.files[0];
  assert.ok(url.startsWith(`${webex.url}/contents/`));
  const auth = { authorization: `Bearer ${alice.token}` };
  const head = await fetch(url, { method: "HEAD", headers: auth });
  await head.body?.cancel();
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(bytes.length));
  assert.equal(head.headers.get("content-type"), "application/x-test");
  assert.equal(
    head.headers.get("content-disposition"),
    `attachment; filename="rapport d'_t_.bin"; filename*=UTF-8''rapport%20d%27%C3%A9t%C3%A9.bin`,
  );
  for (let round = 0; round < 2; round++) {
    const got = await fetch(url, { headers: auth });
    assert.equal(got.headers.get("content-length"), String(bytes.length));
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), bytes);
  }
  assert.deepEqual(webex.content(url)?.bytes, bytes);
  const outsider = webex.addUser({ email: "eve@example.com" });
  const refused = await call(webex, "GET", url, { token: outsider.token });
  assertErrorBody(refused, 404);
});

Deno.test("FakeWebex streams a 100 MiB multipart upload without corrupting it", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const boundary = `----shellbot${crypto.randomUUID()}`;
  const block = trickyBlock(boundary);
  const window = new Uint8Array(block.length * 300);
  for (let i = 0; i < 300; i++) window.set(block, i * block.length);
  const size = 100 * 1024 * 1024;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${roomId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === -1) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < size) {
        const length = Math.min(1_000_003, size - sent);
        const start = sent % block.length;
        controller.enqueue(window.slice(start, start + length));
        sent += length;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
  const response = await fetch(`${webex.url}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    body,
  });
  const message = await response.json();
  assert.equal(response.status, 200, JSON.stringify(message));
  const download = await fetch(message.files[0], {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(download.headers.get("content-length"), String(size));
  let offset = 0;
  let mismatch = -1;
  for await (const chunk of download.body!) {
    for (let i = 0; i < chunk.length && mismatch === -1; i++) {
      if (chunk[i] !== block[(offset + i) % block.length]) {
        mismatch = offset + i;
      }
    }
    offset += chunk.length;
  }
  assert.equal(mismatch, -1, `bytes differ at ${mismatch}`);
  assert.equal(offset, size);
});

Deno.test("FakeWebex refuses more than one file, and stores a JSON file URL as a content", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const form = new FormData();
  form.set("roomId", roomId);
  form.append("files", new File(["a"], "a.txt"));
  form.append("files", new File(["b"], "b.txt"));
  assertErrorBody(await call(webex, "POST", "/messages", { body: form }), 400);
  const two = {
    roomId,
    files: ["https://example.com/a.pdf", "https://example.com/b.pdf"],
  };
  assertErrorBody(await call(webex, "POST", "/messages", { json: two }), 400);
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, files: ["https://example.com/docs/report.pdf?x=1"] },
  });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.text, undefined);
  const head = await fetch(posted.body.files[0], {
    method: "HEAD",
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  await head.body?.cancel();
  assert.equal(
    head.headers.get("content-disposition"),
    'attachment; filename="report.pdf"',
  );
  assert.equal(head.headers.get("content-type"), "application/pdf");
  assert.equal(webex.postedByBot().length, 1);
});

Deno.test("FakeWebex answers 423 with Retry-After while a file is scanned, and 410 once removed", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const message = webex.simulateMessage({
    from: alice,
    roomId,
    file: { name: "notes.txt", bytes: new TextEncoder().encode("notes") },
  });
  const url = (message.files as string[])[0];
  webex.setContentState(url, "scanning", { retryAfter: 3 });
  const scanning = await call(webex, "GET", url);
  assertErrorBody(scanning, 423);
  assert.equal(scanning.headers.get("retry-after"), "3");
  webex.setContentState(url, "removed");
  assertErrorBody(await call(webex, "GET", url), 410);
  webex.setContentState(url, "ready");
  const ready = await fetch(url, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(await ready.text(), "notes");
  assert.equal(ready.headers.get("content-type"), "text/plain");
});

Deno.test("FakeWebex keeps webhooks per token and never echoes their secret", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  const hook = {
    name: "bot",
    targetUrl: "https://example.com/hook",
    resource: "messages",
    event: "created",
    secret: "s3cr3t",
  };
  const created = await call(webex, "POST", "/webhooks", { json: hook });
  assert.equal(created.status, 200);
  assert.equal(created.body.status, "active");
  assert.equal(created.body.secret, undefined);
  assert.equal(uuidOf(created.body.createdBy), uuidOf(webex.bot.id));
  assertErrorBody(
    await call(webex, "POST", "/webhooks", {
      json: { ...hook, targetUrl: "ftp://x" },
    }),
    400,
  );
  assertErrorBody(
    await call(webex, "POST", "/webhooks", { json: { name: "x" } }),
    400,
  );
  assert.equal((await call(webex, "GET", "/webhooks")).body.items.length, 1);
  assert.equal(
    (await call(webex, "GET", "/webhooks", { token: alice.token })).body.items
      .length,
    0,
  );
  assertErrorBody(
    await call(webex, "GET", `/webhooks/${created.body.id}`, {
      token: alice.token,
    }),
    404,
  );
  assertErrorBody(
    await call(webex, "PUT", `/webhooks/${created.body.id}`, {
      json: { status: "active" },
    }),
    400,
  );
  const updated = await call(webex, "PUT", `/webhooks/${created.body.id}`, {
    json: {
      name: "renamed",
      targetUrl: "https://example.com/other",
      status: "inactive",
      secret: "new",
    },
  });
  assert.deepEqual([
    updated.body.name,
    updated.body.status,
    updated.body.secret,
  ], ["renamed", "inactive", undefined]);
  assert.equal(JSON.stringify(webex.webhooks()).includes("new"), false);
  for (let i = 0; i < 4; i++) {
    await call(webex, "POST", "/webhooks", {
      json: { ...hook, name: `h${i}` },
    });
  }
  const paged = await walk(webex, "/webhooks?max=2");
  assert.deepEqual([paged.pages, paged.items.length], [3, 5]);
  assert.equal(
    (await call(webex, "DELETE", `/webhooks/${created.body.id}`)).status,
    204,
  );
  assert.equal(webex.webhooks().length, 4);
});

Deno.test("FakeWebex fails requests by rule before processing them, then recovers", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  webex.injectFault({
    endpoint: "POST /messages",
    status: 429,
    retryAfter: 2,
    times: 2,
  });
  for (let i = 0; i < 2; i++) {
    const refused = await call(webex, "POST", "/messages", {
      json: { roomId, text: "hi" },
    });
    assertErrorBody(refused, 429);
    assert.equal(refused.headers.get("retry-after"), "2");
  }
  assert.equal(
    webex.postedByBot().length,
    0,
    "a faulted POST is never processed",
  );
  assert.equal(
    (await call(webex, "GET", "/rooms")).status,
    200,
    "other endpoints are not affected",
  );
  assert.equal(
    (await call(webex, "POST", "/messages", { json: { roomId, text: "hi" } }))
      .status,
    200,
  );
  assert.equal(webex.postedByBot().length, 1);
  webex.injectFault({ status: 503 });
  assertErrorBody(await call(webex, "GET", "/people/me", { token: null }), 503);
  webex.clearFaults();
  assert.equal((await call(webex, "GET", "/people/me")).status, 200);
  webex.injectFault({ endpoint: "GET /contents/{id}", status: 502, times: 1 });
  const url = webex.addContent(roomId, {
    name: "a.txt",
    bytes: new Uint8Array(1),
  });
  assertErrorBody(await call(webex, "GET", url), 502);
  const ok = await fetch(url, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal((await ok.arrayBuffer()).byteLength, 1);
  assert.throws(() => webex.injectFault({ status: 500 as 502 }), RangeError);
  assert.throws(() => webex.injectFault({ status: 503, rate: 2 }), RangeError);
});

Deno.test("FakeWebex draws fault rates from its seed, so runs replay", async () => {
  const statuses = async (seed: number) => {
    await using webex = await FakeWebex.start({ seed });
    webex.injectFault({ endpoint: "GET /people/me", status: 503, rate: 0.5 });
    const seen = [];
    for (let i = 0; i < 24; i++) {
      seen.push((await call(webex, "GET", "/people/me")).status);
    }
    return seen;
  };
  const first = await statuses(42);
  assert.deepEqual(await statuses(42), first);
  assert.ok(
    first.includes(200) && first.includes(503),
    `both outcomes occur: ${first}`,
  );
  assert.notDeepEqual(await statuses(43), first);
});

Deno.test("FakeWebex counts and records requests per endpoint, with latency switched on", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  webex.setLatency(5);
  await call(webex, "GET", "/rooms");
  await call(webex, "GET", `/rooms/${roomId}`);
  await call(webex, "GET", `/rooms/${roomId}`);
  await call(webex, "POST", "/messages", { json: { roomId, text: "x" } });
  const message = webex.postedByBot()[0];
  await call(webex, "GET", `/messages/${message.id}`);
  webex.setLatency(0);
  assert.equal(webex.requestCount(), 5);
  assert.equal(webex.requestCount("GET /rooms"), 1);
  assert.equal(webex.requestCount("GET /rooms/{id}"), 2);
  assert.equal(webex.requestCount("POST /messages"), 1);
  assert.equal(webex.requestCount("GET /messages/{id}"), 1);
  assert.equal(webex.requestCount("DELETE /rooms/{id}"), 0);
  assert.deepEqual(webex.requests[1], {
    method: "GET",
    path: `/rooms/${roomId}`,
    endpoint: "GET /rooms/{id}",
    status: 200,
  });
  webex.clearRequests();
  assert.equal(webex.requestCount(), 0);
  assert.throws(() => webex.setLatency(-1), RangeError);
});

Deno.test("FakeWebex test helpers refuse unknown people and rooms with a TypeError", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  assert.throws(() => webex.addUser({ email: "alice@example.com" }), TypeError);
  assert.throws(
    () =>
      webex.simulateMessage({
        from: "ghost@example.com",
        toPersonEmail: alice.emails[0],
        text: "x",
      }),
    TypeError,
  );
  assert.throws(
    () => webex.simulateMessage({ from: alice, roomId: "nope", text: "x" }),
    /Cannot simulate a message/,
  );
  assert.throws(
    () => webex.addRoom({ title: "x", botIsMember: false }),
    TypeError,
  );
  const hidden = webex.addRoom({
    title: "Hidden",
    members: [alice],
    botIsMember: false,
  });
  assertErrorBody(await call(webex, "GET", `/rooms/${hidden.id}`), 404);
  assert.equal(webex.memberships(hidden.id as string).length, 1);
});

Deno.test("FakeWebex stops when its start signal aborts, and close() after that is harmless", async () => {
  const controller = new AbortController();
  const webex = await FakeWebex.start({ signal: controller.signal });
  assert.equal((await call(webex, "GET", "/people/me")).status, 200);
  controller.abort();
  await webex.close();
  await assert.rejects(fetch(`${webex.url}/people/me`), TypeError);
});

Deno.test("FakeWebex refuses a file over 100 MiB with 400 and posts nothing", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const boundary = "shellbot-limit";
  const encoder = new TextEncoder();
  const parts = [
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${roomId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n\r\n`,
    ),
    ...Array.from({ length: 100 }, () => new Uint8Array(1024 * 1024)),
    new Uint8Array(1),
    encoder.encode(`\r\n--${boundary}--\r\n`),
  ];
  const response = await fetch(`${webex.url}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    body: new Blob(parts),
  });
  const body = await response.json();
  assert.equal(response.status, 400);
  assert.match(body.message, /larger than 104857600 bytes/);
  assert.equal(webex.postedByBot().length, 0);
});

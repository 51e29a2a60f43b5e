import assert from "node:assert/strict";
import {
  type Action,
  type AdaptiveCard,
  type BotHandler,
  botSink,
  type Deleted,
  EventQueue,
  LocalSpace,
  type Message,
  type Space,
  type SpaceEvent,
} from "../mod.ts";
import { webexFixture } from "./_webex.ts";

const CARD: AdaptiveCard = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [{ type: "Input.Text", id: "name", label: "Name" }],
  actions: [{ type: "Action.Submit", title: "Send" }],
};

/** A webhook route on 127.0.0.1 that hands every delivery to the space. */
function hookServer(space: Space) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => space.webhook(request),
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

async function drain(queue: EventQueue<SpaceEvent>): Promise<SpaceEvent[]> {
  queue.close();
  const events: SpaceEvent[] = [];
  for await (const event of queue) events.push(event);
  return events;
}

const pingBot: BotHandler = async (event, space) => {
  if (event.type === "message" && event.text === "ping" && event.channelId) {
    await space.postMessage(event.channelId, "pong");
  }
};

Deno.test("a bot answering 'ping' behaves the same locally, in a Webex direct room and in a group room", async () => {
  const local: Space = new LocalSpace({
    input: ["ping"],
    stdout: new WritableStream(),
    ears: botSink(pingBot, () => local),
  });
  await local.connect();
  await local.run();
  const localReplies = (await local.listMessages({ id: "*local" }))
    .filter((message) => message.fromId === "*bot")
    .map((message) => message.text);

  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await using hook = hookServer(f.space);
  await f.space.register(hook.url);
  const direct = f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: f.webex.bot.emails[0],
    text: "ping",
  });
  const group = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "ping",
    mentions: [f.webex.bot],
  });
  await f.webex.settled();
  // The direct room is made by the first message: a join comes with it.
  const events = (await drain(ears)).filter((event) =>
    event.type === "message"
  ) as Message[];
  assert.equal(events.length, 2);
  assert.ok(String(group.text).startsWith(f.webex.bot.displayName));
  for (const event of events) {
    await pingBot(event, f.space);
    assert.equal(event.text, "ping");
    assert.ok(event.raw, "raw is kept");
  }
  const groupEvent = events.find((event) => !event.isDirect)!;
  assert.equal(groupEvent.raw?.text, group.text, "raw is Webex's own");
  assert.ok(f.space.isSameId(String(direct.roomId), events[0].channelId!));
  const webexReplies = f.webex.postedByBot().map((message) => message.text);
  assert.deepEqual(localReplies, ["pong"]);
  assert.deepEqual(webexReplies, ["pong", "pong"]);
});

Deno.test("a mention of someone else stays in the text; only a leading mention of the bot goes", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await using hook = hookServer(f.space);
  await f.space.register(hook.url);
  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "ask",
    mentions: [f.bob, f.webex.bot],
  });
  await f.webex.settled();
  const [event] = (await drain(ears)) as Message[];
  assert.ok(event.text.startsWith(f.bob.displayName), event.text);
});

Deno.test("threads: parentId in and out, and a reply to a reply is refused before anything is sent", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await using hook = hookServer(f.space);
  await f.space.register(hook.url);
  const first = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "start",
    mentions: [f.webex.bot],
  });
  const reply = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "in thread",
    parentId: first.id,
    mentions: [f.webex.bot],
  });
  await f.webex.settled();
  const events = (await drain(ears)) as Message[];
  const inThread = events.find((event) => event.text === "in thread")!;
  assert.ok(f.space.isSameId(inThread.parentId!, first.id));
  assert.equal(
    events.find((event) => event.text === "start")!.parentId,
    undefined,
  );

  const answer = await f.space.postMessage({
    id: f.roomId,
    text: "answer",
    parentId: first.id,
  });
  assert.ok(f.space.isSameId(answer.parentId!, first.id));
  assert.ok(f.space.isSameId(f.webex.postedByBot()[0].parentId!, first.id));

  const posted = f.webex.requestCount("POST /messages");
  await assert.rejects(
    async () =>
      await f.space.postMessage({
        id: f.roomId,
        text: "x",
        parentId: reply.id,
      }),
    (error: Error) =>
      error instanceof TypeError && /itself a reply/.test(error.message),
  );
  assert.equal(f.webex.requestCount("POST /messages"), posted, "nothing sent");
});

Deno.test("cards go out as an adaptive attachment with their fallback; what Webex refuses is refused first", async () => {
  await using f = await webexFixture();
  const sent = await f.space.postMessage({
    id: f.roomId,
    text: "Your name?",
    card: CARD,
  });
  const [stored] = f.webex.postedByBot();
  assert.equal(stored.text, "Your name?");
  assert.deepEqual(stored.attachments, [{
    contentType: "application/vnd.microsoft.card.adaptive",
    content: CARD,
  }]);
  assert.ok(sent.id);

  const before = f.webex.requestCount();
  await assert.rejects(
    async () => await f.space.postMessage({ id: f.roomId, card: CARD }),
    TypeError,
  );
  await assert.rejects(
    async () =>
      await f.space.postMessage({
        id: f.roomId,
        text: "new",
        card: { ...CARD, version: "1.5" },
      }),
    (error: Error) => error instanceof RangeError && /1\.3/.test(error.message),
  );
  await assert.rejects(
    async () =>
      await f.space.postMessage({
        id: f.roomId,
        text: "big",
        card: {
          ...CARD,
          body: [{ type: "TextBlock", text: "x".repeat(30_000) }],
        },
      }),
    RangeError,
  );
  assert.equal(f.webex.requestCount(), before, "nothing sent");
});

Deno.test("a card submission arrives as an action event, once, through the webhook", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await using hook = hookServer(f.space);
  await f.space.register(hook.url);
  const card = await f.space.postMessage({
    id: f.roomId,
    text: "Your name?",
    card: CARD,
  });
  const submitted = f.webex.simulateAction({
    from: f.alice,
    messageId: card.id!,
    inputs: { name: "Alice" },
  });
  await f.webex.settled();
  const events = await drain(ears);
  assert.equal(events.length, 1);
  const action = events[0] as Action;
  assert.equal(action.type, "action");
  assert.ok(f.space.isSameId(action.id, submitted.id));
  assert.ok(f.space.isSameId(action.messageId, card.id!));
  assert.ok(f.space.isSameId(action.channelId, f.roomId));
  assert.ok(f.space.isSameId(action.fromId!, f.alice.id));
  assert.deepEqual(action.inputs, { name: "Alice" });
  assert.equal(action.hook, "shellbot-actions");
  assert.equal(f.webex.requestCount("GET /attachment/actions/{id}"), 1);

  const delivery = {
    resource: "attachmentActions" as const,
    event: "created" as const,
    hook: "shellbot-actions",
    data: { id: submitted.id },
  };
  assert.equal(await f.space.processDelivery(delivery), "duplicate");
});

Deno.test("edits keep the room and the kind of content; files and cards are not edited; deletes go both ways", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await using hook = hookServer(f.space);
  await f.space.register(hook.url);
  const plain = await f.space.postMessage(f.roomId, "draft");
  const edited = await f.space.editMessage(plain.id!, "final");
  assert.equal(edited.text, "final");
  assert.equal(
    f.webex.messages(f.roomId).find((m) => m.id === plain.id)!.text,
    "final",
  );

  const rich = await f.space.postMessage({ id: f.roomId, markdown: "**a**" });
  await f.space.editMessage(rich.id!, "**b**");
  const stored = f.webex.messages(f.roomId).find((m) => m.id === rich.id)!;
  assert.equal(stored.markdown, "**b**", "markdown stays markdown");

  const withCard = await f.space.postMessage({
    id: f.roomId,
    text: "c",
    card: CARD,
  });
  const puts = f.webex.requestCount("PUT /messages/{id}");
  await assert.rejects(
    () => f.space.editMessage(withCard.id!, "changed"),
    TypeError,
  );
  await assert.rejects(() => f.space.editMessage(plain.id!, {}), TypeError);
  assert.equal(
    f.webex.requestCount("PUT /messages/{id}"),
    puts,
    "nothing sent",
  );

  await f.space.deleteMessage(plain.id!);
  assert.equal(
    f.webex.messages(f.roomId).some((m) => m.id === plain.id),
    false,
  );

  const said = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "oops",
    mentions: [f.webex.bot],
  });
  await f.webex.settled();
  f.webex.simulateDelete({ from: f.alice, messageId: said.id });
  await f.webex.settled();
  const events = await drain(ears);
  const deleted = events.filter((event) =>
    event.type === "deleted"
  ) as Deleted[];
  assert.equal(deleted.length, 1, "the bot's own deletes are not events");
  assert.ok(f.space.isSameId(deleted[0].id, said.id));
  assert.ok(f.space.isSameId(deleted[0].channelId, f.roomId));
});

Deno.test("getPerson finds by id or address, undefined when unknown, and is cached", async () => {
  await using f = await webexFixture();
  const byId = await f.space.getPerson(f.alice.id);
  assert.equal(byId?.displayName, "Alice");
  assert.deepEqual(byId?.emails, ["alice@acme.com"]);
  const byEmail = await f.space.getPerson("bob@acme.com");
  assert.ok(byEmail && f.space.isSameId(byEmail.id, f.bob.id));
  assert.equal(await f.space.getPerson("nobody@acme.com"), undefined);
  const unknown = f.alice.id.replace(/.{4}$/, "AAAA");
  assert.equal(await f.space.getPerson(unknown), undefined);
  const reads = f.webex.requestCount("GET /people/{id}");
  await f.space.getPerson(f.alice.id);
  assert.equal(f.webex.requestCount("GET /people/{id}"), reads, "cached");
  await assert.rejects(() => f.space.getPerson(""), TypeError);
});

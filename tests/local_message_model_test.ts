import assert from "node:assert/strict";
import {
  type Action,
  type AdaptiveCard,
  type BotHandler,
  botSink,
  Context,
  LocalSpace,
  type Space,
  type SpaceEvent,
} from "../mod.ts";
import { textSink } from "./_streams.ts";

const CARD: AdaptiveCard = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [
    { type: "Input.Text", id: "name", label: "Name" },
    {
      type: "Input.ChoiceSet",
      id: "colour",
      value: "red",
      choices: [{ title: "Red", value: "red" }, {
        title: "Blue",
        value: "blue",
      }],
    },
  ],
  actions: [
    { type: "Action.Submit", title: "Send", data: { kind: "send" } },
    { type: "Action.Submit", title: "Cancel", data: { kind: "cancel" } },
  ],
};

function localBot(bot: BotHandler, input: string[], context?: Context) {
  const out = textSink();
  const events: SpaceEvent[] = [];
  const sink = botSink(bot, () => space);
  const space: Space = new LocalSpace({
    input,
    context,
    stdout: out.stream,
    ears: {
      put: async (event) => {
        events.push(event);
        await sink.put(event);
      },
    },
  });
  return { space, out, events };
}

Deno.test("a reply in a thread is kept with its parent and shown as a reply; a reply to a reply is refused", async () => {
  const errors: unknown[] = [];
  const { space, out } = localBot(async (event, space) => {
    if (event.type !== "message" || !event.id) return;
    const reply = await space.postMessage({
      id: "*local",
      text: `re: ${event.text}`,
      parentId: event.id,
    });
    try {
      await space.postMessage({ id: "*local", text: "x", parentId: reply.id });
    } catch (error) {
      errors.push(error);
    }
  }, ["hello"]);
  await space.connect();
  await space.run();
  assert.equal(out.text(), "> hello\n↳ re: hello\n^C\n");
  const [reply, hello] = await space.listMessages({ id: "*local" });
  assert.equal(reply.parentId, hello.id);
  assert.equal(hello.parentId, undefined);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof TypeError);
  assert.match((errors[0] as Error).message, /itself a reply/);
});

Deno.test("a card shows its fallback and inputs; /submit sends an action with defaults and the button's data", async () => {
  const { space, out, events } = localBot(async (event, space) => {
    if (event.type === "message" && event.text === "card") {
      await space.postMessage({
        id: "*local",
        text: "Who are you?",
        card: CARD,
      });
    }
  }, [
    "card",
    "/submit name=Alice",
    '/submit cancel name="Bob Smith" colour=blue',
    "/submit nope=1",
  ]);
  await space.connect();
  await space.run();
  const actions = events.filter((event) => event.type === "action") as Action[];
  assert.equal(actions.length, 2);
  const card = (await space.listMessages({ id: "*local" })).find((message) =>
    message.text === "Who are you?"
  )!;
  assert.equal(actions[0].messageId, card.id);
  assert.equal(actions[0].channelId, "*local");
  assert.equal(actions[0].fromId, "*user");
  assert.deepEqual(actions[0].inputs, {
    name: "Alice",
    colour: "red",
    kind: "send",
  });
  assert.deepEqual(actions[1].inputs, {
    name: "Bob Smith",
    colour: "blue",
    kind: "cancel",
  });
  const text = out.text();
  assert.match(
    text,
    /Who are you\?\n\[card\] inputs: name \(text\), colour \(red \| blue\)\n/,
  );
  assert.match(text, /\[card\] buttons: Send \| Cancel; answer with \/submit/);
  assert.match(
    text,
    /No input "nope" on the card: its inputs are name, colour/,
  );
});

Deno.test("/submit without a card says so, and sends nothing", async () => {
  const { space, out, events } = localBot(async () => {}, ["/submit a=1"]);
  await space.run();
  assert.deepEqual(events, []);
  assert.match(out.text(), /No card to submit yet/);
});

Deno.test("edits and deletes change the transcript and are shown", async () => {
  const { space, out } = localBot(async (event, space) => {
    if (event.type !== "message") return;
    const sent = await space.postMessage("*local", "draft");
    await space.editMessage(sent.id!, { markdown: "**final**" });
    const gone = await space.postMessage("*local", "temporary");
    await space.deleteMessage(gone.id!);
  }, ["go"]);
  await space.connect();
  await space.run();
  assert.equal(
    out.text(),
    "> go\ndraft\n[edited] **final**\ntemporary\n[deleted] temporary\n^C\n",
  );
  const texts = (await space.listMessages({ id: "*local" })).map((m) => m.text);
  assert.deepEqual(texts, ["**final**", "go"]);
  await assert.rejects(() => space.editMessage("*m99", "x"), TypeError);
  await assert.rejects(() => space.deleteMessage("*m99"), TypeError);
});

Deno.test("getPerson knows the local user and the bot", async () => {
  const space = new LocalSpace({ input: [], stdout: textSink().stream });
  await space.connect();
  assert.deepEqual(await space.getPerson("*user"), {
    id: "*user",
    emails: [],
    displayName: "You",
    kind: "person",
  });
  assert.equal((await space.getPerson("*bot"))?.displayName, "Shelly");
  assert.equal(await space.getPerson("someone@acme.com"), undefined);
});

Deno.test("space.prompt sets the prompt and space.title resolves $NAME", async () => {
  const context = new Context({
    space: { prompt: "you: ", title: "$ROOM_NAME" },
  }, { env: (name) => name === "ROOM_NAME" ? "War room" : undefined });
  const { space, out } = localBot(async () => {}, ["hi"], context);
  await space.run();
  assert.equal(out.text(), "you: hi\n^C\n");
  assert.equal(space.configuredTitle(), "War room");
  assert.equal((await space.getById("*local"))?.title, "War room");
  space.configure();
  assert.equal(space.context.get("space.title"), "War room");
});

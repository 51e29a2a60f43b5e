import assert from "node:assert/strict";
import { botSink, LocalSpace, type Space } from "../mod.ts";
import demoBot from "../examples/demo_bot.ts";
import { webexFixture } from "./_webex.ts";
import { textSink } from "./_streams.ts";

Deno.test("demo bot: help lists its commands, echo, a card and its submission, locally", async () => {
  const out = textSink();
  const space: Space = new LocalSpace({
    input: ["help", "echo hi there", "card", "/submit name=Ada", "what?"],
    stdout: out.stream,
    ears: botSink(demoBot, () => space),
  });
  await space.connect();
  await space.run();
  const text = out.text();
  assert.match(
    text,
    /> help\nCommands:\n {2}help +this list\n {2}hello +a greeting/,
  );
  assert.match(text, /> echo hi there\nhi there\n/);
  assert.match(
    text,
    /What should I call you\? \(your client cannot show cards\)/,
  );
  assert.match(text, /↳ Nice to meet you, Ada!\n/);
  assert.match(text, /> what\?\nReceived a message: "what\?" \(try 'help'\)/);
});

Deno.test("demo bot on FakeWebex: answers in the thread it was spoken to in, with the mention removed", async () => {
  await using f = await webexFixture();
  const first = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hello",
    mentions: [f.webex.bot],
  });
  const reply = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "echo in a thread",
    parentId: first.id,
    mentions: [f.webex.bot],
  });
  const events = await f.space.listMessages({ id: f.roomId, quantity: 2 });
  for (const id of [first.id, reply.id]) {
    await demoBot.handle(events.find((event) => event.id === id)!, f.space);
  }
  const [hello, echo] = f.webex.postedByBot();
  assert.equal(hello.text, "Hello!");
  assert.equal(hello.parentId, undefined);
  assert.equal(echo.text, "in a thread");
  assert.equal(echo.parentId, first.id);
});

Deno.test("demo bot on FakeWebex: describes a person's join, and keeps quiet on its own", async () => {
  await using f = await webexFixture();
  const botId = f.space.context.get<string>("bot.id");
  await demoBot.handle(
    { type: "join", actorId: botId, channelId: f.roomId },
    f.space,
  );
  assert.equal(f.webex.postedByBot().length, 0);
  await demoBot.handle(
    {
      type: "join",
      actorId: "someone",
      actorLabel: "Bob",
      channelId: f.roomId,
    },
    f.space,
  );
  assert.deepEqual(f.webex.postedByBot().map((message) => message.text), [
    "Received a join: Bob joined",
  ]);
});

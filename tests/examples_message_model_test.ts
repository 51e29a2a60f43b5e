import assert from "node:assert/strict";
import {
  botSink,
  EventQueue,
  LocalSpace,
  type Space,
  type SpaceEvent,
} from "../mod.ts";
import cardBot from "../examples/card_bot.ts";
import threadBot from "../examples/thread_bot.ts";
import { webexFixture } from "./_webex.ts";
import { textSink } from "./_streams.ts";

Deno.test("examples/card_bot.ts: a card on 'card', an answer to its submission, locally", async () => {
  const out = textSink();
  const space: Space = new LocalSpace({
    input: ["card", "/submit name=Alice", "/submit Cancel"],
    stdout: out.stream,
    ears: botSink(cardBot, () => space),
  });
  await space.connect();
  await space.run();
  const text = out.text();
  assert.match(text, /Who are you\? \(your client cannot show cards\)\n/);
  assert.match(text, /\[card\] inputs: name \(text\)/);
  assert.match(text, /↳ Nice to meet you, Alice!\n/);
  assert.match(text, /↳ Maybe another time\.\n/);
});

Deno.test("examples/card_bot.ts on FakeWebex: the card goes out as an attachment, the action is answered in its thread", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  await cardBot({
    type: "message",
    text: "card",
    content: "card",
    channelId: f.roomId,
    isDirect: false,
    mentionedIds: [],
  }, f.space);
  const [card] = f.webex.postedByBot();
  assert.equal(card.attachments?.length, 1);
  const action = f.webex.simulateAction({
    from: f.alice,
    messageId: card.id,
    inputs: { name: "Alice", choice: "send" },
  });
  await cardBot({
    type: "action",
    id: action.id,
    messageId: card.id,
    channelId: f.roomId,
    inputs: { name: "Alice", choice: "send" },
  }, f.space);
  const answer = f.webex.postedByBot()[1];
  assert.equal(answer.text, "Nice to meet you, Alice!");
  assert.equal(answer.parentId, card.id);
});

Deno.test("examples/thread_bot.ts answers in the thread, by name, locally and on FakeWebex", async () => {
  const out = textSink();
  const space: Space = new LocalSpace({
    input: ["hello"],
    stdout: out.stream,
    ears: botSink(threadBot, () => space),
  });
  await space.connect();
  await space.run();
  assert.equal(out.text(), "> hello\n↳ You said: hello\n^C\n");

  await using f = await webexFixture();
  const first = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hi",
    mentions: [f.webex.bot],
  });
  const reply = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "again",
    parentId: first.id,
    mentions: [f.webex.bot],
  });
  for (const message of [first, reply]) {
    const [event] = await f.space.listMessages({ id: f.roomId, quantity: 2 })
      .then((list) => list.filter((item) => item.id === message.id));
    await threadBot(event, f.space);
  }
  const answers = f.webex.postedByBot();
  assert.deepEqual(answers.map((m) => m.text), [
    "Alice said: hi",
    "Alice said: again",
  ]);
  assert.ok(answers.every((m) => m.parentId === first.id));
});

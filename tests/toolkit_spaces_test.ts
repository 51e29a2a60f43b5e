import assert from "node:assert/strict";
import {
  Bot,
  type BotLike,
  botSink,
  EventQueue,
  LocalSpace,
  runBot,
  type Space,
  type SpaceEvent,
} from "../mod.ts";
import commandBot from "../examples/command_bot.ts";
import sessionBot from "../examples/session_bot.ts";
import { textSink } from "./_streams.ts";
import { deliveryRequest, messageDelivery, webexFixture } from "./_webex.ts";

/** Runs a bot on a local space with scripted input; returns the transcript. */
async function transcript(
  bot: BotLike,
  input: string[],
): Promise<string> {
  const out = textSink();
  const space: Space = new LocalSpace({
    input,
    stdout: out.stream,
    ears: botSink(bot, () => space),
  });
  await space.connect();
  await space.run();
  return out.text();
}

Deno.test("examples/command_bot.ts on a local space", async () => {
  const text = await transcript(commandBot, [
    "help",
    "/hello",
    "Echo  hi there",
    "add 1 2 3",
    "add one",
    "thanks a lot",
    "dance",
  ]);
  assert.equal(
    text,
    [
      "> help",
      "Commands:",
      "  help       this list",
      "  hello      a greeting",
      "  echo, say  says <text> back",
      "  add        adds <numbers>",
      "> /hello",
      "Hello!",
      "> Echo  hi there",
      "hi there",
      "> add 1 2 3",
      "6",
      "> add one",
      "That did not work: cannot add 'one'",
      "> thanks a lot",
      "You are welcome!",
      "> dance",
      "Sorry, I do not know 'dance' (try help)",
      "^C",
      "",
    ].join("\n"),
  );
});

Deno.test("examples/session_bot.ts on a local space keeps the list between messages", async () => {
  const text = await transcript(sessionBot, [
    "add milk",
    "add bread",
    "list",
    "done 1",
    "done 7",
    "list",
    "clear",
    "list",
  ]);
  assert.equal(
    text,
    [
      "> add milk",
      "Added: milk (1 to do)",
      "> add bread",
      "Added: bread (2 to do)",
      "> list",
      "1. milk\n2. bread",
      "> done 1",
      "Done: milk",
      "> done 7",
      "No such item (done <number>)",
      "> list",
      "1. bread",
      "> clear",
      "The list is empty.",
      "> list",
      "Nothing to do.",
      "^C",
      "",
    ].join("\n"),
  );
});

Deno.test("a Bot on Webex: signed webhooks in, replies in the room through FakeWebex", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: "s3cret" }, { ears });
  const bot = new Bot()
    .command("hello", (ctx) => ctx.reply(`Hello, ${ctx.event.fromLabel}!`))
    .hears(/weather in (\w+)/i, (ctx) => ctx.reply(`Sunny in ${ctx.match[1]}`));
  for (const text of ["hello", "what is the weather in Paris?", "help"]) {
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text, // the fake puts the bot's name first, as Webex does
      mentions: [f.webex.bot],
    });
    const response = await f.space.webhook(
      await deliveryRequest(messageDelivery(sent), "s3cret"),
    );
    assert.equal(response.status, 200);
    await response.body?.cancel();
  }
  ears.close();
  await runBot(bot, f.space, ears);
  assert.deepEqual(f.webex.postedByBot().map((message) => message.text), [
    "Hello, alice@acme.com!",
    "Sunny in Paris",
    "Commands:\n  help   this list\n  hello",
  ]);
  assert.ok(
    f.webex.postedByBot().every((message) => message.roomId === f.roomId),
  );
});

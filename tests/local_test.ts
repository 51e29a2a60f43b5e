import assert from "node:assert/strict";
import {
  botSink,
  Context,
  EventQueue,
  LocalSpace,
  type Message,
  type Space,
  type SpaceEvent,
} from "../mod.ts";
import { textSink, textSource } from "./_streams.ts";

/** A user line as the local space hears it: ids `*m1`, `*m2`, ... in order. */
function userMessage(
  text: string,
  id: string,
  mentionedIds: string[] = [],
): Message {
  return {
    type: "message",
    id,
    text,
    content: text,
    fromId: "*user",
    channelId: "*local",
    mentionedIds,
    isDirect: false,
  };
}

async function drain(queue: EventQueue<SpaceEvent>): Promise<SpaceEvent[]> {
  queue.close();
  const events: SpaceEvent[] = [];
  for await (const event of queue) events.push(event);
  return events;
}

Deno.test("scripted input becomes messages on ears, echoed after the prompt", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const out = textSink();
  const space = new LocalSpace({
    ears,
    input: "hello\nworld",
    stdout: out.stream,
  });
  await space.run();
  assert.deepEqual(await drain(ears), [
    userMessage("hello", "*m1"),
    userMessage("world", "*m2"),
  ]);
  assert.equal(out.text(), "> hello\n> world\n^C\n");
  assert.equal(space.context.get("general.switch"), "off");
});

Deno.test("messages mention the bot once bot.id is set", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const space = new LocalSpace({
    ears,
    input: ["hi"],
    stdout: textSink().stream,
  });
  await space.connect();
  assert.equal(space.context.get("bot.id"), "*bot");
  await space.run();
  assert.deepEqual(await drain(ears), [userMessage("hi", "*m1", ["*bot"])]);
});

Deno.test("push adds lines to a scripted space", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const out = textSink();
  const space = new LocalSpace({ ears, stdout: out.stream });
  space.push("one");
  space.push(["two", "three"]);
  await space.run();
  assert.deepEqual(
    (await drain(ears)).map((event) => (event as Message).text),
    ["one", "two", "three"],
  );
  assert.equal(out.text(), "> one\n> two\n> three\n^C\n");
});

Deno.test("stdin lines become messages until the end of the stream", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const out = textSink();
  const stdin = textSource("hel", "lo\r\nsecond line\n\nthi", "rd");
  const space = new LocalSpace({ ears, stdin, stdout: out.stream });
  await space.run();
  assert.deepEqual(await drain(ears), [
    userMessage("hello", "*m1"),
    userMessage("second line", "*m2"),
    userMessage("third", "*m3"),
  ]);
  assert.equal(out.text(), "> hello\n> second line\n> third\n");
  assert.equal(space.context.get("general.switch"), "off");
});

Deno.test("an abort leaves a pending stdin read for the next run", async () => {
  const ears = new EventQueue<SpaceEvent>();
  const encoder = new TextEncoder();
  let feed!: ReadableStreamDefaultController<Uint8Array>;
  const stdin = new ReadableStream<Uint8Array>({
    start: (controller) => void (feed = controller),
  });
  const space = new LocalSpace({ ears, stdin, stdout: textSink().stream });
  const controller = new AbortController();
  const first = space.run({ signal: controller.signal });
  feed.enqueue(encoder.encode("before\n"));
  assert.deepEqual(await ears.get(), userMessage("before", "*m1"));
  controller.abort();
  await first;
  feed.enqueue(encoder.encode("after\n"));
  feed.close();
  await space.run();
  assert.deepEqual(await drain(ears), [userMessage("after", "*m2")]);
});

Deno.test("postMessage prints the text, the content or the file name", async () => {
  const out = textSink();
  const space = new LocalSpace({ input: [], stdout: out.stream });
  await space.connect();
  const posted = await space.postMessage("*local", "plain");
  await space.postMessage({ id: "*local", content: "**rich**" });
  await space.postMessage({
    id: "*local",
    text: "see",
    file: "/tmp/dir/report.pdf",
  });
  await space.postMessage({
    person: "a@acme.com",
    file: new File(["x"], "notes.txt"),
  });
  assert.equal(out.text(), "plain\n**rich**\nsee\n[report.pdf]\n[notes.txt]\n");
  assert.equal(posted.fromId, "*bot");
  assert.equal(posted.channelId, "*local");
  const history = await space.listMessages({ id: "*local", quantity: 2 });
  assert.deepEqual(history.map((message) => message.text), ["see", "**rich**"]);
});

Deno.test("the one channel, and participants in memory", async () => {
  const context = new Context({ space: { title: "Demo" } });
  const space = new LocalSpace({ context, input: [] });
  const channel = await space.getById("*local");
  assert.equal(channel?.title, "Demo");
  assert.equal(channel?.isGroup, true);
  assert.equal(await space.getById("other"), undefined);
  assert.equal((await space.getByTitle("Demo"))?.id, "*local");
  assert.equal(await space.getByPerson("a@acme.com"), undefined);
  await assert.rejects(() => space.getById(""), TypeError);
  await space.update({ ...channel!, title: "Renamed" });
  assert.equal(space.configuredTitle(), "Renamed");
  assert.deepEqual(
    (await space.listGroupChannels()).map((item) => item.title),
    ["Renamed"],
  );
  assert.equal((await space.create("Created")).title, "Created");

  const report = await space.addParticipants("*local", [
    "a@acme.com",
    "b@acme.com",
  ]);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(await space.listParticipants("*local"), [
    "a@acme.com",
    "b@acme.com",
  ]);
  await space.removeParticipant("*local", "a@acme.com");
  assert.deepEqual(await space.listParticipants("*local"), ["b@acme.com"]);
  await space.delete("*local");
  assert.deepEqual(await space.listParticipants("*local"), []);
});

Deno.test("a bot sink answers between the scripted lines", async () => {
  const out = textSink();
  const space: Space = new LocalSpace({
    input: ["ping", "ping again"],
    stdout: out.stream,
    ears: botSink(async (event, space) => {
      if (event.type === "message") {
        await space.postMessage("*local", `pong to ${event.text}`);
      }
    }, () => space),
  });
  await space.run();
  assert.equal(
    out.text(),
    "> ping\npong to ping\n> ping again\npong to ping again\n^C\n",
  );
});

Deno.test("a throwing bot is logged and the space goes on", async () => {
  const errors: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error: (line: string) => void errors.push(line),
  };
  let calls = 0;
  const space: Space = new LocalSpace({
    input: ["a", "b"],
    stdout: textSink().stream,
    logger,
    ears: botSink(() => {
      calls++;
      throw new Error("boom");
    }, () => space),
  });
  await space.run();
  assert.equal(calls, 2);
  assert.equal(errors.length, 2);
  assert.match(errors[0], /boom/);
});

Deno.test("100,000 scripted lines flow to ears in one pull", async () => {
  const ears = new EventQueue<SpaceEvent>();
  let bytes = 0;
  const stdout = new WritableStream<Uint8Array>({
    write: (chunk) => void (bytes += chunk.length),
  });
  const lines = Array.from({ length: 100_000 }, (_, index) => `line ${index}`);
  const space = new LocalSpace({ ears, input: lines, stdout });
  await space.pull();
  assert.equal(ears.size, 100_000);
  assert.equal(space.context.get("general.switch"), "off");
  const last = (await drain(ears)).at(-1) as Message;
  assert.equal(last.text, "line 99999");
  assert.ok(bytes > 100_000 * 7);
});

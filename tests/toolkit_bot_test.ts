import assert from "node:assert/strict";
import { Bot, botSink, createJoin, createLeave, loadBot } from "../mod.ts";
import { recordingSpace, said } from "./_toolkit.ts";

Deno.test("a command matches with or without '/', in any case, and carries its arguments", async () => {
  const { space, texts } = recordingSpace();
  const seen: [string, string[], string][] = [];
  const bot = new Bot().command(["echo", "/say"], (ctx) => {
    seen.push([ctx.command, ctx.args, ctx.rest]);
    return ctx.reply(ctx.rest);
  });
  await bot.handle(said("echo  hello   world "), space);
  await bot.handle(said("/ECHO one"), space);
  await bot.handle(said("Say"), space);
  await bot.handle(said("echoes not this"), space);
  assert.deepEqual(seen, [
    ["echo", ["hello", "world"], "hello   world"],
    ["echo", ["one"], "one"],
    ["say", [], ""],
  ]);
  assert.deepEqual(texts(), ["hello   world", "one", ""]);
});

Deno.test("a leading mention of the bot is not part of the text", async () => {
  const { space, texts } = recordingSpace({ bot: { name: "Shelly" } });
  const bot = new Bot().command("hello", (ctx) => ctx.reply(`hi ${ctx.text}`));
  await bot.handle(said("Shelly hello there"), space);
  await bot.handle(said("shelly"), space);
  await bot.handle(said("Shellyhello"), space);
  assert.deepEqual(texts(), ["hi hello there"]);
});

Deno.test("command names must be one word", () => {
  const bot = new Bot();
  assert.throws(() => bot.command("", () => {}), TypeError);
  assert.throws(() => bot.command("two words", () => {}), TypeError);
  assert.throws(() => bot.command([], () => {}), TypeError);
});

Deno.test("hears: a string matches the whole text in any case, a RegExp anywhere, with the match", async () => {
  const { space, texts } = recordingSpace();
  const bot = new Bot()
    .hears("good morning", (ctx) => ctx.reply(`string ${ctx.match[0]}`))
    .hears(/order (\d+)/g, (ctx) => ctx.reply(`order ${ctx.match[1]}`));
  await bot.handle(said("Good Morning"), space);
  await bot.handle(said("good morning everyone"), space);
  await bot.handle(said("where is order 42?"), space);
  await bot.handle(said("and order 7"), space); // a /g expression keeps no state
  assert.deepEqual(texts(), [
    "string Good Morning",
    "order 42",
    "order 7",
  ]);
});

Deno.test("on() routes by type with the event narrowed", async () => {
  const { space, texts } = recordingSpace();
  const bot = new Bot()
    .on("join", (ctx) => ctx.reply(`welcome ${ctx.event.actorId}`))
    .on(["leave", "message"], (ctx) =>
      ctx.reply(
        ctx.event.type === "leave" ? `bye ${ctx.event.actorId}` : "message",
      ));
  await bot.handle(createJoin({ actorId: "p1", channelId: "c1" }), space);
  await bot.handle(createLeave({ actorId: "p2", channelId: "c1" }), space);
  await bot.handle(said("anything"), space);
  assert.deepEqual(texts(), ["welcome p1", "bye p2", "message"]);
});

Deno.test("routes run in the order they were added; the first that applies ends the chain unless it calls next", async () => {
  const { space } = recordingSpace();
  const order: string[] = [];
  const bot = new Bot()
    .hears(/.*/, async (_ctx, next) => {
      order.push("hears-all");
      await next();
    })
    .command("a", () => void order.push("command a"))
    .on("message", () => void order.push("on message"))
    .command("b", () => void order.push("command b (never)"));
  await bot.handle(said("a"), space);
  await bot.handle(said("b"), space);
  assert.deepEqual(order, [
    "hears-all",
    "command a",
    "hears-all",
    "on message",
  ]);
});

Deno.test("middleware runs onion-style, before and after the handler", async () => {
  const { space } = recordingSpace();
  const order: string[] = [];
  const bot = new Bot()
    .use(async (_ctx, next) => {
      order.push("1 in");
      await next();
      order.push("1 out");
    }, async (_ctx, next) => {
      order.push("2 in");
      await next();
      order.push("2 out");
    })
    .command("go", () => void order.push("handler"));
  await bot.handle(said("go"), space);
  assert.deepEqual(order, ["1 in", "2 in", "handler", "2 out", "1 out"]);
  order.length = 0;
  await bot.handle(said("no route"), space);
  assert.deepEqual(order, ["1 in", "2 in", "2 out", "1 out"]);
});

Deno.test("next() twice in one middleware is an error", async () => {
  const { space } = recordingSpace();
  const errors: unknown[] = [];
  const bot = new Bot()
    .use(async (_ctx, next) => {
      await next();
      await next();
    })
    .catch((error) => void errors.push(error));
  await bot.handle(said("x"), space);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /next\(\) was called twice/);
});

Deno.test("a failing handler is logged in one line by default and the bot goes on", async () => {
  const { space, logs, texts } = recordingSpace();
  const bot = new Bot()
    .command("boom", () => {
      throw new Error("kaput\nsecond line");
    })
    .command("ok", (ctx) => ctx.reply("fine"));
  await bot.handle(said("boom"), space);
  await bot.handle(said("ok"), space);
  assert.deepEqual(logs, [
    "The bot failed on a message event (command 'boom'): Error: kaput",
  ]);
  assert.deepEqual(texts(), ["fine"]);
});

Deno.test("catch() gets the error and the context; what it throws reaches the caller", async () => {
  const { space, texts, logs } = recordingSpace();
  const bot = new Bot()
    .command("boom", () => Promise.reject(new RangeError("bad")))
    .catch((error, ctx) => ctx.reply(`sorry: ${(error as Error).message}`));
  await bot.handle(said("boom"), space);
  assert.deepEqual(texts(), ["sorry: bad"]);
  assert.deepEqual(logs, []);
  bot.catch((error) => {
    throw error;
  });
  await assert.rejects(() => bot.handle(said("boom"), space), RangeError);
});

Deno.test("help lists the commands with their descriptions, before a catch-all", async () => {
  const { space, texts } = recordingSpace();
  const bot = new Bot()
    .command(["hello", "hi"], (ctx) => ctx.reply("Hello!"), {
      description: "a greeting",
    })
    .command("echo", (ctx) => ctx.reply(ctx.rest))
    .on("message", (ctx) => ctx.reply("try help"));
  await bot.handle(said("/Help"), space);
  await bot.handle(said("what?"), space);
  const listing = [
    "Commands:",
    "  help       this list",
    "  hello, hi  a greeting",
    "  echo",
  ].join("\n");
  assert.equal(bot.helpText(), listing);
  assert.deepEqual(texts(), [listing, "try help"]);
});

Deno.test("help can be turned off, or replaced by a help command", async () => {
  const off = recordingSpace();
  const quiet = new Bot({ help: false }).command("x", () => {});
  await quiet.handle(said("help"), off.space);
  assert.deepEqual(off.texts(), []);
  assert.equal(quiet.helpText(), "Commands:\n  x");

  const mine = recordingSpace();
  const custom = new Bot()
    .command("x", () => {}, { description: "does x" })
    .command("help", (ctx) => ctx.reply(`My bot.\n${custom.helpText()}`));
  await custom.handle(said("help"), mine.space);
  assert.deepEqual(mine.texts(), [
    "My bot.\nCommands:\n  x     does x\n  help",
  ]);
});

Deno.test("reply answers in the channel and the thread; without a channel, the sender directly", async () => {
  const { space, posted } = recordingSpace();
  const bot = new Bot().on("message", (ctx) => ctx.reply({ text: "ok" }));
  await bot.handle(said("a"), space);
  await bot.handle(said("b", { parentId: "m0" }), space);
  await bot.handle(said("c", { channelId: undefined }), space);
  const where = posted.map(({ id, person, parentId, text }) => ({
    id,
    person,
    parentId,
    text,
  }));
  assert.deepEqual(where, [
    { id: "c1", person: undefined, parentId: undefined, text: "ok" },
    { id: "c1", person: undefined, parentId: "m0", text: "ok" },
    {
      id: undefined,
      person: "alice@acme.com",
      parentId: undefined,
      text: "ok",
    },
  ]);
  assert.ok(posted.every((request) => request.signal instanceof AbortSignal));
});

Deno.test("person() comes from the event, looked up once, through getPerson when the space has it", async () => {
  const { space } = recordingSpace();
  const people: unknown[] = [];
  const bot = new Bot().on(["message", "join"], async (ctx) => {
    people.push(await ctx.person());
    assert.equal(ctx.person(), ctx.person());
  });
  await bot.handle(said("hi"), space);
  await bot.handle(
    createJoin({ actorId: "p2", actorAddress: "bob@acme.com", channelId: "c" }),
    space,
  );
  let lookups = 0;
  Object.assign(space, {
    getPerson: (id: string) => {
      lookups++;
      return Promise.resolve({
        id,
        emails: ["alice@acme.com"],
        displayName: "Alice",
      });
    },
  });
  await bot.handle(said("again"), space);
  assert.deepEqual(people, [
    { id: "p-alice", label: "alice@acme.com" },
    { id: "p2", label: "bob@acme.com" },
    {
      id: "p-alice",
      label: "alice@acme.com",
      emails: ["alice@acme.com"],
      displayName: "Alice",
    },
  ]);
  assert.equal(lookups, 1);
});

Deno.test("ctx.signal is botSink's signal", async () => {
  const { space } = recordingSpace();
  const controller = new AbortController();
  const signals: AbortSignal[] = [];
  const bot = new Bot().use((ctx) => void signals.push(ctx.signal));
  await botSink(bot, space, { signal: controller.signal }).put(said("x"));
  await bot.handle(said("y"), space);
  controller.abort();
  assert.equal(signals[0].aborted, true);
  assert.equal(signals[1].aborted, false);
});

Deno.test("loadBot takes a module whose default export is a Bot, keeping the signal", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/bot.ts`;
    const mod = new URL("../mod.ts", import.meta.url).href;
    await Deno.writeTextFile(
      path,
      `import { Bot } from "${mod}";\nexport default new Bot().use((ctx) => { ctx.space.logger.info(String(ctx.signal.aborted)); });\n`,
    );
    const handler = await loadBot(path);
    const { space, logs } = recordingSpace();
    await handler(said("x"), space);
    const controller = new AbortController();
    controller.abort();
    await botSink(handler, space, { signal: controller.signal }).put(said("y"));
    assert.deepEqual(logs, ["false", "true"]);
    await assert.rejects(
      () => loadBot("data:text/javascript,export default 42"),
      /must export a function as default, or a Bot/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { Bot } from "../mod.ts";
import { recordingSpace, said } from "./_toolkit.ts";

// A rejection nobody handles fails the test run (as it kills a server), so
// each case below also proves that none is left unhandled.

Deno.test("a middleware that does not await next(): the handler's error reaches catch once", async () => {
  const { space } = recordingSpace();
  const errors: unknown[] = [];
  const order: string[] = [];
  const bot = new Bot()
    .use((_ctx, next) => {
      next();
    })
    .command("x", async () => {
      await Promise.resolve();
      order.push("handler");
      throw new Error("handler failed");
    })
    .catch((error) => void errors.push(error));
  await bot.handle(said("x"), space);
  // The event counts as handled only once the chain it started has ended.
  assert.deepEqual(order, ["handler"]);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /handler failed/);
});

Deno.test("without catch, the error of an un-awaited next() is logged in one line", async () => {
  const { space, logs } = recordingSpace();
  const bot = new Bot()
    .use((_ctx, next) => void next())
    .use((_ctx, next) => void next().then(() => {}))
    .command("x", () => {
      throw new Error("handler failed\nmore");
    });
  await bot.handle(said("x"), space);
  assert.deepEqual(logs, [
    "The bot failed on a message event (command 'x'): Error: handler failed",
  ]);
});

Deno.test("a second next() that is not awaited is reported, and the process goes on", async () => {
  const { space, texts } = recordingSpace();
  const errors: unknown[] = [];
  const bot = new Bot()
    .use(async (_ctx, next) => {
      await next();
      next();
    })
    .command("x", (ctx) => ctx.reply("ran"))
    .catch((error) => void errors.push(error));
  await bot.handle(said("x"), space);
  assert.deepEqual(texts(), ["ran"]);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /next\(\) was called twice/);
});

Deno.test("a second next() is reported even when the middleware catches it", async () => {
  const { space } = recordingSpace();
  const errors: unknown[] = [];
  const bot = new Bot()
    .use(async (_ctx, next) => {
      await next();
      await next().catch(() => {});
    })
    .catch((error) => void errors.push(error));
  await bot.handle(said("x"), space);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /next\(\) was called twice/);
});

Deno.test("an error the middleware catches from next() is its own: not reported", async () => {
  const { space, texts, logs } = recordingSpace();
  const bot = new Bot()
    .use(async (ctx, next) => {
      try {
        await next();
      } catch {
        await ctx.reply("sorry");
      }
    })
    .use((_ctx, next) =>
      next().catch(() => {}).then(() => {
        throw new Error("after");
      })
    )
    .command("x", () => {
      throw new Error("handler failed");
    });
  await bot.handle(said("x"), space);
  assert.deepEqual(texts(), ["sorry"]);
  assert.deepEqual(logs, []);
});

Deno.test("an error returned through next() and thrown by the middleware too is reported once", async () => {
  const { space } = recordingSpace();
  const errors: unknown[] = [];
  const bot = new Bot()
    .use((_ctx, next) => next())
    .use(async (_ctx, next) => {
      const rest = next();
      await Promise.resolve();
      await rest;
    })
    .command("x", () => {
      throw new Error("handler failed");
    })
    .catch((error) => void errors.push(error));
  await bot.handle(said("x"), space);
  assert.equal(errors.length, 1);
});

Deno.test("next() called after the middleware ended: its error still reaches catch", async () => {
  const { space } = recordingSpace();
  let late!: Promise<void>;
  const failed = Promise.withResolvers<unknown>();
  const bot = new Bot()
    .use((_ctx, next) => {
      // The rest runs after the event was handled: a bug, but not a crash.
      late = Promise.resolve().then(() => void next());
    })
    .command("x", () => {
      throw new Error("late failure");
    })
    .catch((error) => failed.resolve(error));
  await bot.handle(said("x"), space);
  await late;
  assert.match(String(await failed.promise), /late failure/);
});

Deno.test("when catch fails on an error of an un-awaited next(), the log says so", async () => {
  const { space, logs } = recordingSpace();
  const bot = new Bot()
    .use(async (_ctx, next) => {
      await next();
      next();
    })
    .command("x", () => {})
    .catch(() => {
      throw new Error("catch failed");
    });
  await bot.handle(said("x"), space);
  await Promise.resolve();
  assert.deepEqual(logs, [
    "The error handler of the bot failed: Error: catch failed",
  ]);
});

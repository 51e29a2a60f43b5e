import assert from "node:assert/strict";
import {
  Bot,
  MemorySessionStorage,
  session,
  type SessionFlavor,
  type SessionStorage,
  SpacesError,
} from "../mod.ts";
import { KvSessionStorage } from "../kv.ts";
import { recordingSpace, said } from "./_toolkit.ts";

type Data = { n: number; blob?: string; f?: () => number };

/** `inc` counts up, then fails, grows or stores a function when asked. */
function incrementer(storage: SessionStorage<Data>) {
  const errors: unknown[] = [];
  const bot = new Bot<SessionFlavor<Data>>()
    .use(session({ initial: () => ({ n: 0 }), storage }))
    .command("inc", (ctx) => {
      ctx.session.n++;
      if (ctx.args[0] === "fail") throw new Error("boom");
      if (ctx.args[0] === "big") ctx.session.blob = "x".repeat(70_000);
      if (ctx.args[0] === "fn") ctx.session.f = () => 1;
      return ctx.reply(`n=${ctx.session.n}`);
    })
    .catch((error) => void errors.push(error));
  return { bot, errors };
}

Deno.test("memory: what a handler changes before it throws is not saved", async () => {
  const { space, texts } = recordingSpace();
  const storage = new MemorySessionStorage<Data>();
  const { bot, errors } = incrementer(storage);
  for (const text of ["inc", "inc fail", "inc fail", "inc"]) {
    await bot.handle(said(text), space);
  }
  assert.deepEqual(texts(), ["n=1", "n=2"]);
  assert.equal(errors.length, 2);
  assert.deepEqual(storage.read("c1"), { n: 2 });
});

Deno.test("memory: a saved session is a copy, and one that cannot be copied is refused with its key", () => {
  const storage = new MemorySessionStorage<Data>();
  const value: Data = { n: 1 };
  storage.write("c1", value);
  value.n = 5;
  assert.deepEqual(storage.read("c1"), { n: 1 });
  assert.throws(
    () => storage.write("c1", { n: 2, f: () => 1 }),
    (error: unknown) =>
      error instanceof SpacesError &&
      /^The session 'c1' was not saved: .*could not be cloned.*plain data/
        .test(error.message),
  );
  assert.deepEqual(storage.read("c1"), { n: 1 });
});

Deno.test("KV: a session over 64 KiB is refused with its key, its size and what to do; the old one stays", async () => {
  await using storage = await KvSessionStorage.open<Data>(":memory:");
  const { space, texts } = recordingSpace();
  const { bot, errors } = incrementer(storage);
  for (const text of ["inc", "inc big", "inc"]) {
    await bot.handle(said(text), space);
  }
  assert.deepEqual(texts(), ["n=1", "n=2", "n=2"]);
  assert.equal(errors.length, 1);
  const error = errors[0];
  assert.ok(error instanceof SpacesError, String(error));
  assert.match(
    error.message,
    /^The session 'c1' was not saved: it takes 700\d\d bytes, over the 65536 .*keep sessions small.*elsewhere/,
  );
  assert.deepEqual(await storage.read("c1"), { n: 2 });
});

Deno.test("KV: a session that holds a function is refused with its key", async () => {
  await using storage = await KvSessionStorage.open<Data>(":memory:");
  const { space } = recordingSpace();
  const { bot, errors } = incrementer(storage);
  for (const text of ["inc", "inc fn"]) await bot.handle(said(text), space);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] instanceof SpacesError, String(errors[0]));
  assert.match(
    errors[0].message,
    /^The session 'c1' was not saved: .*could not be cloned.*plain data/,
  );
  assert.deepEqual(await storage.read("c1"), { n: 1 });
});

Deno.test("KV: a session of exactly 64 KiB is saved", async () => {
  await using storage = await KvSessionStorage.open<string>(":memory:");
  // A string of n ASCII characters takes n + 6 bytes serialised.
  await storage.write("c1", "x".repeat(65_530));
  assert.equal((await storage.read("c1"))?.length, 65_530);
  await assert.rejects(
    () => storage.write("c1", "x".repeat(65_531)),
    /it takes 65537 bytes, over the 65536/,
  );
});

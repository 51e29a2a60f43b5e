import assert from "node:assert/strict";
import {
  Bot,
  createJoin,
  MemorySessionStorage,
  session,
  type SessionFlavor,
  type SessionStorage,
  SpacesError,
} from "../mod.ts";
import { KvSessionStorage } from "../kv.ts";
import { recordingSpace, said } from "./_toolkit.ts";

type Count = { count: number };

/** A bot that counts messages in its session, yielding in the middle. */
function counter(storage: SessionStorage<Count>, key?: "person") {
  const bot = new Bot<SessionFlavor<Count>>();
  bot.use(session({ initial: () => ({ count: 0 }), storage, key }));
  bot.on("message", async (ctx) => {
    const before = ctx.session.count;
    // Give every other event the chance to run in between: without the
    // lock per key, they would all read the same count.
    for (let turn = 0; turn < 5; turn++) await Promise.resolve();
    ctx.session = { count: before + 1 };
  });
  return bot;
}

Deno.test("sessions are per channel by default, per person or channel and person on request", async () => {
  const { space, texts } = recordingSpace();
  const bot = new Bot<SessionFlavor<string[]>>();
  bot.use(session({ initial: (): string[] => [] }));
  bot.command("add", (ctx) => {
    ctx.session.push(ctx.rest);
    return ctx.reply(ctx.session.join(","));
  });
  await bot.handle(said("add a"), space);
  await bot.handle(said("add b", { fromId: "p-bob" }), space);
  await bot.handle(said("add c", { channelId: "c2" }), space);
  assert.deepEqual(texts(), ["a", "a,b", "c"]);

  for (
    const [key, expected] of [
      ["person", ["a", "a,c", "b"]],
      ["channel+person", ["a", "c", "b"]],
    ] as const
  ) {
    const run = recordingSpace();
    const keyed = new Bot<SessionFlavor<string[]>>();
    keyed.use(session({ initial: (): string[] => [], key }));
    keyed.command("add", (ctx) => {
      ctx.session.push(ctx.rest);
      return ctx.reply(ctx.session.join(","));
    });
    await keyed.handle(said("add a"), run.space);
    await keyed.handle(said("add c", { channelId: "c2" }), run.space);
    await keyed.handle(said("add b", { fromId: "p-bob" }), run.space);
    assert.deepEqual(run.texts(), expected, key);
  }
});

Deno.test("a session is not saved when the chain throws, and is deleted when set to undefined", async () => {
  const { space } = recordingSpace();
  const storage = new MemorySessionStorage<Count>();
  const bot = new Bot<SessionFlavor<Count | undefined>>()
    .use(session({ initial: (): Count | undefined => ({ count: 0 }), storage }))
    .command("up", (ctx) => void (ctx.session = { count: 1 }))
    .command("fail", (ctx) => {
      ctx.session = { count: 99 };
      throw new Error("no");
    })
    .command("reset", (ctx) => void (ctx.session = undefined));
  await bot.handle(said("up"), space);
  await bot.handle(said("fail"), space);
  assert.deepEqual(storage.read("c1"), { count: 1 });
  await bot.handle(said("reset"), space);
  assert.equal(storage.read("c1"), undefined);
  assert.equal(storage.size, 0);
});

Deno.test("an event without a key has no session: reading it throws", async () => {
  const { space } = recordingSpace();
  const errors: string[] = [];
  const bot = new Bot<SessionFlavor<Count>>()
    .use(session({ initial: () => ({ count: 0 }), key: () => undefined }))
    .on("join", (ctx) => void ctx.session.count)
    .catch((error) => void errors.push(String(error)));
  await bot.handle(createJoin({ actorId: "p", channelId: "c" }), space);
  assert.deepEqual(errors, [
    "TypeError: ctx.session: this join event has no session key",
  ]);
  assert.throws(() => session({ initial: () => 0, key: "room" as "person" }));
});

Deno.test("memory storage forgets the least recently used session past its bound", () => {
  const storage = new MemorySessionStorage<number>({ maxEntries: 2 });
  storage.write("a", 1);
  storage.write("b", 2);
  storage.read("a");
  storage.write("c", 3);
  assert.equal(storage.read("b"), undefined);
  assert.equal(storage.read("a"), 1);
  assert.equal(storage.read("c"), 3);
  assert.equal(storage.size, 2);
  assert.throws(() => new MemorySessionStorage({ maxEntries: 0 }), RangeError);
});

Deno.test("concurrent events of one key never lose an update (memory); other keys run side by side", async () => {
  const { space } = recordingSpace();
  const storage = new MemorySessionStorage<Count>();
  const bot = counter(storage);
  await Promise.all(
    Array.from({ length: 20 }, (_, i) => bot.handle(said(`m${i}`), space)),
  );
  assert.deepEqual(storage.read("c1"), { count: 20 });

  // A handler of channel A waits for one of channel B: if keys were
  // serialised together, this would never end.
  const gate = Promise.withResolvers<void>();
  const sides = new Bot<SessionFlavor<Count>>()
    .use(session({ initial: () => ({ count: 0 }) }))
    .hears("wait", () => gate.promise)
    .hears("open", () => gate.resolve());
  await Promise.all([
    sides.handle(said("wait", { channelId: "A" }), space),
    sides.handle(said("open", { channelId: "B" }), space),
  ]);
});

Deno.test("KV storage keeps sessions, and serialises one key (KV in memory)", async () => {
  await using storage = await KvSessionStorage.open<Count>(":memory:");
  const { space } = recordingSpace();
  const bot = counter(storage);
  await Promise.all(
    Array.from({ length: 10 }, (_, i) => bot.handle(said(`m${i}`), space)),
  );
  assert.deepEqual(await storage.read("c1"), { count: 10 });
  await storage.delete("c1");
  assert.equal(await storage.read("c1"), undefined);
});

Deno.test("two instances on one KV file share sessions and never lose an update", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/sessions.kv`;
    await using one = await KvSessionStorage.open<Count>(path);
    await using two = await KvSessionStorage.open<Count>(path);
    const { space } = recordingSpace();
    const bots = [counter(one, "person"), counter(two, "person")];
    await Promise.all(
      Array.from(
        { length: 16 },
        (_, i) => bots[i % 2].handle(said(`m${i}`), space),
      ),
    );
    assert.deepEqual(await one.read("p-alice"), { count: 16 });
    assert.deepEqual(await two.read("p-alice"), { count: 16 });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("KV: a save after the lease was taken over is refused; a wait for a lock ends with its signal", async () => {
  using kv = await Deno.openKv(":memory:");
  const storage = new KvSessionStorage<Count>(kv, { prefix: ["s"] });
  const release = await storage.lock("k");
  // Another instance takes the key, as it would once the lease ran out.
  await kv.set(["s", "lock", "k"], { token: "other", until: Date.now() + 1e6 });
  await assert.rejects(() => storage.write("k", { count: 1 }), SpacesError);
  assert.equal(await storage.read("k"), undefined);
  await release();

  const other = new KvSessionStorage<Count>(kv, { prefix: ["s"] });
  const controller = new AbortController();
  const waiting = other.lock("k", controller.signal);
  controller.abort(new Error("stopped"));
  await assert.rejects(() => waiting, /stopped/);
  assert.throws(() => new KvSessionStorage(kv, { lease: 0 }), RangeError);
});

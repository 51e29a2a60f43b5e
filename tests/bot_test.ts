import assert from "node:assert/strict";
import { join as joinPath, relative } from "node:path";
import {
  ApiError,
  botSink,
  EventQueue,
  loadBot,
  LocalSpace,
  runBot,
  type SpaceEvent,
  SpacesError,
} from "../mod.ts";

const join: SpaceEvent = { type: "join", actorId: "p1", channelId: "*local" };

function quietSpace(lines: string[] = []) {
  const log = (line: string) => void lines.push(line);
  return new LocalSpace({
    input: [],
    logger: { debug: log, info: log, warn: log, error: log },
  });
}

Deno.test("botSink runs the bot again after a passing back-end failure", async () => {
  const lines: string[] = [];
  let calls = 0;
  const sink = botSink(
    () => {
      calls++;
      if (calls < 3) {
        throw new ApiError({
          status: 503,
          method: "POST",
          path: "/messages",
        });
      }
    },
    quietSpace(lines),
    { backoff: 1 },
  );
  await sink.put(join);
  assert.equal(calls, 3);
  assert.equal(lines.filter((line) => /trying again/.test(line)).length, 2);
});

Deno.test("botSink does not retry a bug, and gives up after its retries", async () => {
  let calls = 0;
  await botSink(() => {
    calls++;
    throw new TypeError("a bug");
  }, quietSpace()).put(join);
  assert.equal(calls, 1);
  calls = 0;
  await botSink(
    () => {
      calls++;
      throw new ApiError({
        status: 429,
        method: "POST",
        path: "/messages",
        retryAfter: 0,
      });
    },
    quietSpace(),
    { retries: 4 },
  ).put(join);
  assert.equal(calls, 5);
});

Deno.test("botSink rethrows when asked, for durable queues", async () => {
  const sink = botSink(
    () => {
      throw new Error("boom");
    },
    quietSpace(),
    { rethrow: true },
  );
  await assert.rejects(() => Promise.resolve(sink.put(join)), /boom/);
});

Deno.test("runBot feeds every queued event and ends with the queue", async () => {
  const events = new EventQueue<SpaceEvent>();
  for (let index = 0; index < 5; index++) {
    events.put({ ...join, actorId: `p${index}` });
  }
  events.close();
  const seen: string[] = [];
  await runBot(
    (event) => void seen.push((event as { actorId: string }).actorId),
    quietSpace(),
    events,
  );
  assert.deepEqual(seen, ["p0", "p1", "p2", "p3", "p4"]);
});

Deno.test("loadBot explains a missing module or a wrong export", async () => {
  await assert.rejects(
    () => loadBot("./no/such/bot.ts"),
    (error: unknown) =>
      error instanceof SpacesError &&
      /Cannot load the bot module '.\/no\/such\/bot.ts'/.test(error.message),
  );
  await assert.rejects(
    () => loadBot("data:text/javascript,export default 42"),
    /must export a function as default/,
  );
});

Deno.test("loadBot finds a bot in a folder whose name has #, % or ?", async () => {
  const root = await Deno.makeTempDir();
  try {
    // Each of these starts a fragment, an escape or a query in a URL.
    for (const folder of ["dir#1", "50%", "why?", "a b"]) {
      const dir = joinPath(root, folder);
      await Deno.mkdir(dir);
      const file = joinPath(dir, "bot.ts");
      await Deno.writeTextFile(
        file,
        `export default (event: { text: string }) => {
  (globalThis as Record<string, unknown>).loadedFrom = ${
          JSON.stringify(folder)
        } + event.text;
};`,
      );
      for (const path of [file, relative(Deno.cwd(), file)]) {
        const bot = await loadBot(path);
        const space = new LocalSpace({ input: [] });
        await bot(
          {
            type: "message",
            text: ":" + path,
            content: "",
            isDirect: false,
            mentionedIds: [],
          },
          space,
        );
        assert.equal(
          (globalThis as Record<string, unknown>).loadedFrom,
          folder + ":" + path,
        );
      }
    }
  } finally {
    await Deno.remove(root, { recursive: true });
    delete (globalThis as Record<string, unknown>).loadedFrom;
  }
});

Deno.test("loadBot reads a relative path with a colon as a path, not a URL scheme", async () => {
  // Both live in the working directory so that the relative path starts
  // with the name that has the colon: `a:…/bot:….ts` and `a:….ts`.
  // Deno's temporary names refuse a colon, so the names are made here.
  const dir = `a:${crypto.randomUUID()}`;
  const file = `a:${crypto.randomUUID()}.ts`;
  await Deno.mkdir(dir);
  try {
    const nested = joinPath(dir, "bot:1.ts");
    for (const path of [file, nested]) {
      await Deno.writeTextFile(
        path,
        `export default () => ${JSON.stringify(path)};`,
      );
      assert.match(path, /^a:/);
      const bot = await loadBot(path);
      assert.equal(
        await bot(join, new LocalSpace({ input: [] })),
        path as unknown as void,
      );
    }
    // A scheme a module can have is still a URL.
    await assert.rejects(() => loadBot("node:no-such-module"), SpacesError);
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove(file).catch(() => {});
  }
});

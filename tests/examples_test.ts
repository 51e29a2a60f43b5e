/**
 * Every example bot answers on a fake Webex, through the real server path
 * (`startServer`, signed webhooks) as `deno task try` runs it.
 */
import assert from "node:assert/strict";
import { type BotHandler, type BotLike, loadBot } from "../mod.ts";
import {
  startTrySession,
  type TryPost,
  type TrySession,
} from "../spaces/server/try/try_session.ts";

const EXAMPLES = new URL("../examples/", import.meta.url);

async function withExample(
  name: string,
  body: (session: TrySession, posts: TryPost[]) => Promise<void>,
) {
  const bot: BotHandler | BotLike = await loadBot(
    new URL(name, EXAMPLES).href,
  );
  const posts: TryPost[] = [];
  const session = await startTrySession({
    bot,
    onPost: (post) => posts.push(post),
  });
  try {
    await body(session, posts);
  } finally {
    await session.close();
  }
}

const said = (posts: TryPost[]) =>
  posts.map((post) => `${post.where}: ${post.message?.text ?? ""}`);

const bots = [...Deno.readDirSync(EXAMPLES)]
  .map((entry) => entry.name)
  .filter((name) => name.endsWith("_bot.ts"))
  .sort();

for (const name of bots) {
  Deno.test(`examples/${name} answers 'help' in a direct room`, async () => {
    await withExample(name, async (session, posts) => {
      await session.say("help", "direct");
      assert.ok(
        posts.some((post) => post.where === "direct"),
        `${name} said nothing: ${JSON.stringify(said(posts))}`,
      );
    });
  });
}

Deno.test("examples/echo_bot.ts says back what it heard", async () => {
  await withExample("echo_bot.ts", async (session, posts) => {
    await session.say("ping", "direct");
    assert.deepEqual(said(posts), ["direct: You said: ping"]);
  });
});

Deno.test("examples/command_bot.ts answers its commands in the group room", async () => {
  await withExample("command_bot.ts", async (session, posts) => {
    await session.say("add 2 3", "group");
    await session.say("thanks", "group");
    assert.deepEqual(said(posts), [
      "Try room: 5",
      "Try room: You are welcome!",
    ]);
  });
});

Deno.test("examples/session_bot.ts keeps a list per room", async () => {
  await withExample("session_bot.ts", async (session, posts) => {
    await session.say("add milk", "group");
    await session.say("list", "direct");
    await session.say("list", "group");
    assert.deepEqual(said(posts), [
      "Try room: Added: milk (1 to do)",
      "direct: Nothing to do.",
      "Try room: 1. milk",
    ]);
  });
});

Deno.test("examples/file_bot.ts reads a file sent to it and sends one back", async () => {
  await withExample("file_bot.ts", async (session, posts) => {
    const bytes = new TextEncoder().encode("twelve bytes");
    await session.say("here", "direct", { name: "notes.txt", bytes });
    await session.say("report", "direct");
    assert.deepEqual(said(posts), [
      "direct: Got notes.txt (12 bytes)",
      "direct: Here is your report",
    ]);
    const [url] = posts[1].message?.files ?? [];
    assert.equal(session.webex.content(url)?.name, "report.txt");
  });
});

Deno.test("examples/markdown_bot.ts answers in markdown", async () => {
  await withExample("markdown_bot.ts", async (session, posts) => {
    await session.say("status", "group");
    assert.equal(posts.length, 1);
    assert.match(
      posts[0].message?.markdown ?? "",
      /^\*\*Status\*\*: all green/,
    );
  });
});

Deno.test("examples/direct_bot.ts answers a group message directly", async () => {
  await withExample("direct_bot.ts", async (session, posts) => {
    await session.say("psst", "group");
    await session.say("hello", "direct");
    assert.deepEqual(said(posts), [
      "direct: You wrote in the group room; let us talk here.",
      "Try room: I wrote to you directly.",
      "direct: This stays between us.",
    ]);
  });
});

Deno.test("examples/join_bot.ts welcomes and says goodbye", async () => {
  await withExample("join_bot.ts", async (session, posts) => {
    await session.join("bob@example.com");
    await session.say("who", "group");
    await session.leave("bob@example.com");
    assert.deepEqual(said(posts), [
      "Try room: Welcome, bob!",
      "Try room: Here: you@example.com, bob@example.com",
      "Try room: Goodbye, bob.",
    ]);
  });
});

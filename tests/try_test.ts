import assert from "node:assert/strict";
import { Output } from "./_program.ts";

const TRY = new URL("../try.ts", import.meta.url).pathname;

/** A bot of a user's, outside the repository, that says what it heard. */
const BOT = `
export default async (event, space) => {
  if (!event.channelId) return;
  if (event.type !== "message") {
    return void await space.postMessage(event.channelId, event.type + " of " + event.actorAddress);
  }
  const where = event.isDirect ? "direct" : "group";
  const file = event.attachment ? " with " + event.attachment : "";
  await space.postMessage(event.channelId, "heard '" + event.text + "' in " + where + file);
};
`;

async function startTry(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-net", TRY, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  return {
    child,
    stdout: new Output(child.stdout, "stdout of try.ts"),
    stderr: new Output(child.stderr, "stderr of try.ts"),
    type: (line: string) => writer.write(new TextEncoder().encode(`${line}\n`)),
    end: () => writer.close(),
  };
}

Deno.test("try.ts: talk to a bot on a fake Webex in a group room, a direct room, with a file, as people join and leave", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot-try-" });
  await Deno.writeTextFile(`${dir}/my_bot.ts`, BOT);
  await Deno.writeTextFile(`${dir}/notes.txt`, "some notes");
  const session = await startTry(["--bot", `${dir}/my_bot.ts`]);
  try {
    await session.stdout.waitFor(/\/help lists the commands/);
    await session.type("hello");
    // In a group room Webex puts the bot's name first, as a mention.
    await session.stdout.waitFor(
      /Shelly \(Try room\): heard 'hello' in group/,
    );
    await session.type("/room direct");
    await session.type("psst");
    await session.stdout.waitFor(/Shelly \(direct\): heard 'psst' in direct/);
    await session.type(`/file ${dir}/notes.txt read this`);
    await session.stdout.waitFor(
      /Shelly \(direct\): heard 'read this' in direct with notes\.txt/,
    );
    await session.type("/join bob@example.com");
    await session.stdout.waitFor(
      /Shelly \(Try room\): join of bob@example.com/,
    );
    await session.type("/leave bob@example.com");
    await session.stdout.waitFor(
      /Shelly \(Try room\): leave of bob@example.com/,
    );
    await session.type("/help");
    await session.stdout.waitFor(/\/file <path> \[text\]/);
    await session.end();
    const status = await session.child.status;
    assert.equal(status.code, 0, session.stderr.text);
  } finally {
    await session.end().catch(() => {});
    await session.child.status;
    await Promise.all([session.stdout.done, session.stderr.done]);
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(session.stderr.text, "");
});

Deno.test("try.ts: piped lines give a transcript in order, and the demo bot answers without --bot", async () => {
  const session = await startTry([]);
  await session.type("hello");
  await session.type("echo hi");
  await session.type("/quit");
  await session.type("never sent");
  await session.end();
  const status = await session.child.status;
  await Promise.all([session.stdout.done, session.stderr.done]);
  assert.equal(status.code, 0, session.stderr.text);
  assert.equal(
    session.stdout.text.split("\n").slice(1).join("\n"),
    "> hello\nShelly (Try room): Hello!\n> echo hi\nShelly (Try room): hi\n> /quit\n",
  );
});

Deno.test("try.ts: a card shows its inputs and buttons, /submit sends a real card action, a thread reply is marked", async () => {
  const session = await startTry([]);
  await session.type("card");
  await session.type("/submit name=Ada");
  await session.type("/submit Nope");
  await session.end();
  const status = await session.child.status;
  await Promise.all([session.stdout.done, session.stderr.done]);
  assert.equal(status.code, 0, session.stderr.text);
  assert.equal(
    session.stdout.text.split("\n").slice(1).join("\n"),
    [
      "> card",
      "Shelly (Try room): What should I call you? (your client cannot show cards)",
      "[card] inputs: name (text)",
      "[card] buttons: Send; answer with /submit [button] name=value ...",
      "> /submit name=Ada",
      "Shelly (Try room): ↳ Nice to meet you, Ada!",
      "> /submit Nope",
      'try: No button "Nope" on the card: use one of "Send", then name=value pairs',
      "",
    ].join("\n"),
  );
});

Deno.test("try.ts: /room confirms where you are, an unknown /command says it goes to the bot, local errors start with try:", async () => {
  const session = await startTry([]);
  await session.type("/room direct");
  await session.type("/frobnicate now");
  await session.type("/frobnicate again");
  await session.type("/file ./no-such-file.txt");
  await session.type("/room group");
  await session.end();
  const status = await session.child.status;
  await Promise.all([session.stdout.done, session.stderr.done]);
  assert.equal(status.code, 0, session.stderr.text);
  // The first line in a direct room opens it: the bot may hear its own join.
  const lines = session.stdout.text.split("\n").slice(1).filter((line) =>
    !line.includes("Received a join: Shelly joined")
  );
  assert.deepEqual(lines.slice(0, 2), [
    "> /room direct",
    "(now in the direct room with Shelly)",
  ]);
  // Said once per command: a bot's own /command is not a mistake.
  assert.deepEqual(lines.slice(2, 5), [
    "> /frobnicate now",
    "try: /frobnicate is not a command of try: sent to the bot as text",
    "Shelly (direct): Received a message: \"/frobnicate now\" (try 'help')",
  ]);
  assert.deepEqual(lines.slice(5, 7), [
    "> /frobnicate again",
    "Shelly (direct): Received a message: \"/frobnicate again\" (try 'help')",
  ]);
  assert.equal(lines[7], "> /file ./no-such-file.txt");
  assert.match(lines[8], /^try: .*no-such-file\.txt/);
  assert.deepEqual(lines.slice(9), [
    "> /room group",
    "(now in the group room 'Try room': your lines mention Shelly)",
    "",
  ]);
});

for (const events of ["websocket", "polling"]) {
  Deno.test(`try.ts --events ${events}: the bot hears without webhooks, a line at a time`, async () => {
    const session = await startTry(["--events", events]);
    await session.type("hello");
    await session.type("card");
    await session.type("/submit name=Ada");
    await session.type("echo bye");
    await session.end();
    const status = await session.child.status;
    await Promise.all([session.stdout.done, session.stderr.done]);
    assert.equal(status.code, 0, session.stderr.text);
    const [banner, ...lines] = session.stdout.text.split("\n");
    assert.match(banner, new RegExp(`the bot hears by ${events}`));
    // Polling hears messages only: no card action.
    const submitted = events === "websocket"
      ? ["Shelly (Try room): ↳ Nice to meet you, Ada!"]
      : [];
    assert.deepEqual(lines.filter((line) => !line.startsWith("[card]")), [
      "> hello",
      "Shelly (Try room): Hello!",
      "> card",
      "Shelly (Try room): What should I call you? (your client cannot show cards)",
      "> /submit name=Ada",
      ...submitted,
      "> echo bye",
      "Shelly (Try room): bye",
      "",
    ]);
  });
}

Deno.test("try.ts: Ctrl-C aborts the signal of a busy bot and exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "shellbot-try-" });
  await Deno.writeTextFile(
    `${dir}/wait_bot.ts`,
    `export default async (event, space, { signal } = {}) => {
      if (event.type !== "message") return;
      console.log("busy");
      await new Promise((resolve) => signal?.addEventListener("abort", resolve));
      console.log("aborted: " + signal?.aborted);
    };`,
  );
  const session = await startTry(["--bot", `${dir}/wait_bot.ts`]);
  try {
    await session.type("work");
    await session.stdout.waitFor(/^busy$/m);
    session.child.kill("SIGINT");
    const status = await session.child.status;
    await session.stdout.waitFor(/aborted: true/);
    assert.equal(status.code, 0, session.stderr.text);
  } finally {
    await session.end().catch(() => {});
    await Promise.all([session.stdout.done, session.stderr.done]);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("try.ts refuses a bad flag with exit code 2 and the usage", async () => {
  const session = await startTry(["--nope"]);
  await session.end();
  const status = await session.child.status;
  await Promise.all([session.stdout.done, session.stderr.done]);
  assert.equal(status.code, 2);
  assert.match(session.stderr.text, /Unknown option '--nope'/);
  assert.match(session.stderr.text, /Usage:/);
});

Deno.test("try.ts --help names the program as a user runs it, the demo bot's commands, and the ways to hear events", async () => {
  const help = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", "--allow-net", TRY, "--help"],
    env: { NO_COLOR: "1" },
  }).output();
  const text = new TextDecoder().decode(help.stdout);
  assert.equal(help.code, 0);
  assert.match(text, /deno run -A jsr:@shellbot\/spaces\/try \[options\]/);
  assert.match(text, /help, hello, echo <text> and card/);
  assert.match(text, /webhook .*websocket, or polling/s);
  assert.match(text, /\/submit \[button\] name=value/);

  const bad = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", TRY, "--events", "pigeon"],
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /--events takes/);
});

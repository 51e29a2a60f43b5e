import assert from "node:assert/strict";

const cli = new URL("../cli.ts", import.meta.url).pathname;

async function runCli(args: string[], stdin: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", cli, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(stdin));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
}

Deno.test("cli.ts answers lines piped to stdin and exits 0", async () => {
  const { code, stdout } = await runCli([], "hello\necho hi\n");
  assert.equal(code, 0);
  assert.equal(stdout, "> hello\nHello!\n> echo hi\nhi\n");
});

Deno.test("cli.ts runs scripted --input lines with a title", async () => {
  const { code, stdout } = await runCli([
    "--title",
    "Demo",
    "--input",
    "help",
    "--input",
    "something",
  ], "");
  assert.equal(code, 0);
  assert.match(stdout, /^> help\nCommands:/);
  assert.match(stdout, /> something\nReceived a message: "something"/);
  assert.match(stdout, /\^C\n$/);
});

Deno.test("cli.ts loads a bot module with --bot", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bot = `${dir}/shout_bot.ts`;
    await Deno.writeTextFile(
      bot,
      `export default async (event, space) => {
        if (event.type === "message") await space.postMessage(event.channelId, event.text.toUpperCase());
      };`,
    );
    const { code, stdout } = await runCli(["--bot", bot], "quiet please\n");
    assert.equal(code, 0);
    assert.equal(stdout, "> quiet please\nQUIET PLEASE\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli.ts refuses a bad flag with exit code 2 and a message", async () => {
  const { code, stderr, stdout } = await runCli(["--nope"], "");
  assert.equal(code, 2);
  assert.match(stderr, /Unknown option '--nope'/);
  assert.match(stderr, /Usage:/);
  assert.equal(stdout, "");
});

Deno.test("cli.ts refuses a bot module without a default function", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.ts`, "export const x = 1;");
    const { code, stderr } = await runCli(["--bot", `${dir}/bad.ts`], "");
    assert.equal(code, 2);
    assert.match(stderr, /must export a function as default/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("cli.ts --help prints the usage", async () => {
  const { code, stdout } = await runCli(["--help"], "");
  assert.equal(code, 0);
  assert.match(stdout, /--bot <module>/);
});

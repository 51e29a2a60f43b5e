import assert from "node:assert/strict";
import { Output, runDeno } from "./_program.ts";

const cli = new URL("../cli.ts", import.meta.url).pathname;

function runCli(args: string[], stdin: string) {
  return runDeno(["run", "--allow-read", "--allow-env", cli, ...args], {
    stdin,
  });
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

/** A bot that waits on its signal (or, `ignoring`, for ever). */
function waitingBot(ignoring: boolean): string {
  return `export default async (event, space, { signal } = {}) => {
    if (event.type !== "message") return;
    console.log("busy with " + event.text);
    await new Promise((resolve) => {
      ${ignoring ? "" : 'signal?.addEventListener("abort", resolve);'}
    });
    console.log("aborted: " + signal?.aborted);
  };`;
}

async function startBusyCli(ignoring: boolean) {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/wait_bot.ts`, waitingBot(ignoring));
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-env",
      cli,
      "--bot",
      `${dir}/wait_bot.ts`,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const stdout = new Output(child.stdout, "stdout of cli.ts");
  const stderr = new Output(child.stderr, "stderr of cli.ts");
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode("work\n"));
  await stdout.waitFor(/busy with work/);
  return {
    child,
    stdout,
    stderr,
    async close() {
      await writer.close().catch(() => {});
      await Promise.all([stdout.done, stderr.done]);
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("cli.ts: Ctrl-C aborts the signal a busy bot waits on, and exits 0", async () => {
  const run = await startBusyCli(false);
  try {
    run.child.kill("SIGINT");
    const status = await run.child.status;
    await run.stdout.waitFor(/aborted: true/);
    assert.equal(status.code, 0, run.stderr.text);
  } finally {
    await run.close();
  }
});

Deno.test("cli.ts: a second Ctrl-C exits at once while a bot ignores its signal", async () => {
  const run = await startBusyCli(true);
  try {
    run.child.kill("SIGINT");
    await run.stderr.waitFor(/Ctrl-C again to quit at once/);
    run.child.kill("SIGINT");
    const status = await run.child.status;
    assert.equal(status.code, 130);
    assert.equal(run.stdout.text.includes("aborted"), false);
  } finally {
    await run.close();
  }
});

Deno.test("cli.ts: a bot that throws is told in one line with its own frame", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/throw_bot.ts`,
      `export default () => {\n  throw new TypeError("no such thing");\n};\n`,
    );
    const { code, stderr } = await runCli(
      ["--bot", `${dir}/throw_bot.ts`],
      "hi\n",
    );
    assert.equal(code, 0);
    const lines = stderr.trim().split("\n");
    assert.equal(lines.length, 1, stderr);
    assert.match(
      lines[0],
      /^The bot failed on a message event: TypeError: no such thing \(at default \(file:\/\/\/.*throw_bot\.ts:2:9\)\)$/,
    );
    assert.equal(stderr.includes("/spaces/"), false, stderr);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

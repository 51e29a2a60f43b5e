/**
 * The README's quick start, followed literally in an empty folder outside
 * the repository: its `my_bot.ts`, its commands.
 */
import assert from "node:assert/strict";
import { runDeno } from "./_program.ts";
import { projectFolder, readmeCommand, readmeFile } from "./_readme.ts";

/** Runs a README command (its `deno` is this Deno) in `dir`. */
function run(command: string, dir: string, stdin = "") {
  const [deno, ...args] = command.split(" ");
  assert.equal(deno, "deno");
  return runDeno(args, { cwd: dir, stdin });
}

Deno.test("README quick start: my_bot.ts answers on the terminal and on a fake Webex, from an empty folder", async () => {
  assert.equal(
    readmeCommand("deno add "),
    "deno add jsr:@shellbot/spaces",
  );
  const dir = await projectFolder();
  try {
    await Deno.writeTextFile(`${dir}/my_bot.ts`, readmeFile("my_bot.ts"));

    const cli = await run(
      readmeCommand("deno run -A @shellbot/spaces/cli"),
      dir,
    );
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^> hello\nYou said: hello\n/);

    const tried = await run(
      readmeCommand("deno run -A --unstable-kv @shellbot/spaces/try"),
      dir,
      "hello\n",
    );
    assert.equal(tried.code, 0, tried.stderr);
    assert.match(tried.stdout, /Shelly \(Try room\): You said: hello\n/);
    assert.equal(tried.stderr, "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

import assert from "node:assert/strict";
import { projectFolder } from "./_readme.ts";

const README = await Deno.readTextFile(
  new URL("../README.md", import.meta.url),
);

// Whole programs only: a block that imports what it uses. Fragments (a line
// or two inside a bot) are shown in context and checked by the examples.
const programs = [...README.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map(([, code]) => code)
  .filter((code) => /^import /m.test(code));

Deno.test("every whole TypeScript program in the README type-checks against this checkout", async () => {
  assert.ok(programs.length >= 5, `found ${programs.length} programs`);
  const dir = await projectFolder();
  try {
    const config = JSON.parse(await Deno.readTextFile(`${dir}/deno.json`));
    // As `deno add npm:hono` would, for the Hono example.
    config.imports.hono = "npm:hono@^4";
    await Deno.writeTextFile(`${dir}/deno.json`, JSON.stringify(config));
    const files: string[] = [];
    for (const [index, code] of programs.entries()) {
      // A block that starts with `// name.ts` is that file (main.ts imports
      // ./my_bot.ts); the others get a name of their own.
      const named = code.match(/^\/\/ ([\w.-]+\.ts)\n/)?.[1];
      const file = `${dir}/${named ?? `readme_${index}.ts`}`;
      await Deno.writeTextFile(file, code);
      files.push(file);
    }
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["check", "--quiet", ...files],
      cwd: dir,
      env: { NO_COLOR: "1" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(code, 0, new TextDecoder().decode(stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The README's code, for tests that follow it literally. */

const README = await Deno.readTextFile(
  new URL("../README.md", import.meta.url),
);

/** The README's code block whose first line is `// <name>`. */
export function readmeFile(name: string): string {
  const blocks = README.matchAll(/```ts\n([\s\S]*?)```/g);
  for (const [, code] of blocks) {
    if (code.startsWith(`// ${name}\n`)) return code;
  }
  throw new Error(`The README has no \`// ${name}\` code block`);
}

/** The README's command line that starts with `start`, as written there. */
export function readmeCommand(start: string): string {
  const line = README.split("\n").find((line) => line.startsWith(start));
  if (!line) throw new Error(`The README has no command '${start}...'`);
  return line.replace(/\s+#.*$/, "").trim();
}

/**
 * A project folder as `deno add jsr:@shellbot/spaces` leaves it, with the
 * package mapped to this checkout instead (JSR cannot be reached here).
 */
export async function projectFolder(
  extra: Record<string, unknown> = {},
): Promise<string> {
  const root = new URL("../", import.meta.url);
  const config = JSON.parse(
    await Deno.readTextFile(new URL("deno.json", root)),
  );
  const imports: Record<string, string> = { ...config.imports };
  for (const [path, file] of Object.entries(config.exports)) {
    const name = path === "."
      ? "@shellbot/spaces"
      : `@shellbot/spaces/${path.slice(2)}`;
    imports[name] = new URL(file as string, root).href;
  }
  const dir = await Deno.makeTempDir({ prefix: "shellbot-project-" });
  await Deno.writeTextFile(
    `${dir}/deno.json`,
    JSON.stringify({ imports, ...extra }, null, 2),
  );
  return dir;
}

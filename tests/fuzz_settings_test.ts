import assert from "node:assert/strict";
import { ConfigurationError, Context, type Settings } from "../mod.ts";
import { parseContentDisposition } from "../spaces/webex/content_disposition.ts";
import { createUniqueFile } from "../spaces/webex/safe_download.ts";
import { Rng, withSeed } from "./_fuzz.ts";

// Secrets of these tests start with "test-secret-" so CI can scan for them.
const SECRET_MARK = "test-secret-";
const KEY_PARTS = ["a", "b", "space", "token", "", "x.y", "__proto__", "0"];

/** A failure message must not print the secret it found: CI scans for them. */
function redact(text: string): string {
  return text.replace(/test-secret-[^\s"'`]*/g, "<secret>");
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** Sets an own property, even `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

function leaf(rng: Rng): unknown {
  return rng.pick([
    () => rng.string(),
    () => `${SECRET_MARK}value-${rng.chars(8, "abcdef")}`,
    () => rng.int(1000),
    () => null,
    () => undefined,
    () => true,
    () => [rng.string(), { nested: rng.int(3) }],
    () => ({}),
    () => new Date(0),
    () => Object.create(null),
  ])();
}

/** Nested settings; `clean` ones have keys without dots, so they unflatten exactly. */
function settings(rng: Rng, depth: number, clean: boolean): Settings {
  const object: Settings = {};
  for (let count = rng.int(4); count > 0; count--) {
    let key = clean
      ? rng.chars(rng.int(3), "abc")
      : rng.chance(0.6)
      ? rng.pick(KEY_PARTS)
      : rng.nasty(3);
    if (clean && key === "__proto__") key = "p";
    define(
      object,
      key,
      depth > 0 && rng.chance(0.5)
        ? settings(rng, depth - 1, clean)
        : leaf(rng),
    );
  }
  return object;
}

/** The dotted keys nested settings stand for, later ones winning. */
function flatten(
  input: Settings,
  prefix?: string,
  into = new Map<string, unknown>(),
) {
  for (const [key, value] of Object.entries(input)) {
    const name = prefix === undefined ? key : `${prefix}.${key}`;
    // An empty object adds no key, as in Context.apply.
    if (isPlain(value)) flatten(value, name, into);
    else into.set(name, value);
  }
  return into;
}

/** Every dotted prefix of a key: `a.b.c` gives `a`, `a.b`, `a.b.c`. */
function prefixes(key: string): string[] {
  const parts = key.split(".");
  return parts.map((_, index) => parts.slice(0, index + 1).join("."));
}

/** Rebuilds nested objects from the relative keys `get` returns. */
function unflatten(tree: Record<string, unknown>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(tree)) {
    const parts = key.split(".");
    let node = root;
    for (const part of parts.slice(0, -1)) {
      if (!isPlain(node[part])) define(node, part, {});
      node = node[part] as Record<string, unknown>;
    }
    define(node, parts.at(-1)!, value);
  }
  return root;
}

/** The settings as Context stores them: an empty object adds nothing. */
function withoutEmptyObjects(node: Settings): Settings {
  const kept: Settings = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isPlain(value)) {
      kept[key] = value;
      continue;
    }
    const inner = withoutEmptyObjects(value);
    if (Object.keys(inner).length > 0) kept[key] = inner;
  }
  return kept;
}

/** Visits every sub-tree of the settings. */
function walk(
  node: Settings,
  path: string,
  visit: (path: string, node: Settings) => void,
) {
  visit(path, node);
  for (const [key, value] of Object.entries(node)) {
    if (isPlain(value) && Object.keys(value).length > 0) {
      walk(value, `${path}.${key}`, visit);
    }
  }
}

Deno.test("fuzz: Context flattening agrees with get of every key and sub-tree", () =>
  withSeed("fuzz_settings", (seed) => {
    const rng = new Rng(seed);
    let checks = 0;
    for (let round = 0; round < 1_000; round++) {
      // Any keys: dots, empty parts, collisions, __proto__.
      const input = settings(rng, 4, false);
      const flat = flatten(input);
      const context = new Context(input, { env: () => undefined });
      const dotted = new Context(Object.fromEntries(flat), {
        env: () => undefined,
      });
      for (const [key, value] of flat) {
        const where = `seed ${seed} round ${round} key ${JSON.stringify(key)}`;
        if (value !== undefined && value !== null) {
          assert.equal(context.get(key), value, where);
        }
        for (const prefix of prefixes(key)) {
          assert.ok(context.has(prefix), where);
          assert.deepEqual(context.get(prefix), dotted.get(prefix), where);
          checks++;
        }
      }
      // Keys without dots: the sub-tree `get` returns rebuilds the original.
      const clean = { root: settings(rng, 4, true) };
      const cleanContext = new Context(clean, { env: () => undefined });
      const expected = withoutEmptyObjects(clean.root);
      if (Object.keys(expected).length === 0) continue;
      walk(expected, "root", (path, node) => {
        const tree = cleanContext.get<Record<string, unknown>>(path);
        assert.deepEqual(unflatten(tree), node, `seed ${seed} ${path}`);
        checks++;
      });
    }
    assert.ok(checks > 1_000, `only ${checks} checks`);
  }));

/** Every way an error could show a secret. */
function errorTexts(error: unknown): string[] {
  if (!(error instanceof Error)) return [String(error)];
  const cause = error.cause instanceof Error
    ? [error.cause.message, String(error.cause.stack)]
    : [String(error.cause)];
  return [
    error.message,
    String(error.stack),
    String(error),
    JSON.stringify(error),
    ...cause,
  ];
}

Deno.test("fuzz: Context.check only throws ConfigurationError, never with an env value", () =>
  withSeed("fuzz_settings check", (seed) => {
    const rng = new Rng(seed);
    const names = ["TOKEN", "SECRET", "EMPTY", "UNSET", "A B", "é", "x", "A=B"];
    const env = new Map<string, string>([
      ["TOKEN", `${SECRET_MARK}env-${rng.chars(12, "abcdef")}`],
      ["SECRET", `${SECRET_MARK}env-${rng.chars(12, "abcdef")}`],
      ["EMPTY", ""],
      ["x", `${SECRET_MARK}env-x`],
    ]);
    const value = () =>
      rng.chance(0.5)
        ? `$${rng.chance(0.7) ? rng.pick(names) : rng.nasty(3)}`
        : leaf(rng);
    let thrown = 0;
    for (let round = 0; round < 3_000; round++) {
      const key = rng.chance(0.7) ? rng.pick(["space.token", "a", "b.c"]) : rng
        .nasty(3);
      // A third of the rounds read the real environment, whose reader refuses
      // some names: that must still be a ConfigurationError.
      const context = new Context({ [key]: value() }, {
        env: rng.chance(0.33) ? undefined : (name) => env.get(name),
      });
      const options = {
        default: rng.chance(0.5) ? value() : undefined,
        isMandatory: rng.chance(0.5),
        filter: rng.chance(0.7),
        validate: rng.chance(0.3)
          ? () => rng.chance(0.5)
          : rng.chance(0.1)
          ? () => undefined as unknown as boolean
          : undefined,
      };
      try {
        context.check(key, options);
      } catch (error) {
        thrown++;
        const where = `seed ${seed} round ${round}: ${redact(String(error))}`;
        assert.ok(error instanceof ConfigurationError, where);
        assert.equal(error.key, key, where);
        for (const text of errorTexts(error)) {
          assert.equal(text.includes(SECRET_MARK), false, where);
        }
      }
    }
    assert.ok(thrown > 100, `only ${thrown} errors`);
  }));

Deno.test("a $-value that cannot be a variable name is a ConfigurationError or a literal, never a TypeError showing it", () => {
  // Found by the fuzz test above: Deno.env.get throws a TypeError that quotes
  // the name for names with "=" or NUL, so a secret that starts with "$"
  // (and, like base64, ends with "=") lands in an error message.
  const secret = `$${SECRET_MARK}abc/def==`;
  const context = new Context({ space: { webhook_secret: secret } });
  try {
    context.check("space.webhook_secret", { filter: true });
  } catch (error) {
    assert.ok(error instanceof ConfigurationError, redact(String(error)));
    for (const text of errorTexts(error)) {
      assert.equal(text.includes(SECRET_MARK), false, redact(text));
    }
  }
});

const NAME_PARTS = [
  "..",
  "../",
  "..\\",
  "/etc/passwd",
  "C:\\Windows\\",
  "\\\\server\\share\\",
  "%2e%2e%2f",
  "%2F",
  "%00",
  "\0",
  "link",
  "attachment",
  "CON",
  "nul.txt",
  ".",
  " ",
  "\u202etxt.exe",
  "\uff0e\uff0e\uff0f",
  "😀",
  "é",
  "x".repeat(300),
  "report.pdf",
  "~",
  "$HOME",
];

function hostileName(rng: Rng): string {
  let name = "";
  for (let count = 1 + rng.int(5); count > 0; count--) {
    name += rng.chance(0.6) ? rng.pick(NAME_PARTS) : rng.nasty(3);
  }
  return name;
}

/** Percent-encodes each character as one ISO-8859-1 byte. */
function percentLatin1(name: string): string {
  return [...name].map((char) =>
    /[A-Za-z0-9._-]/.test(char)
      ? char
      : `%${char.charCodeAt(0).toString(16).padStart(2, "0")}`
  ).join("");
}

/** A Content-Disposition header carrying a hostile name, in one of its forms. */
function header(rng: Rng, name: string): string {
  const quoted = name.replace(/[\\"]/g, (char) => `\\${char}`);
  const latin1 = [...name].every((char) => char.charCodeAt(0) < 256);
  const encoded = encodeURIComponent(name.toWellFormed())
    .replace(/%2F/gi, rng.chance(0.5) ? "/" : "%2F");
  return rng.pick([
    () => `attachment; filename="${quoted}"`,
    () => `attachment; filename=${name}`,
    () => `attachment; filename*=UTF-8''${encoded}`,
    () => `inline; filename="a.txt"; filename*=utf-8''${encoded}`,
    () =>
      latin1
        ? `attachment; filename*=ISO-8859-1''${percentLatin1(name)}`
        : name,
    () => `attachment; FILENAME="${quoted}"; filename="other"`,
    () => `${rng.nasty(2)}; filename="${quoted}`,
    () => name,
  ])();
}

Deno.test("fuzz: no Content-Disposition name makes a download leave its folder", () =>
  withSeed("fuzz_settings content-disposition", async (seed) => {
    const rng = new Rng(seed);
    const root = await Deno.makeTempDir({ prefix: "fuzz_download_" });
    const cases = 2_500;
    // A fresh folder every 100 cases keeps the " (n)" searches short.
    const batch = 100;
    let hostile = 0;
    try {
      const outside = `${root}/outside`;
      await Deno.mkdir(outside);
      for (let first = 0; first < cases; first += batch) {
        const dir = `${root}/downloads-${first}`;
        await Deno.mkdir(dir);
        // Links in the folder to outside it: a name that matches one must not
        // write through it.
        for (const name of ["link", "passwd", "attachment", "report.pdf"]) {
          await Deno.symlink(outside, `${dir}/${name}`);
        }
        await Deno.symlink(`${outside}/dangling`, `${dir}/share`);
        const realDir = await Deno.realPath(dir);
        for (let index = first; index < first + batch; index++) {
          const raw = header(rng, hostileName(rng));
          const { filename } = parseContentDisposition(raw);
          if (filename !== undefined && /[\\/]|\.\./.test(filename)) hostile++;
          const where = `seed ${seed} case ${index}: ${JSON.stringify(raw)}`;
          const { path, file } = await createUniqueFile(dir, filename ?? "x");
          try {
            await file.write(new Uint8Array([index & 0xff]));
          } finally {
            file.close();
          }
          const real = await Deno.realPath(path);
          assert.equal(real.slice(0, real.lastIndexOf("/")), realDir, where);
          assert.ok((await Deno.lstat(path)).isFile, where);
        }
        let files = 0;
        for await (const entry of Deno.readDir(dir)) if (entry.isFile) files++;
        assert.equal(files, batch);
      }
      const escaped = [];
      for await (const entry of Deno.readDir(outside)) escaped.push(entry.name);
      assert.deepEqual(escaped, []);
      // Many parsed names carry a separator or "..": the fuzz hits the guard.
      assert.ok(hostile > cases / 5, `only ${hostile} hostile names`);
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  }));

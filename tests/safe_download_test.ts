import assert from "node:assert/strict";
import { dirname, relative, resolve } from "node:path";
import {
  createUniqueFile,
  sanitiseFileName,
} from "../spaces/webex/safe_download.ts";

async function withTempDir(run: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "safe_download_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const byteLength = (text: string) => new TextEncoder().encode(text).byteLength;

const HOSTILE: [string | undefined, string][] = [
  ["../../etc/passwd", "passwd"],
  ["..\\..\\x", "x"],
  ["/abs/path", "path"],
  ["C:\\Windows\\system32\\evil.dll", "evil.dll"],
  ["a/../../b", "b"],
  ["report.pdf/", "report.pdf"],
  ["dir/..", "dir"],
  ["..", "attachment"],
  [".", "attachment"],
  ["../..", "attachment"],
  ["/", "attachment"],
  ["\u0000", "attachment"],
  ["evil\u0000.txt", "evil.txt"],
  ["tab\there\n.txt", "tabhere.txt"],
  [".hidden", "hidden"],
  ["...dots...", "dots"],
  ["  spaced  .txt  ", "spaced  .txt"],
  ['what?<is>:this|"*.txt', "what__is__this___.txt"],
  ["photo\u202egpj.exe", "photogpj.exe"],
  ["CON", "_CON"],
  ["nul.txt", "_nul.txt"],
  ["console.log", "console.log"],
  ["résumé.pdf", "résumé.pdf"],
  ["e\u0301te\u0301.txt", "été.txt"],
  ["lone\ud800surrogate", "lone\ufffdsurrogate"],
  ["", "attachment"],
  ["   ", "attachment"],
  [undefined, "attachment"],
];

Deno.test("sanitiseFileName() cleans the table of hostile names", () => {
  for (const [name, expected] of HOSTILE) {
    assert.equal(sanitiseFileName(name), expected, JSON.stringify(name));
  }
});

Deno.test("sanitiseFileName() limits long names to 200 bytes, keeping the extension", () => {
  const long = sanitiseFileName(`${"a".repeat(1000)}.pdf`);
  assert.equal(long, `${"a".repeat(196)}.pdf`);

  const wide = sanitiseFileName(`${"日".repeat(1000)}.docx`);
  assert.ok(byteLength(wide) <= 200);
  assert.ok(wide.endsWith("日.docx"));
  assert.ok(!wide.includes("\ufffd"), "no character cut in half");

  const emoji = sanitiseFileName("😀".repeat(1000));
  assert.ok(byteLength(emoji) <= 200);
  assert.equal(emoji, "😀".repeat(50));

  const hugeExtension = sanitiseFileName(`a.${"x".repeat(1000)}`);
  assert.equal(byteLength(hugeExtension), 200);
  assert.ok(hugeExtension.startsWith("a.x"));

  const dotted = sanitiseFileName(`a${".".repeat(1000)}txt`);
  assert.equal(dotted, "a.txt");
});

Deno.test("sanitiseFileName() fuzzed with a nasty alphabet stays safe", () => {
  let seed = 20_240_601;
  const random = () => {
    // mulberry32: small, seeded and good enough for fuzzing.
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const alphabet = [
    "/",
    "\\",
    ".",
    "..",
    "\u0000",
    "\u001f",
    "\u007f",
    " ",
    "\t",
    "\n",
    "a",
    "Z",
    "é",
    "e\u0301",
    "日",
    "😀",
    "\ud800",
    "\udc00",
    "\u202e",
    "\u200b",
    "\ufeff",
    ":",
    "*",
    "?",
    '"',
    "<",
    "|",
    "%2F",
    "~",
    "CON",
  ];
  for (let round = 0; round < 2000; round++) {
    let name = "";
    const length = Math.floor(random() * 300);
    for (let index = 0; index < length; index++) {
      name += alphabet[Math.floor(random() * alphabet.length)];
    }
    const safe = sanitiseFileName(name);
    const shown = JSON.stringify(name);
    assert.notEqual(safe, "", shown);
    assert.ok(!/[\\/]/.test(safe), shown);
    assert.ok(safe !== "." && safe !== "..", shown);
    assert.ok(!safe.startsWith("."), shown);
    // deno-lint-ignore no-control-regex
    assert.ok(!/[\u0000-\u001f\u007f]/.test(safe), shown);
    assert.ok(byteLength(safe) <= 200, shown);
    assert.equal(safe, safe.toWellFormed(), shown);
    assert.equal(sanitiseFileName(safe), safe, `idempotent for ${shown}`);
  }
});

Deno.test("createUniqueFile() keeps every hostile name inside the folder", async () => {
  await withTempDir(async (dir) => {
    const names = [
      ...HOSTILE.map(([name]) => name ?? ""),
      "x".repeat(1000),
      `${"y".repeat(1000)}.txt`,
    ];
    for (const name of names) {
      const { path, file } = await createUniqueFile(dir, name);
      file.close();
      const where = relative(resolve(dir), resolve(path));
      assert.equal(dirname(resolve(path)), resolve(dir), JSON.stringify(name));
      assert.ok(!where.startsWith(".."), JSON.stringify(name));
      assert.ok((await Deno.stat(path)).isFile);
    }
    const created = [];
    for await (const entry of Deno.readDir(dir)) created.push(entry.name);
    assert.equal(created.length, names.length, "one new file per call");
  });
});

Deno.test("createUniqueFile() never overwrites a file of the same name", async () => {
  await withTempDir(async (dir) => {
    const first = await createUniqueFile(dir, "report.pdf");
    await new Blob(["first"]).stream().pipeTo(first.file.writable);

    const second = await createUniqueFile(`${dir}/`, "../report.pdf");
    await new Blob(["second"]).stream().pipeTo(second.file.writable);
    const third = await createUniqueFile(dir, "report.pdf");
    third.file.close();

    assert.equal(first.path, `${dir}/report.pdf`);
    assert.equal(second.path, `${dir}/report (1).pdf`);
    assert.equal(third.path, `${dir}/report (2).pdf`);
    assert.equal(await Deno.readTextFile(first.path), "first");
    assert.equal(await Deno.readTextFile(second.path), "second");
    assert.equal(await Deno.readTextFile(third.path), "");

    const bare = await createUniqueFile(dir, "");
    bare.file.close();
    const bareAgain = await createUniqueFile(dir, "..");
    bareAgain.file.close();
    assert.equal(bare.path, `${dir}/attachment`);
    assert.equal(bareAgain.path, `${dir}/attachment (1)`);
  });
});

Deno.test("createUniqueFile() does not follow a link planted under the name", async () => {
  await withTempDir(async (dir) => {
    const outside = await Deno.makeTempDir({ prefix: "safe_download_out_" });
    try {
      await Deno.symlink(`${outside}/target.txt`, `${dir}/link.txt`);
      const { path, file } = await createUniqueFile(dir, "link.txt");
      file.close();
      assert.equal(path, `${dir}/link (1).txt`);
      await assert.rejects(
        Deno.stat(`${outside}/target.txt`),
        Deno.errors.NotFound,
      );
    } finally {
      await Deno.remove(outside, { recursive: true });
    }
  });
});

Deno.test("createUniqueFile() fails clearly when the folder is missing or the signal aborted", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(
      createUniqueFile(`${dir}/missing`, "a.txt"),
      Deno.errors.NotFound,
    );
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    await assert.rejects(
      createUniqueFile(dir, "a.txt", { signal: controller.signal }),
      /stopped/,
    );
    const left = [];
    for await (const entry of Deno.readDir(dir)) left.push(entry.name);
    assert.deepEqual(left, []);
  });
});

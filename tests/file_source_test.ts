import assert from "node:assert/strict";
import { SpacesError } from "../spaces/errors.ts";
import {
  guessContentType,
  MAX_FILE_SIZE,
  type ResolvedFile,
  resolveFile,
} from "../spaces/webex/file_source.ts";
import {
  createMultipartBody,
  type MultipartFile,
} from "../spaces/webex/multipart.ts";

async function withTempDir(run: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "file_source_test_" });
  try {
    await run(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function upload(resolved: ResolvedFile) {
  assert.equal(resolved.kind, "upload");
  return resolved as {
    kind: "upload";
    file: MultipartFile;
    replayable: boolean;
  };
}

async function textOf(file: MultipartFile) {
  return await new Response(await file.stream()).text();
}

Deno.test("resolveFile() reads a local path, replayable", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/Quarterly Report.PDF`;
    await Deno.writeTextFile(path, "%PDF-1.7 hello");
    const resolved = upload(await resolveFile(path));
    assert.equal(resolved.replayable, true);
    assert.equal(resolved.file.name, "Quarterly Report.PDF");
    assert.equal(resolved.file.type, "application/pdf");
    assert.equal(resolved.file.size, 14);
    assert.equal(await textOf(resolved.file), "%PDF-1.7 hello");
    assert.equal(await textOf(resolved.file), "%PDF-1.7 hello", "opened again");
  });
});

Deno.test("resolveFile() reads a file: URL, as a URL or a string", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/été 1.csv`;
    await Deno.writeTextFile(path, "a,b\n");
    const url = new URL(`file://${encodeURI(path)}`);
    for (const input of [url, url.href]) {
      const resolved = upload(await resolveFile(input));
      assert.equal(resolved.file.name, "été 1.csv");
      assert.equal(resolved.file.type, "text/csv");
      assert.equal(resolved.file.size, 4);
      assert.equal(await textOf(resolved.file), "a,b\n");
    }
  });
});

Deno.test("resolveFile() names a missing path in its error", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/nope.txt`;
    await assert.rejects(resolveFile(path), (error: unknown) => {
      assert.ok(error instanceof SpacesError);
      assert.ok(error.message.includes(path), error.message);
      assert.match(error.message, /no such file/);
      assert.ok(error.cause instanceof Deno.errors.NotFound);
      return true;
    });
  });
});

Deno.test("resolveFile() refuses a directory", async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(resolveFile(dir), (error: unknown) => {
      assert.ok(error instanceof SpacesError);
      assert.ok(error.message.includes(dir), error.message);
      assert.match(error.message, /directory/);
      return true;
    });
  });
});

Deno.test("resolveFile() keeps http: and https: URLs for Webex to fetch", async () => {
  assert.deepEqual(await resolveFile("https://example.com/a b.pdf"), {
    kind: "url",
    url: "https://example.com/a%20b.pdf",
  });
  assert.deepEqual(await resolveFile("HTTP://example.com/x.png"), {
    kind: "url",
    url: "http://example.com/x.png",
  });
  assert.deepEqual(await resolveFile(new URL("https://example.com/y.gif")), {
    kind: "url",
    url: "https://example.com/y.gif",
  });
  await assert.rejects(resolveFile("https://"), TypeError);
  await assert.rejects(resolveFile(new URL("ftp://example.com/f")), TypeError);
});

Deno.test("resolveFile() takes a Blob, replayable", async () => {
  const resolved = upload(await resolveFile(new Blob(["blob bytes"])));
  assert.equal(resolved.replayable, true);
  assert.equal(resolved.file.name, "file");
  assert.equal(resolved.file.type, "application/octet-stream");
  assert.equal(resolved.file.size, 10);
  assert.equal(await textOf(resolved.file), "blob bytes");
  assert.equal(await textOf(resolved.file), "blob bytes");

  const typed = upload(
    await resolveFile(new Blob(["{}"], { type: "application/json" })),
  );
  assert.equal(typed.file.type, "application/json");
});

Deno.test("resolveFile() takes a File's name and type", async () => {
  const resolved = upload(
    await resolveFile(
      new File(["<svg/>"], "logo.svg", { type: "image/x-own" }),
    ),
  );
  assert.equal(resolved.file.name, "logo.svg");
  assert.equal(resolved.file.type, "image/x-own");
  assert.equal(resolved.file.size, 6);
  assert.equal(await textOf(resolved.file), "<svg/>");

  const guessed = upload(await resolveFile(new File(["x"], "photo.JPG")));
  assert.equal(guessed.file.type, "image/jpeg");
  const unnamed = upload(await resolveFile(new File(["x"], "")));
  assert.equal(unnamed.file.name, "file");
});

Deno.test("resolveFile() sends a named stream once only", async () => {
  const resolved = upload(
    await resolveFile({
      name: "log.txt",
      stream: new Blob(["line 1\n"]).stream(),
      size: 7,
    }),
  );
  assert.equal(resolved.replayable, false);
  assert.equal(resolved.file.name, "log.txt");
  assert.equal(resolved.file.type, "text/plain");
  assert.equal(resolved.file.size, 7);
  assert.equal(await textOf(resolved.file), "line 1\n");
  assert.throws(() => resolved.file.stream(), (error: unknown) => {
    assert.ok(error instanceof SpacesError);
    assert.match(error.message, /log\.txt.*already read/);
    return true;
  });

  const unsized = upload(
    await resolveFile({
      name: "x.bin",
      stream: new Blob(["x"]).stream(),
      type: "application/x-own",
    }),
  );
  assert.equal(unsized.file.size, undefined);
  assert.equal(unsized.file.type, "application/x-own");
  await (await unsized.file.stream()).cancel();
});

Deno.test("resolveFile() refuses a named stream without a name or already read", async () => {
  const stream = new Blob(["x"]).stream();
  await assert.rejects(resolveFile({ name: "", stream }), TypeError);
  const reader = stream.getReader();
  await assert.rejects(resolveFile({ name: "x", stream }), TypeError);
  await reader.cancel();
  await assert.rejects(
    resolveFile({ name: "x" } as unknown as Blob),
    TypeError,
  );
  await assert.rejects(resolveFile(42 as unknown as string), TypeError);
});

Deno.test("resolveFile() refuses a file above 100 MB", async () => {
  const tooBig = (error: unknown) => {
    assert.ok(error instanceof RangeError);
    assert.match(error.message, /100 MB \(104857600 bytes\)/);
    return true;
  };
  await assert.rejects(
    resolveFile({
      name: "huge.bin",
      stream: new ReadableStream(),
      size: MAX_FILE_SIZE + 1,
    }),
    tooBig,
  );
  const atLimit = upload(
    await resolveFile({
      name: "limit.bin",
      stream: new ReadableStream(),
      size: MAX_FILE_SIZE,
    }),
  );
  assert.equal(atLimit.file.size, MAX_FILE_SIZE);
  await (await atLimit.file.stream()).cancel();

  await withTempDir(async (dir) => {
    // A sparse file: the size is real but takes no disk space.
    const path = `${dir}/sparse.bin`;
    const file = await Deno.open(path, { write: true, create: true });
    await file.truncate(MAX_FILE_SIZE + 1);
    file.close();
    await assert.rejects(resolveFile(path), tooBig);
  });
});

Deno.test("resolveFile() stops on an aborted signal", async () => {
  const controller = new AbortController();
  controller.abort(new Error("stopped"));
  await assert.rejects(
    resolveFile(new Blob(["x"]), { signal: controller.signal }),
    /stopped/,
  );
});

Deno.test("guessContentType() knows common extensions", () => {
  const table: [string, string][] = [
    ["a.pdf", "application/pdf"],
    ["a.png", "image/png"],
    ["a.jpg", "image/jpeg"],
    ["a.jpeg", "image/jpeg"],
    ["a.gif", "image/gif"],
    ["a.txt", "text/plain"],
    ["a.csv", "text/csv"],
    ["a.json", "application/json"],
    ["a.zip", "application/zip"],
    ["a.mp4", "video/mp4"],
    ["a.mp3", "audio/mpeg"],
    [
      "a.docx",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ],
    [
      "a.xlsx",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ],
    [
      "a.pptx",
      "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ],
    ["dir.pdf/noext", "application/octet-stream"],
    ["archive.unknown", "application/octet-stream"],
    ["pdf", "application/octet-stream"],
    ["", "application/octet-stream"],
  ];
  for (const [name, type] of table) {
    assert.equal(guessContentType(name), type, name);
  }
});

Deno.test("resolveFile() gives a path that uploads twice through a multipart body", async () => {
  await withTempDir(async (dir) => {
    const path = `${dir}/data.json`;
    const content = JSON.stringify({
      values: Array.from({ length: 5000 }, (_, i) => i),
    });
    await Deno.writeTextFile(path, content);
    const resolved = upload(await resolveFile(path));
    for (let attempt = 0; attempt < 2; attempt++) {
      const multipart = createMultipartBody({ roomId: "R1" }, resolved.file);
      const form = await new Response(multipart.body, {
        headers: { "content-type": multipart.contentType },
      }).formData();
      const file = form.get("files") as File;
      assert.equal(file.name, "data.json");
      assert.equal(file.type, "application/json");
      assert.equal(await file.text(), content);
    }
  });
});

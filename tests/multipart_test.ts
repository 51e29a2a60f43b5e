import assert from "node:assert/strict";
import {
  createMultipartBody,
  type MultipartFile,
} from "../spaces/webex/multipart.ts";

const encoder = new TextEncoder();

function fileOf(
  name: string,
  bytes: Uint8Array<ArrayBuffer>,
  type?: string,
): MultipartFile {
  return {
    name,
    type,
    size: bytes.byteLength,
    stream: () => new Blob([bytes]).stream(),
  };
}

async function parse(body: ReadableStream<Uint8Array>, contentType: string) {
  return await new Response(body, { headers: { "content-type": contentType } })
    .formData();
}

/** Reverses the WHATWG escaping of names in form-data, which Deno leaves in. */
function unescapeFormName(name: string): string {
  return name.replaceAll("%22", '"').replaceAll("%0D", "\r").replaceAll(
    "%0A",
    "\n",
  );
}

async function bytesOf(stream: ReadableStream<Uint8Array>) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("createMultipartBody() round-trips fields and a small file", async () => {
  const bytes = encoder.encode("hello, world\n");
  const multipart = createMultipartBody(
    {
      roomId: "R1",
      text: "Here it is",
      markdown: "**Here** it is",
      parentId: undefined,
    },
    fileOf("hello.txt", bytes, "text/plain"),
  );
  assert.match(
    multipart.contentType,
    /^multipart\/form-data; boundary=----shellbot[0-9a-f]{32}$/,
  );
  const form = await parse(multipart.body, multipart.contentType);
  assert.deepEqual([...form.keys()], ["roomId", "text", "markdown", "files"]);
  assert.equal(form.get("roomId"), "R1");
  assert.equal(form.get("text"), "Here it is");
  assert.equal(form.get("markdown"), "**Here** it is");
  const file = form.get("files");
  assert.ok(file instanceof File);
  assert.equal(file.name, "hello.txt");
  assert.equal(file.type, "text/plain");
  assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
});

Deno.test("createMultipartBody() keeps a non-ASCII file name and adds filename*", async () => {
  const name = "naïve résumé 日本.pdf";
  const bytes = new Uint8Array([0, 1, 2, 255, 254, 13, 10]);
  const multipart = createMultipartBody(
    { toPersonEmail: "a@example.com", text: "héllo ✓" },
    fileOf(name, bytes),
    { boundary: "fixed-boundary" },
  );
  const raw = new TextDecoder().decode(await bytesOf(multipart.body));
  assert.ok(
    raw.includes(
      `filename="${name}"; filename*=UTF-8''na%C3%AFve%20r%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC.pdf\r\n`,
    ),
  );
  assert.ok(raw.includes("Content-Type: application/octet-stream\r\n"));

  const again = createMultipartBody(
    { toPersonEmail: "a@example.com", text: "héllo ✓" },
    fileOf(name, bytes),
  );
  const form = await parse(again.body, again.contentType);
  assert.equal(form.get("text"), "héllo ✓");
  const file = form.get("files");
  assert.ok(file instanceof File);
  assert.equal(file.name, name);
  assert.deepEqual(new Uint8Array(await file.arrayBuffer()), bytes);
});

Deno.test("createMultipartBody() escapes quotes and line breaks in the file name", async () => {
  const name = 'say "hi"\r\nContent-Type: text/html.txt';
  const bytes = encoder.encode("quoted");
  const multipart = createMultipartBody(
    { roomId: "R1" },
    fileOf(name, bytes, "text/plain"),
    { boundary: "b0undary" },
  );
  const raw = new TextDecoder().decode(await bytesOf(multipart.body));
  assert.ok(
    raw.includes(
      'filename="say %22hi%22%0D%0AContent-Type: text/html.txt"\r\nContent-Type: text/plain\r\n',
    ),
  );
  assert.equal(raw.match(/Content-Type:/g)?.length, 2);

  const again = createMultipartBody(
    { roomId: "R1" },
    fileOf(name, bytes, "text/plain"),
  );
  const form = await parse(again.body, again.contentType);
  const file = form.get("files");
  assert.ok(file instanceof File);
  assert.equal(unescapeFormName(file.name), name);
  assert.equal(file.type, "text/plain");
  assert.equal(await file.text(), "quoted");
});

Deno.test("createMultipartBody() gives an exact content length when the size is known", async () => {
  for (const size of [0, 1, 1000, 70_000]) {
    const bytes = new Uint8Array(size).map((_, index) => index % 251);
    const multipart = createMultipartBody(
      { roomId: "R1", text: "ünïcödé text", markdown: undefined },
      fileOf("données.bin", bytes),
    );
    const produced = await bytesOf(multipart.body);
    assert.equal(multipart.contentLength, produced.byteLength, `size ${size}`);
  }
});

Deno.test("createMultipartBody() leaves the content length out when the size is unknown", async () => {
  const multipart = createMultipartBody({ roomId: "R1" }, {
    name: "x.txt",
    stream: () => new Blob(["abc"]).stream(),
  });
  assert.equal(multipart.contentLength, undefined);
  const form = await parse(multipart.body, multipart.contentType);
  assert.equal(await (form.get("files") as File).text(), "abc");
});

Deno.test("createMultipartBody() accepts a stream given by a promise", async () => {
  const multipart = createMultipartBody({}, {
    name: "later.txt",
    size: 5,
    stream: () => Promise.resolve(new Blob(["later"]).stream()),
  });
  const form = await parse(multipart.body, multipart.contentType);
  assert.equal(await (form.get("files") as File).text(), "later");
});

Deno.test("createMultipartBody() pipes 50 MB produced on demand", async () => {
  const chunkSize = 64 * 1024;
  const total = 50 * 1024 * 1024;
  let produced = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= total) {
        controller.close();
        return;
      }
      const size = Math.min(chunkSize, total - produced);
      controller.enqueue(new Uint8Array(size).fill(produced / chunkSize % 256));
      produced += size;
    },
  }, { highWaterMark: 0 });
  const multipart = createMultipartBody({ roomId: "R1" }, {
    name: "big.bin",
    size: total,
    stream: () => source,
  });

  let count = 0;
  let chunks = 0;
  const reader = multipart.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    count += value.byteLength;
    chunks++;
  }
  assert.equal(produced, total);
  assert.equal(count, multipart.contentLength);
  assert.ok(chunks > total / chunkSize, "the file went through chunk by chunk");
});

Deno.test("createMultipartBody() opens the file only when read", async () => {
  let opened = 0;
  const multipart = createMultipartBody({ roomId: "R1" }, {
    name: "lazy.txt",
    stream: () => {
      opened++;
      return new Blob(["lazy"]).stream();
    },
  });
  assert.equal(opened, 0);
  const reader = multipart.body.getReader();
  const first = await reader.read();
  assert.ok(new TextDecoder().decode(first.value).includes('name="roomId"'));
  assert.equal(opened, 0, "the fields come before the file is opened");
  await reader.read();
  assert.equal(opened, 1);
  await reader.cancel();
});

Deno.test("createMultipartBody() cancels the file stream when the body is cancelled", async () => {
  let cancelledWith: unknown = "not cancelled";
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      controller.enqueue(new Uint8Array(1024));
    },
    cancel(reason) {
      cancelledWith = reason;
    },
  });
  const multipart = createMultipartBody({ roomId: "R1" }, {
    name: "endless.bin",
    stream: () => source,
  });
  const reader = multipart.body.getReader();
  await reader.read();
  await reader.read();
  await reader.cancel("stop");
  assert.equal(cancelledWith, "stop");
});

Deno.test("createMultipartBody() errors when the file gives more or fewer bytes than its size", async () => {
  for (const [size, content] of [[3, "four"], [10, "four"]] as const) {
    const multipart = createMultipartBody({}, {
      name: "changed.txt",
      size,
      stream: () => new Blob([content]).stream(),
    });
    await assert.rejects(bytesOf(multipart.body), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /changed\.txt.*gave 4 bytes/);
      return true;
    });
  }
});

Deno.test("createMultipartBody() passes on an error of the file stream", async () => {
  const multipart = createMultipartBody({}, {
    name: "broken.txt",
    stream: () =>
      new ReadableStream({
        pull(controller) {
          controller.error(new Error("disk gone"));
        },
      }),
  });
  await assert.rejects(bytesOf(multipart.body), /disk gone/);
});

Deno.test("createMultipartBody() refuses bad boundaries, types, field names and sizes", () => {
  const file = fileOf("a.txt", encoder.encode("a"));
  for (const boundary of ["", "a b", "x".repeat(71), 'quo"te', "line\r\n"]) {
    assert.throws(
      () => createMultipartBody({}, file, { boundary }),
      TypeError,
      JSON.stringify(boundary),
    );
  }
  assert.throws(
    () => createMultipartBody({}, { ...file, type: "text/plain\r\nX: y" }),
    TypeError,
  );
  assert.throws(() => createMultipartBody({ 'a"b': "x" }, file), TypeError);
  assert.throws(() => createMultipartBody({ "": "x" }, file), TypeError);
  for (const size of [-1, 1.5, Number.NaN]) {
    assert.throws(
      () => createMultipartBody({}, { ...file, size }),
      RangeError,
    );
  }
});

Deno.test("createMultipartBody() draws a new random boundary each time", () => {
  const file = fileOf("a.txt", encoder.encode("a"));
  const first = createMultipartBody({}, file);
  const second = createMultipartBody({}, file);
  assert.notEqual(first.contentType, second.contentType);
  first.body.cancel();
  second.body.cancel();
});

Deno.test("createMultipartBody() uploads through fetch to a real server", async () => {
  const bytes = new Uint8Array(300_000).map((_, index) => index % 253);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const form = await request.formData();
      const file = form.get("files") as File;
      return Response.json({
        roomId: form.get("roomId"),
        name: file.name,
        size: file.size,
        same: (await file.bytes()).every((byte, index) =>
          byte === bytes[index]
        ),
        length: request.headers.get("content-length"),
      });
    },
  );
  try {
    const multipart = createMultipartBody(
      { roomId: "R1" },
      fileOf("upload.bin", bytes),
    );
    const response = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
      method: "POST",
      headers: {
        "content-type": multipart.contentType,
        "content-length": String(multipart.contentLength),
      },
      body: multipart.body,
    });
    const { length, ...received } = await response.json();
    assert.deepEqual(received, {
      roomId: "R1",
      name: "upload.bin",
      size: bytes.byteLength,
      same: true,
    });
    // Deno 2.9's fetch sends a stream body chunked and drops Content-Length;
    // when a runtime keeps it, it must be the exact one.
    assert.ok(length === null || length === String(multipart.contentLength));
  } finally {
    await server.shutdown();
  }
});

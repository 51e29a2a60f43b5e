// FakeWebex files: multipart uploads, file URLs, scan states, size limit.
import assert from "node:assert/strict";
import {
  assertErrorBody,
  call,
  FileServer,
  setup,
} from "./_fake_webex_calls.ts";

/** Bytes that look like a multipart body to a careless parser: CRLFs, dashes and near-boundaries. */
function trickyBlock(boundary: string): Uint8Array {
  const block = new Uint8Array(4096);
  let seed = 7;
  for (let i = 0; i < block.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    block[i] = seed >>> 24;
  }
  const near = new TextEncoder().encode(`\r\n--${boundary.slice(0, -1)}`);
  block.set(near, 100);
  block.set(
    near,
    block.length - near.length + 5 > block.length
      ? block.length - near.length
      : 4000,
  );
  block.set(new TextEncoder().encode("\r\n\r\n--"), 2000);
  return block;
}

Deno.test("FakeWebex stores a multipart upload and serves it byte for byte with GET and HEAD", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const bytes = new Uint8Array(3 * 1024 * 1024 + 17);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >>> 11)) & 255;
  const form = new FormData();
  form.set("roomId", roomId);
  form.set("text", "the report");
  form.set(
    "files",
    new File([bytes], "rapport d'été.bin", { type: "application/x-test" }),
  );
  const posted = await call(webex, "POST", "/messages", { body: form });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.text, "the report");
  assert.equal(posted.body.files.length, 1);
  const url: string = posted.body.files[0];
  assert.ok(url.startsWith(`${webex.url}/contents/`));
  const auth = { authorization: `Bearer ${alice.token}` };
  const head = await fetch(url, { method: "HEAD", headers: auth });
  await head.body?.cancel();
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(bytes.length));
  assert.equal(head.headers.get("content-type"), "application/x-test");
  assert.equal(
    head.headers.get("content-disposition"),
    `attachment; filename="rapport d'_t_.bin"; filename*=UTF-8''rapport%20d%27%C3%A9t%C3%A9.bin`,
  );
  for (let round = 0; round < 2; round++) {
    const got = await fetch(url, { headers: auth });
    assert.equal(got.headers.get("content-length"), String(bytes.length));
    assert.deepEqual(new Uint8Array(await got.arrayBuffer()), bytes);
  }
  assert.deepEqual(webex.content(url)?.bytes, bytes);
  const outsider = webex.addUser({ email: "eve@example.com" });
  const refused = await call(webex, "GET", url, { token: outsider.token });
  assertErrorBody(refused, 404);
});

Deno.test("FakeWebex streams a 100 MiB multipart upload without corrupting it", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const boundary = `----shellbot${crypto.randomUUID()}`;
  const block = trickyBlock(boundary);
  const window = new Uint8Array(block.length * 300);
  for (let i = 0; i < 300; i++) window.set(block, i * block.length);
  const size = 100 * 1024 * 1024;
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${roomId}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n` +
      `Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  let sent = -1;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent === -1) {
        controller.enqueue(head);
        sent = 0;
      } else if (sent < size) {
        const length = Math.min(1_000_003, size - sent);
        const start = sent % block.length;
        controller.enqueue(window.slice(start, start + length));
        sent += length;
      } else {
        controller.enqueue(tail);
        controller.close();
      }
    },
  });
  const response = await fetch(`${webex.url}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    body,
  });
  const message = await response.json();
  assert.equal(response.status, 200, JSON.stringify(message));
  const download = await fetch(message.files[0], {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(download.headers.get("content-length"), String(size));
  let offset = 0;
  let mismatch = -1;
  for await (const chunk of download.body!) {
    for (let i = 0; i < chunk.length && mismatch === -1; i++) {
      if (chunk[i] !== block[(offset + i) % block.length]) {
        mismatch = offset + i;
      }
    }
    offset += chunk.length;
  }
  assert.equal(mismatch, -1, `bytes differ at ${mismatch}`);
  assert.equal(offset, size);
});

Deno.test("FakeWebex refuses more than one file, and stores a JSON file URL as a content", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  await using files = new FileServer({
    "/docs/report.pdf": {
      body: "%PDF",
      headers: { "content-type": "application/pdf" },
    },
  });
  const form = new FormData();
  form.set("roomId", roomId);
  form.append("files", new File(["a"], "a.txt"));
  form.append("files", new File(["b"], "b.txt"));
  assertErrorBody(await call(webex, "POST", "/messages", { body: form }), 400);
  const two = {
    roomId,
    files: ["https://example.com/a.pdf", "https://example.com/b.pdf"],
  };
  assertErrorBody(await call(webex, "POST", "/messages", { json: two }), 400);
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, files: [`${files.origin}/docs/report.pdf?x=1`] },
  });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.text, undefined);
  const head = await fetch(posted.body.files[0], {
    method: "HEAD",
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  await head.body?.cancel();
  assert.equal(
    head.headers.get("content-disposition"),
    // RFC 6266: a token needs no quotes; `filename="report.pdf"` is the same.
    "attachment; filename=report.pdf",
  );
  assert.equal(head.headers.get("content-type"), "application/pdf");
  assert.equal(webex.postedByBot().length, 1);
});

Deno.test("FakeWebex answers 423 with Retry-After while a file is scanned, and 410 once removed", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const message = webex.simulateMessage({
    from: alice,
    roomId,
    file: { name: "notes.txt", bytes: new TextEncoder().encode("notes") },
  });
  const url = (message.files as string[])[0];
  webex.setContentState(url, "scanning", { retryAfter: 3 });
  const scanning = await call(webex, "GET", url);
  assertErrorBody(scanning, 423);
  assert.equal(scanning.headers.get("retry-after"), "3");
  webex.setContentState(url, "removed");
  assertErrorBody(await call(webex, "GET", url), 410);
  webex.setContentState(url, "ready");
  const ready = await fetch(url, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  assert.equal(await ready.text(), "notes");
  assert.equal(ready.headers.get("content-type"), "text/plain");
});

Deno.test("FakeWebex refuses a file over 100 MiB with 400 and posts nothing", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  const boundary = "shellbot-limit";
  const encoder = new TextEncoder();
  const parts = [
    encoder.encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${roomId}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.bin"\r\n\r\n`,
    ),
    ...Array.from({ length: 100 }, () => new Uint8Array(1024 * 1024)),
    new Uint8Array(1),
    encoder.encode(`\r\n--${boundary}--\r\n`),
  ];
  const response = await fetch(`${webex.url}/messages`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": `multipart/form-data; boundary=${boundary}`,
    },
    body: new Blob(parts),
  });
  const body = await response.json();
  assert.equal(response.status, 400);
  assert.match(body.message, /larger than 104857600 bytes/);
  assert.equal(webex.postedByBot().length, 0);
});

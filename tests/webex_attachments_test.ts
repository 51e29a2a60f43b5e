import { FileServer } from "./_fake_webex_calls.ts";
import assert from "node:assert/strict";
import { ApiError } from "../mod.ts";
import { webexFixture } from "./_webex.ts";

function bytesOf(size: number, seed = 7): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index++) {
    bytes[index] = (index * 31 + seed) & 0xff;
  }
  return bytes;
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("upload a local file, then download it byte for byte", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  const dir = await Deno.makeTempDir();
  try {
    const bytes = bytesOf(300_000);
    await Deno.writeFile(`${dir}/report.pdf`, bytes);
    const message = await space.postMessage({
      id: roomId,
      text: "the report",
      file: `${dir}/report.pdf`,
    });
    assert.ok(message.url);
    const stored = webex.content(message.url!);
    assert.equal(stored?.name, "report.pdf");
    assert.equal(stored?.type, "application/pdf");
    assert.deepEqual(stored?.bytes, bytes);

    assert.equal(await space.nameAttachment(message.url!), "report.pdf");
    assert.deepEqual(
      await readAll(await space.getAttachment(message.url!)),
      bytes,
    );
    const out = await Deno.makeTempDir({ dir });
    const first = await space.downloadAttachment(message.url!, { dir: out });
    const second = await space.downloadAttachment(message.url!, { dir: out });
    assert.equal(first, `${out}/report.pdf`);
    assert.equal(second, `${out}/report (1).pdf`);
    assert.deepEqual(await Deno.readFile(first), bytes);
    assert.deepEqual(await Deno.readFile(second), bytes);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("upload a Blob, a File and a named stream", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  const blob = await space.postMessage({
    id: roomId,
    file: new Blob([bytesOf(10)], { type: "image/png" }),
  });
  assert.deepEqual(webex.content(blob.url!)?.bytes, bytesOf(10));
  const file = await space.postMessage({
    id: roomId,
    file: new File([bytesOf(20)], "notes.txt"),
  });
  assert.equal(webex.content(file.url!)?.name, "notes.txt");
  const streamed = await space.postMessage({
    person: "bob@acme.com",
    text: "streamed",
    file: {
      name: "naïve data.csv",
      type: "text/csv",
      stream: new Blob([bytesOf(70_000, 3)]).stream(),
    },
  });
  const content = webex.content(streamed.url!);
  assert.equal(content?.name, "naïve data.csv");
  assert.deepEqual(content?.bytes, bytesOf(70_000, 3));
  assert.equal(await space.nameAttachment(streamed.url!), "naïve data.csv");
});

Deno.test("a file URL is passed to Webex as JSON", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  // The fake fetches the URL as Webex would, so it must be one it can reach.
  const chart = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
  await using files = new FileServer({
    "/files/chart.png": {
      body: chart,
      headers: { "content-type": "image/png" },
    },
  });
  await space.postMessage({
    id: roomId,
    text: "see",
    file: `${files.origin}/files/chart.png`,
  });
  const posted = webex.postedByBot().at(-1)!;
  assert.equal((posted.files as string[]).length, 1);
  // The file went through its URL: the bytes Webex keeps came from there.
  assert.deepEqual(files.requested, ["/files/chart.png"]);
  assert.deepEqual(webex.content((posted.files as string[])[0])?.bytes, chart);
});

Deno.test("an upload throttled with 429 is sent again from the file", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  webex.injectFault({
    endpoint: "POST /messages",
    status: 429,
    retryAfter: 0,
    times: 1,
  });
  const message = await space.postMessage({
    id: roomId,
    file: new File([bytesOf(5000)], "retry.bin"),
  });
  assert.deepEqual(webex.content(message.url!)?.bytes, bytesOf(5000));
  assert.equal(webex.requestCount("POST /messages"), 2);
  assert.equal(webex.postedByBot().length, 1);
});

Deno.test("a hostile file name is sanitised on download", async () => {
  await using fixture = await webexFixture();
  const { space, webex, alice, roomId } = fixture;
  const sent = webex.simulateMessage({
    from: alice,
    roomId,
    text: "look",
    mentions: [webex.bot],
    file: { name: "../../etc/passwd", bytes: bytesOf(64) },
  });
  const url = (sent.files as string[])[0];
  const dir = await Deno.makeTempDir();
  try {
    const path = await space.downloadAttachment(url, { dir });
    assert.equal(path.startsWith(`${dir}/`), true);
    assert.equal(path.slice(dir.length + 1).includes("/"), false);
    assert.deepEqual(await Deno.readFile(path), bytesOf(64));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a download waits while the file is scanned (423), and 410 says it is gone", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  const message = await space.postMessage({
    id: roomId,
    file: new File([bytesOf(100)], "scan.bin"),
  });
  webex.injectFault({
    endpoint: "GET /contents/{id}",
    status: 423,
    retryAfter: 0,
    times: 2,
  });
  assert.deepEqual(
    await readAll(await space.getAttachment(message.url!)),
    bytesOf(100),
  );
  assert.equal(webex.requestCount("GET /contents/{id}"), 3);

  webex.setContentState(message.url!, "removed");
  await assert.rejects(
    () => space.getAttachment(message.url!),
    (error: unknown) =>
      error instanceof ApiError && error.status === 410 &&
      /removed or found infected/.test(error.message),
  );
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => space.downloadAttachment(message.url!, { dir }),
      ApiError,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a missing local file is a clear error and sends nothing", async () => {
  await using fixture = await webexFixture();
  const { space, webex, roomId } = fixture;
  webex.clearRequests();
  await assert.rejects(
    () => space.postMessage({ id: roomId, file: "/no/such/file.pdf" }),
    /\/no\/such\/file\.pdf/,
  );
  assert.equal(webex.requestCount("POST /messages"), 0);
});

Deno.test("listMessages names the attachments of the messages it returns", async () => {
  await using fixture = await webexFixture();
  const { space, webex, alice } = fixture;
  webex.simulateMessage({
    from: alice,
    toPersonEmail: "shelly@webex.bot",
    text: "the plan",
    file: { name: "plan.txt", bytes: bytesOf(8) },
  });
  webex.simulateMessage({
    from: alice,
    toPersonEmail: "shelly@webex.bot",
    text: "no file",
  });
  const direct = await space.getByPerson("Alice");
  webex.clearRequests();
  const messages = await space.listMessages({ id: direct!.id });
  assert.deepEqual(messages.map((message) => message.attachment), [
    undefined,
    "plan.txt",
  ]);
  assert.equal(webex.requestCount("HEAD /contents/{id}"), 1);
});

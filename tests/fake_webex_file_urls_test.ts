// FakeWebex files by URL: fetched from loopback URLs and stored, as Webex fetches them.
import assert from "node:assert/strict";
import {
  assertErrorBody,
  call,
  FileServer,
  setup,
} from "./_fake_webex_calls.ts";

async function download(url: string, token: string) {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
  });
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    type: response.headers.get("content-type"),
    disposition: response.headers.get("content-disposition"),
  };
}

Deno.test("FakeWebex fetches a file given by loopback URL and stores its bytes, name and type", async () => {
  const { webex, alice, roomId } = await setup();
  await using _ = webex;
  const pdf = new Uint8Array(70_000).map((_, i) => i % 251);
  await using files = new FileServer({
    "/x.pdf": { body: pdf, headers: { "content-type": "application/pdf" } },
    "/download": {
      body: "a,b\n1,2\n",
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition":
          `attachment; filename="data.csv"; filename*=UTF-8''na%C3%AFve%20data.csv`,
      },
    },
    "/plain/notes%20v2.txt": { body: "notes" },
  });
  const posted = await call(webex, "POST", "/messages", {
    json: { roomId, text: "the report", files: [`${files.origin}/x.pdf`] },
  });
  assert.equal(posted.status, 200);
  assert.equal(posted.body.files.length, 1);
  const stored = webex.content(posted.body.files[0])!;
  assert.deepEqual(
    [stored.name, stored.type, stored.size],
    ["x.pdf", "application/pdf", pdf.length],
  );
  const got = await download(posted.body.files[0], alice.token);
  assert.deepEqual(got.bytes, pdf);
  assert.equal(got.type, "application/pdf");
  const named = await call(webex, "POST", "/messages", {
    json: { roomId, files: [`${files.origin}/download`] },
  });
  assert.deepEqual(
    [
      webex.content(named.body.files[0])?.name,
      webex.content(named.body.files[0])?.type,
    ],
    ["naïve data.csv", "text/csv"],
  );
  const byPath = await call(webex, "POST", "/messages", {
    json: { roomId, files: [`${files.origin}/plain/notes%20v2.txt`] },
  });
  const plain = webex.content(byPath.body.files[0])!;
  assert.equal(plain.name, "notes v2.txt");
  assert.equal(new TextDecoder().decode(plain.bytes), "notes");
  assert.deepEqual(files.requested, [
    "/x.pdf",
    "/download",
    "/plain/notes%20v2.txt",
  ]);
});

Deno.test("FakeWebex refuses a file URL it cannot or may not fetch, and posts nothing", async () => {
  const { webex, roomId } = await setup();
  await using _ = webex;
  await using files = new FileServer({ "/gone": { status: 410 } });
  const refused = [
    "https://example.com/a.pdf",
    "http://10.0.0.1/a.pdf",
    "ftp://127.0.0.1/a.pdf",
    `${files.origin}/missing.pdf`,
    `${files.origin}/gone`,
    // Nothing listens there once the server is gone.
    "http://127.0.0.1:9/a.pdf",
  ];
  for (const url of refused) {
    const answer = await call(webex, "POST", "/messages", {
      json: { roomId, text: "x", files: [url] },
    });
    assertErrorBody(answer, 400);
    assert.ok(!answer.body.message.includes("token"), answer.body.message);
  }
  assert.deepEqual(files.requested, ["/missing.pdf", "/gone"]);
  assert.deepEqual(webex.messages(roomId), []);
  // A card with a file is refused before the file is fetched.
  const card = await call(webex, "POST", "/messages", {
    json: {
      roomId,
      text: "x",
      files: [`${files.origin}/gone`],
      attachments: [{
        contentType: "application/vnd.microsoft.card.adaptive",
        content: { type: "AdaptiveCard", version: "1.3" },
      }],
    },
  });
  assertErrorBody(card, 400);
  assert.equal(files.requested.length, 2);
});

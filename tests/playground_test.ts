/**
 * The playground over real HTTP, without a browser: its page and assets,
 * the JSON API that acts as people, the live feed, the wire log, and the
 * program `playground.ts`.
 */
import assert from "node:assert/strict";
import type { BotHandler } from "../mod.ts";
import { startPlayground } from "../playground.ts";
import { Output } from "./_program.ts";
import fileBot from "../examples/file_bot.ts";

const WRITE = { "x-playground": "1" };

/** Reads server-sent notices until one matches; then stops reading. */
async function waitForNotice(
  body: ReadableStream<Uint8Array>,
  matches: (notice: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  let buffer = "";
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The stream ended; it said: ${buffer}`);
      buffer += value;
      for (const line of buffer.split("\n")) {
        if (!line.startsWith("data: ")) continue;
        const notice = JSON.parse(line.slice(6));
        if (matches(notice)) return notice;
      }
    }
  } finally {
    await reader.cancel();
  }
}

async function post(url: string, fields: Record<string, string | Blob>) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return await fetch(url, { method: "POST", headers: WRITE, body: form });
}

Deno.test("playground: a message as Alice reaches the demo bot by signed webhook, and the live feed carries its answer", async () => {
  await using playground = await startPlayground();
  assert.equal(playground.mode, "webhook");
  const [alice] = playground.people;
  const stream = await fetch(`${playground.url}api/stream`);
  assert.equal(stream.headers.get("content-type"), "text/event-stream");

  const sent = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
    text: "hello",
    mention: "bot",
  });
  assert.equal(sent.status, 201);
  assert.equal((await sent.json()).roomId, playground.roomId);

  // The bot's answer goes through the playground's way to the API.
  const notice = await waitForNotice(stream.body!, (notice) => {
    const entry = notice.entry as Record<string, unknown> | undefined;
    return notice.type === "wire" && entry?.method === "POST" &&
      entry.path === "/v1/messages" && entry.status === 200;
  });
  assert.equal((notice.entry as { roomId: string }).roomId, playground.roomId);

  const messages = await (await fetch(
    `${playground.url}api/rooms/${playground.roomId}/messages`,
  )).json();
  assert.deepEqual(
    messages.map((message: { author: { name: string }; text: string }) =>
      `${message.author.name}: ${message.text}`
    ),
    ["Alice: Shelly hello", "Shelly: Hello!"],
  );
  assert.match(messages[0].html, /<spark-mention[^>]*>Shelly<\/spark-mention>/);

  // The delivery was signed, and the hook route took it.
  await playground.webex.settled();
  const delivery = playground.webex.deliveries.find((item) =>
    item.resource === "messages"
  );
  assert.ok(delivery?.signature);
  assert.equal(delivery.status, 200);
  const wire = await (await fetch(
    `${playground.url}api/wire?roomId=${playground.roomId}`,
  )).json();
  const event = wire.find((entry: { kind: string }) => entry.kind === "event");
  assert.equal(event.summary, "messages created");
  assert.equal(event.status, 200);
  assert.doesNotMatch(JSON.stringify(wire), /fake-token-/);
});

Deno.test("playground: page and assets are served, the card renderer from npm included", async () => {
  await using playground = await startPlayground();
  const page = await fetch(playground.url);
  assert.match(page.headers.get("content-type")!, /text\/html/);
  const html = await page.text();
  assert.match(html, /<label for="text">Message<\/label>/);
  for (
    const [path, type] of [
      ["app.js", /javascript/],
      ["cards.js", /javascript/],
      ["dom.js", /javascript/],
      ["messages.js", /javascript/],
      ["markdown.js", /javascript/],
      ["app.css", /text\/css/],
      ["vendor/adaptivecards.js", /javascript/],
    ] as const
  ) {
    const asset = await fetch(`${playground.url}${path}`);
    assert.equal(asset.status, 200, path);
    assert.match(asset.headers.get("content-type")!, type);
    const text = await asset.text();
    if (path.startsWith("vendor/")) assert.match(text, /AdaptiveCard/);
  }
  // Browsers ask for an icon on every load: not a 404 in their console.
  const icon = await fetch(`${playground.url}favicon.ico`);
  assert.ok(icon.ok, `favicon.ico answered ${icon.status}`);
  await icon.body?.cancel();
});

Deno.test("playground: writes need the page's header; a file is stored and served with its name", async () => {
  await using playground = await startPlayground({
    bot: () => {},
  });
  const [alice] = playground.people;
  const forged = new FormData();
  forged.set("from", alice.id);
  forged.set("roomId", playground.roomId);
  forged.set("text", "from another site");
  const refused = await fetch(`${playground.url}api/messages`, {
    method: "POST",
    body: forged,
  });
  assert.equal(refused.status, 403);
  await refused.body?.cancel();
  assert.equal(playground.webex.messages(playground.roomId).length, 0);

  const sent = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
    file: new File(["a,b\n1,2\n"], "data.csv", { type: "text/csv" }),
  });
  assert.equal(sent.status, 201);
  await sent.body?.cancel();
  const [message] = await (await fetch(
    `${playground.url}api/rooms/${playground.roomId}/messages`,
  )).json();
  assert.deepEqual(
    { name: message.files[0].name, size: message.files[0].size },
    { name: "data.csv", size: 8 },
  );
  const file = await fetch(`${playground.url}api/files/${message.files[0].id}`);
  assert.match(file.headers.get("content-disposition")!, /data\.csv/);
  assert.equal(await file.text(), "a,b\n1,2\n");

  const empty = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
  });
  assert.equal(empty.status, 400);
  assert.match((await empty.json()).message, /Write something/);
});

Deno.test("playground: the file bot downloads a file attached on the page, through the proxy, on the wire", async () => {
  const handled = Promise.withResolvers<void>();
  const bot: BotHandler = async (event, space) => {
    try {
      await fileBot.handle(event, space);
    } finally {
      if (event.type === "message") handled.resolve();
    }
  };
  await using playground = await startPlayground({ bot });
  const [alice] = playground.people;
  const sent = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
    mention: "bot",
    file: new File(["a,b\n1,2\n"], "data.csv", { type: "text/csv" }),
  });
  assert.equal(sent.status, 201);
  await sent.body?.cancel();
  await handled.promise;
  const { webex } = playground;
  const [mine, answer] = webex.messages(playground.roomId);
  assert.equal(answer?.text, "Got data.csv (8 bytes)");

  // The download went through the playground, so it is on the wire.
  const wire = await (await fetch(`${playground.url}api/wire`)).json();
  const calls = wire.map((entry: { method: string; path: string }) =>
    `${entry.method} ${entry.path.replace(/contents\/[^/?]+/, "contents/ID")}`
  );
  assert.ok(calls.includes("GET /v1/contents/ID"), calls.join("\n"));
  // What the bot reads names the playground, never the fake behind it.
  const read = await fetch(`${playground.url}v1/messages/${mine.id}`, {
    headers: { authorization: `Bearer ${webex.bot.token}` },
  });
  const { files } = await read.json();
  assert.ok(files[0].startsWith(`${playground.url}v1/contents/`), files[0]);
});

Deno.test("playground: a direct room opens with its first message, only for its person; joins and leaves reach the bot", async () => {
  const heard: string[] = [];
  const heardAll = Promise.withResolvers<void>();
  const bot: BotHandler = (event) => {
    const what = event.type === "message"
      ? `message ${event.text}`
      : event.type;
    heard.push(`${event.channelId}: ${what}`);
    // Deliveries of two rooms may come in any order: wait for both ends.
    if (
      heard.some((line) => line.endsWith("message hi")) &&
      heard.some((line) => line.endsWith("leave"))
    ) {
      heardAll.resolve();
    }
  };
  await using playground = await startPlayground({ bot });
  const [alice, bob, carol] = playground.people;
  const state = await (await fetch(`${playground.url}api/state`)).json();
  const direct = state.rooms.find((room: { personId?: string }) =>
    room.personId === bob.id
  );
  assert.equal(direct.id, `direct:${bob.id}`);
  assert.equal(direct.title, "Bob & Shelly");

  const wrong = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: direct.id,
    text: "hi",
  });
  assert.equal(wrong.status, 400);
  await wrong.body?.cancel();
  const opened = await post(`${playground.url}api/messages`, {
    from: bob.id,
    roomId: direct.id,
    text: "hi",
  });
  const { roomId } = await opened.json();
  assert.notEqual(roomId, direct.id);
  const after = await (await fetch(`${playground.url}api/state`)).json();
  assert.equal(
    after.rooms.find((room: { personId?: string }) => room.personId === bob.id)
      .id,
    roomId,
  );

  const joined = await fetch(
    `${playground.url}api/rooms/${playground.roomId}/members`,
    {
      method: "POST",
      headers: { ...WRITE, "content-type": "application/json" },
      body: JSON.stringify({ person: carol.id, by: alice.id }),
    },
  );
  assert.equal(joined.status, 201);
  await joined.body?.cancel();
  const left = await fetch(
    `${playground.url}api/rooms/${playground.roomId}/members/${carol.id}?by=${carol.id}`,
    { method: "DELETE", headers: WRITE },
  );
  assert.equal(left.status, 204);
  await heardAll.promise;
  await playground.webex.settled();
  // Opening the direct room puts Bob and the bot in it: the bot hears that too.
  assert.deepEqual(
    heard.filter((line) => !line.includes(" join")).filter((line) =>
      line.startsWith(roomId)
    ),
    [`${roomId}: message hi`],
  );
  assert.deepEqual(
    heard.filter((line) => line.startsWith(playground.roomId)),
    [`${playground.roomId}: join`, `${playground.roomId}: leave`],
  );
});

Deno.test("playground: with --events polling the bot hears by polling the fake", async () => {
  const answered = Promise.withResolvers<string>();
  const bot: BotHandler = (event) => {
    if (event.type === "message") answered.resolve(event.text);
  };
  await using playground = await startPlayground({ bot, events: "polling" });
  assert.equal(playground.mode, "polling");
  assert.deepEqual(playground.webex.webhooks(), []);
  const [alice] = playground.people;
  const sent = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
    text: "are you there",
    mention: "bot",
  });
  await sent.body?.cancel();
  assert.match(await answered.promise, /are you there/);
});

Deno.test("playground: with --events websocket the bot hears on the fake's websocket, and reads files through the proxy", async () => {
  const answered = Promise.withResolvers<void>();
  const bot: BotHandler = async (event, space) => {
    try {
      await fileBot.handle(event, space);
    } finally {
      if (event.type === "message") answered.resolve();
    }
  };
  await using playground = await startPlayground({ bot, events: "websocket" });
  assert.equal(playground.mode, "websocket");
  assert.deepEqual(playground.webex.webhooks(), []);
  const [alice] = playground.people;
  const sent = await post(`${playground.url}api/messages`, {
    from: alice.id,
    roomId: playground.roomId,
    mention: "bot",
    file: new File(["twelve bytes"], "notes.txt", { type: "text/plain" }),
  });
  await sent.body?.cancel();
  await answered.promise;
  assert.equal(
    playground.webex.postedByBot().at(-1)?.text,
    "Got notes.txt (12 bytes)",
  );
});

Deno.test("playground.ts: prints its URL, serves the page, stops on SIGTERM; bad arguments exit 2", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "playground.ts", "--port", "0"],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const out = new Output(child.stdout, "playground");
  const err = new Output(child.stderr, "playground's stderr");
  const [, url] = await out.waitFor(
    /Playground on (http:\/\/127\.0\.0\.1:\d+\/)/,
  );
  const page = await fetch(url);
  assert.equal(page.status, 200);
  await page.body?.cancel();
  child.kill("SIGTERM");
  const status = await child.status;
  await Promise.all([out.done, err.done]);
  assert.equal(status.code, 0, err.text);
  assert.match(out.text, /Stopped/);

  const bad = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "playground.ts", "--events", "carrier-pigeon"],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(bad.code, 2);
  assert.match(new TextDecoder().decode(bad.stderr), /--events takes/);

  const help = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "playground.ts", "--help"],
    stdout: "piped",
  }).output();
  const usage = new TextDecoder().decode(help.stdout);
  assert.match(usage, /deno run -A jsr:@shellbot\/spaces\/playground/);
  assert.match(usage, /help, hello,\s+echo <text> and card/);
  assert.match(usage, /webhook .*websocket, or polling/s);
});

import assert from "node:assert/strict";
import type { BotHandler } from "../mod.ts";
import { startServer } from "../server.ts";
import { main } from "../spaces/server/_main.ts";
import { FakeWebex } from "../testing.ts";

Deno.test("server: space.events websocket receives over the socket without a public URL", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const heard = Promise.withResolvers<string>();
  const bot: BotHandler = async (event, space) => {
    if (event.type !== "message" || !event.channelId) return;
    await space.postMessage(event.channelId, "heard you");
    heard.resolve(event.text);
  };
  const running = await startServer({
    bot,
    settings: {
      space: {
        room: "Ops",
        token: webex.bot.token,
        api_url: webex.url,
        events: "websocket",
        u2c_url: webex.socket.u2cUrl,
      },
    },
    env: () => undefined,
    hostname: "127.0.0.1",
    port: 0,
  });
  try {
    assert.equal(running.mode, "websocket");
    await webex.socket.waitFor(() => webex.socket.connections > 0);
    webex.simulateMessage({
      from: alice,
      roomId: room.id,
      text: "are you there?",
      mentions: [webex.bot],
    });
    assert.equal(await heard.promise, "are you there?");
    assert.equal(webex.postedByBot().at(-1)?.text, "heard you");
    assert.equal(webex.webhooks().length, 0);
  } finally {
    await running.stop();
  }
  assert.equal(webex.socket.devices().length, 0);
});

Deno.test("server: --events takes webhook, polling or websocket", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => void errors.push(line);
  try {
    assert.equal(await main(["--events", "carrier-pigeon"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /--events takes 'webhook', 'websocket' or 'polling'/);
});

Deno.test("server: space.events webhook without a public URL is a configuration error", async () => {
  await using webex = await FakeWebex.start();
  await assert.rejects(
    startServer({
      settings: {
        space: {
          room: "Ops",
          token: webex.bot.token,
          api_url: webex.url,
          events: "webhook",
        },
      },
      env: () => undefined,
      hostname: "127.0.0.1",
      port: 0,
    }),
    /needs a public URL/,
  );
});

Deno.test("server: a space.events value that is not a mode is refused by the settings check", async () => {
  await using webex = await FakeWebex.start();
  await assert.rejects(
    startServer({
      settings: {
        space: { room: "Ops", token: webex.bot.token, api_url: webex.url },
      },
      env: (name) => name === "SPACE_EVENTS" ? "smoke-signals" : undefined,
      hostname: "127.0.0.1",
      port: 0,
    }),
    /'space.events' \(or SPACE_EVENTS\)/,
  );
});

import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { frontDoor, Output } from "./_program.ts";

const SECRET = "test-secret-serve";
const SERVER = new URL("../server.ts", import.meta.url).pathname;

/** A bot module of a user's, outside the repository: replies, then says so. */
const BOT = `
export default async (event, space) => {
  if (event.type !== "message" || !event.channelId) return;
  await space.postMessage(event.channelId, "served: " + event.text);
  console.log("replied to " + event.text);
};
`;

/** `deno serve server.ts` on a free port of 127.0.0.1, against `webex`. */
function serveServer(
  webex: FakeWebex,
  env: Record<string, string>,
): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["serve", "-A", "--host", "127.0.0.1", "--port", "0", SERVER],
    env: {
      NO_COLOR: "1",
      WEBEX_API_URL: webex.url,
      WEBEX_BOT_TOKEN: webex.bot.token,
      WEBEX_WEBHOOK_SECRET: SECRET,
      SPACE_ROOM: "Ops",
      DENO_KV_PATH: ":memory:",
      ...env,
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

Deno.test("deno serve server.ts serves the bot of SHELLBOT_BOT on its own port, connected on the first request", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const dir = await Deno.makeTempDir({ prefix: "shellbot-serve-" });
  const bot = `${dir}/my_bot.ts`;
  await Deno.writeTextFile(bot, BOT);
  const door = frontDoor();
  const child = serveServer(webex, {
    SERVER_URL: door.url,
    SHELLBOT_BOT: bot,
  });
  const stdout = new Output(child.stdout, "stdout of deno serve");
  const stderr = new Output(child.stderr, "stderr of deno serve");
  try {
    const [, address] = await Promise.race([
      stderr.waitFor(/deno serve: Listening on (http:\/\/127\.0\.0\.1:\d+)\//),
      // The bug this test is for: server.ts ran main() on a port of its own.
      stdout.waitFor(/Listening on http/).then((): never => {
        throw new Error(
          `server.ts ran main() under deno serve: ${stdout.text}`,
        );
      }),
    ]);
    door.forwardTo(address);
    assert.deepEqual(webex.webhooks(), [], "nothing connects before a request");

    const health = await fetch(`${door.url}/health`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: "ok" });
    const hooks = webex.webhooks();
    assert.deepEqual(hooks.map((hook) => hook.name).sort(), [
      "shellbot-actions",
      "shellbot-memberships",
      "shellbot-messages",
    ]);
    assert.ok(hooks.every((hook) => hook.targetUrl === `${door.url}/hook`));

    webex.simulateMessage({
      from: alice,
      roomId: String(room.id),
      text: "hello",
      mentions: [webex.bot],
    });
    await stdout.waitFor(/replied to hello/);
    await webex.settled();
    assert.deepEqual(webex.postedByBot().map((message) => message.text), [
      "served: hello",
    ]);
    assert.ok(webex.deliveries.length >= 1);
    assert.ok(
      webex.deliveries.every((delivery) => delivery.ok && delivery.signature),
    );
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    await Promise.all([stdout.done, stderr.done]);
    await door.close();
    await Deno.remove(dir, { recursive: true });
    assert.ok(status.signal === "SIGTERM" || status.code === 0, stderr.text);
  }
  assert.equal(stderr.text.includes(webex.bot.token), false);
  assert.equal(stdout.text.includes("Listening on"), false, "main() never ran");
});

Deno.test("deno serve server.ts with a bot that does not load answers 503 and says why once, without a stack", async () => {
  await using webex = await FakeWebex.start();
  const dir = await Deno.makeTempDir({ prefix: "shellbot-serve-" });
  const child = serveServer(webex, {
    SHELLBOT_BOT: `${dir}/no_such_bot.ts`,
  });
  const stdout = new Output(child.stdout, "stdout of deno serve");
  const stderr = new Output(child.stderr, "stderr of deno serve");
  try {
    const [, address] = await stderr.waitFor(
      /deno serve: Listening on (http:\/\/127\.0\.0\.1:\d+)\//,
    );
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await fetch(`${address}/health`);
      assert.equal(answer.status, 503);
      assert.ok(Number(answer.headers.get("retry-after")) >= 1);
      assert.match((await answer.json()).error, /not running/);
    }
    await stderr.waitFor(/The bot could not start: Cannot load the bot module/);
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await Promise.all([stdout.done, stderr.done]);
    await Deno.remove(dir, { recursive: true });
  }
  const said = stderr.text.match(/The bot could not start/g) ?? [];
  assert.equal(said.length, 1, stderr.text);
  assert.doesNotMatch(stderr.text, /^\s+at /m, "no stack trace");
});

import assert from "node:assert/strict";
import { ConfigurationError } from "../spaces/errors.ts";
import { FakeWebex } from "../testing.ts";

/** A temp dir with a KV file path in it, removed on dispose. */
import { membership, post, serve, tempKv, watchingBot } from "./_durable.ts";

Deno.test("a webhook that Webex turned inactive is noticed, revived, and what was missed is caught up", async () => {
  await using file = await tempKv();
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const watch = watchingBot();
  await using server = await serve(webex, file.path, {
    bot: watch.bot,
    secret: "s3cret",
    server: { webhook_check: 0.2 },
  });
  const hook = webex.webhooks().find((h) => h.name === "shellbot-messages")!;
  const turnedOff = await fetch(`${webex.url}/webhooks/${hook.id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name: hook.name,
      targetUrl: hook.targetUrl,
      status: "inactive",
    }),
  });
  assert.equal(turnedOff.status, 200);
  await turnedOff.body?.cancel();
  webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "while inactive",
    mentions: [webex.bot],
  });
  await watch.until((events) =>
    events.some((e) => e.type === "message" && /while inactive/.test(e.text))
  );
  assert.ok(server.lines.some((line) => /was inactive/.test(line)));
  assert.equal(
    webex.webhooks().find((h) => h.id === hook.id)?.status,
    "active",
  );
});

Deno.test("a corrupt KV file is named at start, with what to do", async () => {
  await using file = await tempKv();
  await Deno.writeTextFile(file.path, "not a database ".repeat(1000));
  await using webex = await FakeWebex.start();
  webex.addRoom({ title: "Ops" });
  await assert.rejects(
    () => serve(webex, file.path, { secret: "s" }),
    (error: Error) => {
      assert.ok(error instanceof ConfigurationError);
      assert.ok(error.message.includes(file.path), error.message);
      assert.match(error.message, /not a Deno KV database.*move it away/);
      return true;
    },
  );
});

const hasSqlite = await new Deno.Command("sqlite3", { args: ["-version"] })
  .output().then((out) => out.success, () => false);

Deno.test({
  name:
    "a KV file locked by another process: a bounded wait, a log line naming the file, and 503",
  ignore: !hasSqlite,
  async fn() {
    await using file = await tempKv();
    await using webex = await FakeWebex.start();
    const alice = webex.addUser({ email: "alice@acme.com" });
    const room = webex.addRoom({ title: "Ops", members: [alice] });
    await using server = await serve(webex, file.path, { secret: "s3cret" });
    const locker = new Deno.Command("sqlite3", {
      args: [file.path],
      stdin: "piped",
      stdout: "piped",
    }).spawn();
    const writer = locker.stdin.getWriter();
    await writer.write(
      // `.timeout`: BEGIN waits for the server's own writes (the catch-up
      // runs after the start) instead of failing, so the lock is held.
      new TextEncoder().encode(
        ".timeout 10000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n",
      ),
    );
    // Wait for the lock to be held: sqlite3 prints once it ran BEGIN.
    const reader = locker.stdout.getReader();
    await reader.read();
    try {
      const answer = await post(
        server.url,
        membership(String(room.id), String(alice.id)),
        "s3cret",
      );
      assert.equal(answer.status, 503);
      assert.ok(
        server.lines.some((line) =>
          line.includes(file.path) && /locked/.test(line)
        ),
        server.lines.join("\n"),
      );
    } finally {
      await writer.write(new TextEncoder().encode("ROLLBACK;\n"));
      await writer.close();
      reader.releaseLock();
      await locker.stdout.cancel();
      await locker.status;
    }
  },
});

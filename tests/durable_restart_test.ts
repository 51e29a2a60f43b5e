import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import {
  type Instance,
  type InstanceOptions,
  Pulse,
  startInstance,
  startProxy,
  waitFor,
} from "./_cluster.ts";

/**
 * One server.ts at a time on one KV file, behind a proxy, with a bot that
 * takes 300 ms per message: what every restart test needs.
 */
async function rig() {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_restart_" });
  const webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const proxy = startProxy();
  const output = new Pulse();
  const replied = new Map<string, number>();
  const base: Omit<InstanceOptions, "name"> = {
    apiUrl: webex.url,
    token: webex.bot.token,
    secret: "restart-secret",
    room: "Ops",
    serverUrl: proxy.url,
    kv: `${dir}/kv.sqlite3`,
    bot: "tests/_slow_bot.ts",
    // Short, so that the claims of a killed instance lapse within the test.
    env: { SPACE_KV_LEASE: "2", SLOW_BOT_MS: "300" },
    onLine: (line) => {
      const text = /^replied: (.*)$/.exec(line)?.[1];
      if (text) replied.set(text, (replied.get(text) ?? 0) + 1);
      output.fire();
    },
  };
  const instances: Instance[] = [];
  /** What the bot hears of each message, by id. */
  const texts = new Map<string, string>();
  return {
    webex,
    replied,
    async start(name: string) {
      const instance = await startInstance({ ...base, name });
      instances.push(instance);
      proxy.use([instance.url]);
      return instance;
    },
    send(label: string, count: number): string[] {
      return Array.from({ length: count }, (_, index) => {
        const text = `${label} ${index}`;
        const message = webex.simulateMessage({
          from: alice,
          roomId: String(room.id),
          text,
          mentions: [webex.bot],
        });
        texts.set(String(message.id), text);
        return text;
      });
    },
    /** Texts whose delivery some instance answered 2xx. */
    accepted(): Set<string> {
      return new Set(
        webex.deliveries.filter((item) => item.status === 200).map((item) =>
          texts.get(String(JSON.parse(item.body).data.id))
        ).filter((text): text is string => text !== undefined),
      );
    },
    async until(what: string, test: () => boolean) {
      try {
        await waitFor(what, test, () => output.next(), 60_000);
      } catch (error) {
        console.error(instances.flatMap((i) => i.lines).join("\n"));
        console.error([...replied.keys()].sort().join(", "));
        throw error;
      }
    },
    lines: () => instances.flatMap((instance) => instance.lines),
    async [Symbol.asyncDispose]() {
      for (const instance of instances) instance.kill("SIGKILL");
      await Promise.all(instances.map((instance) => instance.status));
      await proxy[Symbol.asyncDispose]();
      await webex.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * Every text answered 2xx or posted while down reaches the bot; one that
 * reached it twice had been answered before the stop (the documented
 * window: a bot that replied and died before the record).
 */
function checkOnce(
  replied: Map<string, number>,
  before: Map<string, number>,
  texts: Iterable<string>,
) {
  for (const text of texts) {
    const count = replied.get(text) ?? 0;
    assert.ok(count >= 1, `"${text}" never reached the bot`);
    if (count > 1) {
      assert.ok(before.has(text), `"${text}" reached the bot ${count} times`);
    }
  }
}

Deno.test({
  name:
    "SIGKILL, then a restart on the same KV file: every event answered 2xx and every message posted while down reaches the bot, once",
  sanitizeOps: false, // the killed subprocesses' pipes end on their own time
  async fn() {
    await using r = await rig();
    const first = await r.start("first");
    const sent = r.send("before", 40);
    await r.webex.settled();
    const accepted = r.accepted();
    assert.equal(accepted.size, sent.length, "every delivery was answered 2xx");
    first.kill("SIGKILL");
    await first.status;
    const before = new Map(r.replied);
    assert.ok(before.size < sent.length, "some were still queued at the kill");
    const down = r.send("down", 5);
    await r.webex.settled();
    await r.start("second");
    const all = [...accepted, ...down];
    await r.until(
      "every event at the bot",
      () => all.every((text) => r.replied.has(text)),
    );
    checkOnce(r.replied, before, all);
  },
});

Deno.test({
  name:
    "SIGTERM then SIGINT at once: the second signal exits at once, and the next start hands the bot everything answered 2xx",
  sanitizeOps: false,
  async fn() {
    await using r = await rig();
    const first = await r.start("first");
    const sent = r.send("queued", 40);
    await r.webex.settled();
    const accepted = r.accepted();
    assert.equal(accepted.size, sent.length);
    first.kill("SIGTERM");
    await r.until(
      "the first signal",
      () => r.lines().some((line) => /Stopping: taking no more/.test(line)),
    );
    first.kill("SIGINT");
    const status = await first.status;
    assert.equal(status.code, 1);
    assert.ok(r.lines().some((line) => /Stopping at once/.test(line)));
    const before = new Map(r.replied);
    assert.ok(before.size < sent.length, "some were still queued at exit");
    await r.start("second");
    await r.until(
      "every event at the bot",
      () => [...accepted].every((text) => r.replied.has(text)),
    );
    checkOnce(r.replied, before, accepted);
  },
});

Deno.test({
  name:
    "SIGTERM alone drains: the bot finishes the queue within the deadline, and nothing is left",
  sanitizeOps: false,
  async fn() {
    await using r = await rig();
    const first = await r.start("first");
    const sent = r.send("drained", 10);
    await r.webex.settled();
    first.kill("SIGTERM");
    const status = await first.status;
    assert.equal(status.code, 0);
    assert.ok(
      r.lines().some((line) => /: Stopped$/.test(line)),
      r.lines().join("\n"),
    );
    for (const text of sent) assert.equal(r.replied.get(text), 1, text);
  },
});

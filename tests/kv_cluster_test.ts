import assert from "node:assert/strict";
import { Context, WebexSpace } from "../mod.ts";
import { createHookHandler } from "../server.ts";
import { KvDedupeStore, KvQueue } from "../spaces/kv.ts";
import type { WebexDelivery } from "../spaces/webex/delivery.ts";
import { FakeWebex } from "../testing.ts";
import {
  type Instance,
  type InstanceOptions,
  Pulse,
  startInstance,
  startProxy,
  waitFor,
} from "./_cluster.ts";

const SECRET = "cluster-secret";
/** The queue name server.ts uses for deliveries. */
const DELIVERIES = "shellbot-deliveries";

Deno.test({
  name:
    "two server.ts instances on one KV file: each event once, an instance killed mid-run loses nothing, the queue outlives its consumers",
  sanitizeOps: false, // the killed subprocesses' pipes end on their own time
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "shellbot_cluster_" });
    const kvPath = `${dir}/shellbot.kv`;
    await using webex = await FakeWebex.start();
    const alice = webex.addUser({
      email: "alice@acme.com",
      displayName: "Alice",
    });
    const room = webex.addRoom({ title: "Ops", members: [alice] });
    const roomId = String(room.id);
    await using proxy = startProxy();
    const instances: Instance[] = [];
    // Each line an instance writes (each reply, among others) wakes the waits.
    const output = new Pulse();
    const wake = () => output.next();
    const base: Omit<InstanceOptions, "name"> = {
      apiUrl: webex.url,
      token: webex.bot.token,
      secret: SECRET,
      room: "Ops",
      serverUrl: proxy.url,
      kv: kvPath,
      // Short, so that the claims of a killed instance lapse within the test.
      env: { SPACE_KV_LEASE: "4" },
      onLine: () => output.fire(),
    };
    const start = async (name: string) => {
      const instance = await startInstance({ ...base, name });
      instances.push(instance);
      return instance;
    };
    /** Replies of the bot per text it echoed. */
    const replies = () => {
      const counts = new Map<string, number>();
      for (const message of webex.postedByBot()) {
        const text = String(message.text);
        counts.set(text, (counts.get(text) ?? 0) + 1);
      }
      return counts;
    };
    const send = (label: string, count: number) =>
      Array.from(
        { length: count },
        (_, index) => {
          webex.simulateMessage({
            from: alice,
            roomId,
            text: `${label} ${index}`,
            mentions: [webex.bot],
          });
          // The bot hears the text addressed to it: no leading mention.
          return `echo: ${label} ${index}`;
        },
      );
    const allAnswered = (texts: string[]) => () => {
      const counts = replies();
      return texts.every((text) => (counts.get(text) ?? 0) >= 1);
    };
    let receiverKv: Deno.Kv | undefined;
    try {
      const a = await start("A");
      const b = await start("B");
      proxy.use([a.url, b.url]);
      assert.equal(
        webex.webhooks().filter((hook) => hook.name === "shellbot-messages")
          .length,
        1,
        "the second instance keeps the first one's webhooks",
      );

      // 1. 1,000 events over both instances, the first 200 delivered twice.
      webex.deliverTwice(true);
      const twice = send("twice", 200);
      await webex.settled();
      webex.deliverTwice(false);
      const once = send("once", 800);
      const first = [...twice, ...once];
      await waitFor("1,000 replies", allAnswered(first), wake, 30_000);
      await webex.settled();
      const counts = replies();
      const wrong = first.filter((text) => counts.get(text) !== 1);
      assert.deepEqual(wrong, [], "each event reaches the bot exactly once");
      assert.ok(
        (proxy.served.get(a.url) ?? 0) > 100 &&
          (proxy.served.get(b.url) ?? 0) > 100,
        `deliveries spread over both: ${JSON.stringify([...proxy.served])}`,
      );

      // 2. Kill A mid-run: B finishes A's queued work.
      const before = webex.postedByBot().length;
      const second = send("kill", 600);
      await waitFor(
        "100 replies before the kill",
        () => webex.postedByBot().length >= before + 100,
        wake,
        20_000,
      );
      a.kill("SIGKILL");
      await a.status;
      const repliesAtKill = webex.postedByBot().length - before;
      await waitFor("600 replies", allAnswered(second), wake, 40_000);
      await webex.settled();
      const afterKill = replies();
      const repeated = second.filter((text) => afterKill.get(text)! > 1);
      assert.ok(
        repliesAtKill < 600,
        `A died mid-run (${repliesAtKill} of 600 answered)`,
      );
      // Only an event whose reply was posted just before A died, and not
      // yet recorded as handled, can be handled again.
      assert.ok(
        repeated.length <= 20,
        `few repeats: ${repeated.length}`,
      );

      // 3. No worker at all: deliveries wait in KV for the next instance.
      b.kill("SIGKILL");
      await b.status;
      receiverKv = await Deno.openKv(kvPath);
      const receiver = new WebexSpace({
        context: new Context({
          space: {
            room: "Ops",
            token: webex.bot.token,
            api_url: webex.url,
            webhook_secret: SECRET,
          },
        }, { env: () => undefined }),
        inbox: new KvQueue<WebexDelivery>(receiverKv, { name: DELIVERIES }),
        dedupe: new KvDedupeStore(receiverKv),
      });
      proxy.use([createHookHandler(receiver)]);
      const postedBefore = webex.postedByBot().length;
      const third = send("later", 200);
      await webex.settled();
      assert.equal(
        webex.postedByBot().length,
        postedBefore,
        "nothing is handled while no instance listens",
      );
      const c = await start("C");
      proxy.use([c.url]);
      await waitFor("200 replies from C", allAnswered(third), wake, 30_000);
      await webex.settled();
      const final = replies();
      assert.deepEqual(third.filter((text) => final.get(text) !== 1), []);
      assert.ok(
        webex.deliveries.every((delivery) => delivery.ok),
        "no delivery failed, even while an instance died",
      );
      c.kill("SIGTERM");
      assert.equal((await c.status).code, 0, "C stops cleanly");
      assert.deepEqual(
        webex.webhooks().map((hook) => hook.name).sort(),
        ["shellbot-actions", "shellbot-memberships", "shellbot-messages"],
        "an instance that stops leaves the shared webhooks to the others",
      );
    } catch (error) {
      for (const instance of instances) {
        console.error(instance.lines.slice(-30).join("\n"));
      }
      throw error;
    } finally {
      for (const instance of instances) {
        instance.kill("SIGKILL");
        await instance.status;
      }
      receiverKv?.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

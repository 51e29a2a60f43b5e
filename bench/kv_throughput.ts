/**
 * KV throughput benchmark: events per second end to end, from a FakeWebex
 * delivery through the receiver, the queue and the worker to the bot's
 * reply in FakeWebex, for three set-ups measured in the same run:
 *
 * - `memory`: one `server.ts`, events queued in memory (the receiver
 *   fetches the message before it answers the delivery);
 * - `kv-1`: one `server.ts --kv file` (the receiver answers once the
 *   delivery is in KV; the worker fetches and runs the bot);
 * - `kv-2`: two `server.ts --kv file` on the same file behind a
 *   round-robin proxy.
 *
 * Each set-up gets a fresh FakeWebex (in this process), KV file and
 * proxy (also in front of a single instance, so every set-up pays the same
 * hop), a warm-up, then `BENCH_EVENTS` (default 1,000) messages that
 * mention the bot, sent at once; the clock stops at the last reply. FakeWebex
 * delivers one webhook's events one at a time, as Webex does, so the figure
 * is bounded by how fast an instance acknowledges a delivery.
 *
 * Usage: `deno run -A bench/kv_throughput.ts`; writes `bench/out/kv.json`.
 *
 * @module
 */

import { FakeWebex } from "../testing.ts";
import {
  type Instance,
  Pulse,
  startInstance,
  startProxy,
  waitFor,
} from "../tests/_cluster.ts";

const EVENTS = Number(Deno.env.get("BENCH_EVENTS") || 1000);
const WARM_UP = 20;
const OUT = new URL("./out/kv.json", import.meta.url);

interface Result {
  setup: string;
  instances: number;
  events: number;
  seconds: number;
  eventsPerSecond: number;
  /** Mean time a delivery waited for its answer, in ms, at the proxy. */
  meanAckMs: number;
}

async function measure(
  setup: string,
  instances: number,
  kv: boolean,
): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_bench_kv_" });
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com" });
  const room = webex.addRoom({ title: "Bench", members: [alice] });
  await using proxy = startProxy();
  const started: Instance[] = [];
  // The bot prints a line per reply: each one wakes the waits below.
  const output = new Pulse();
  try {
    for (let index = 0; index < instances; index++) {
      started.push(
        await startInstance({
          name: `${setup}-${index}`,
          apiUrl: webex.url,
          token: webex.bot.token,
          secret: "bench-secret",
          room: "Bench",
          serverUrl: proxy.url,
          kv: kv ? `${dir}/bench.kv` : undefined,
          onLine: () => output.fire(),
        }),
      );
    }
    proxy.use(started.map((instance) => instance.url));
    const send = (label: string, count: number) => {
      for (let index = 0; index < count; index++) {
        webex.simulateMessage({
          from: alice,
          roomId: String(room.id),
          text: `${label} ${index}`,
          mentions: [webex.bot],
        });
      }
    };
    const replied = (count: number) => () =>
      webex.postedByBot().length >= count;
    send("warm-up", WARM_UP);
    await waitFor("warm-up", replied(WARM_UP), () => output.next(), 60_000);
    await webex.settled();
    webex.clearDeliveries();
    proxy.timings.length = 0;
    const begin = performance.now();
    send("event", EVENTS);
    await waitFor(
      `${EVENTS} replies`,
      replied(WARM_UP + EVENTS),
      () => output.next(),
      300_000,
    );
    const seconds = (performance.now() - begin) / 1000;
    await webex.settled();
    const acks = webex.deliveries.filter((delivery) =>
      delivery.webhookName === "shellbot-messages"
    );
    const failed = acks.filter((delivery) => !delivery.ok).length;
    if (failed > 0) throw new Error(`${setup}: ${failed} deliveries failed`);
    return {
      setup,
      instances,
      events: EVENTS,
      seconds: round(seconds, 3),
      eventsPerSecond: round(EVENTS / seconds, 1),
      meanAckMs: round(
        proxy.timings.reduce((sum, ms) => sum + ms, 0) /
          Math.max(1, proxy.timings.length),
        2,
      ),
    };
  } finally {
    for (const instance of started) {
      instance.kill("SIGTERM");
      await instance.status;
    }
    await Deno.remove(dir, { recursive: true });
  }
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

if (import.meta.main) {
  const results = [
    await measure("memory", 1, false),
    await measure("kv-1", 1, true),
    await measure("kv-2", 2, true),
  ];
  const rate = (setup: string) =>
    results.find((result) => result.setup === setup)!.eventsPerSecond;
  const ratios = {
    "kv-1 / memory": round(rate("kv-1") / rate("memory"), 2),
    "kv-2 / memory": round(rate("kv-2") / rate("memory"), 2),
    "kv-2 / kv-1": round(rate("kv-2") / rate("kv-1"), 2),
  };
  console.log(
    `End to end, ${EVENTS} events (FakeWebex → receiver → queue → worker → bot → reply), ${navigator.hardwareConcurrency} cores, Deno ${Deno.version.deno}`,
  );
  console.log("setup    instances  seconds  events/s  mean ack (ms)");
  for (const result of results) {
    console.log(
      `${result.setup.padEnd(9)}${String(result.instances).padStart(9)}${
        result.seconds.toFixed(2).padStart(9)
      }${result.eventsPerSecond.toFixed(1).padStart(10)}${
        result.meanAckMs.toFixed(2).padStart(15)
      }`,
    );
  }
  for (const [name, value] of Object.entries(ratios)) {
    console.log(`${name}: ${value}`);
  }
  await Deno.mkdir(new URL("./out/", import.meta.url), { recursive: true });
  await Deno.writeTextFile(
    OUT,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        deno: Deno.version.deno,
        cores: navigator.hardwareConcurrency,
        events: EVENTS,
        results,
        ratios,
      },
      null,
      2,
    ) + "\n",
  );
}

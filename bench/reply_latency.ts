/**
 * Reply latency of the three ways events reach a bot on Webex: webhook,
 * websocket (opt-in) and polling, all through one FakeWebex in this
 * process, over real HTTP and a real WebSocket on 127.0.0.1.
 *
 * One sample: Alice mentions the bot (`simulateMessage`), the event reaches
 * the space (a signed webhook delivery to a hook route; an activity on the
 * socket, then `GET /messages/{id}`; or the next pull), the bot answers with
 * `space.postMessage`, and the sample ends when that reply is stored in the
 * fake. Samples run one at a time, after a warm-up.
 *
 * Polling runs at its real adaptive interval (`PullPacer`: 1 s for 20 s
 * after a pull sees activity, then back to `WebexSpace.PULL_INTERVAL`,
 * 10 s). Its samples are a conversation: Alice answers each reply of the
 * bot after a pause of 1 to 5 s (drawn at random, a person typing); the
 * first message, which comes after quiet, is not counted. It has fewer
 * samples (`BENCH_POLL_SAMPLES`, default 10). `BENCH_SAMPLES` (default 200)
 * sets the others.
 *
 * Then the cost of polling when idle: the requests one quiet pull makes
 * (counted in the fake over 20 pulls), times the pulls an hour of quiet
 * brings with the adaptive interval (its sequence on a simulated clock),
 * against a fixed `PULL_INTERVAL`, and the pulls of an hour in which a
 * message comes every 10 s.
 *
 * Usage: `deno run -A bench/reply_latency.ts`
 *
 * @module
 */

import { Context, EventQueue, type SpaceEvent, WebexSpace } from "../mod.ts";
import { PullPacer } from "../spaces/_run_loop.ts";
import { FakeWebex } from "../testing.ts";
import { epochMs, printTable, round, summarise, writeOut } from "./_report.ts";

const SAMPLES = Number(Deno.env.get("BENCH_SAMPLES") || 200);
const POLL_SAMPLES = Number(Deno.env.get("BENCH_POLL_SAMPLES") || 10);
const WARM_UP = 20;
const SECRET = "bench-reply-latency-secret";

type Mode = "webhook" | "websocket" | "polling";

async function measure(mode: Mode, samples: number): Promise<number[]> {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const room = webex.addRoom({ title: "Bench", members: [alice] });
  const ears = new EventQueue<SpaceEvent>();
  const space = new WebexSpace({
    context: new Context({
      space: {
        room: "Bench",
        webhook_secret: SECRET,
        ...(mode === "websocket" ? { events: "websocket" } : {}),
      },
    }, { env: () => undefined }),
    token: webex.bot.token,
    apiUrl: webex.url,
    ears,
    socket: { u2cUrl: webex.socket.u2cUrl },
  });
  await space.connect();
  await space.pull();
  const hooks = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (request) => space.webhook(request),
  );
  let running;
  if (mode === "webhook") {
    await space.register(`http://127.0.0.1:${hooks.addr.port}/hook`);
  } else {
    running = await space.start();
  }
  if (mode === "websocket") {
    await webex.socket.waitFor(() => webex.socket.connections > 0);
  }
  // The bot: answers each mention; a sample ends when its reply is stored.
  const replied = new Map<string, () => void>();
  const bot = (async () => {
    for (;;) {
      const event = await ears.get();
      if (!event) return;
      if (event.type !== "message" || !event.channelId) continue;
      await space.postMessage(event.channelId, `re: ${event.text}`);
      replied.get(event.text)?.();
    }
  })();
  const latencies: number[] = [];
  const warmUp = mode === "polling" ? 1 : WARM_UP;
  for (let i = 0; i < warmUp + samples; i++) {
    if (mode === "polling") {
      // The first message comes after quiet; the others are answers.
      const pause = i === 0
        ? Math.random() * WebexSpace.PULL_INTERVAL * 1000
        : 1000 + Math.random() * 4000;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const text = `ping ${i}`;
    const done = Promise.withResolvers<void>();
    replied.set(text, done.resolve);
    const start = epochMs();
    webex.simulateMessage({
      from: alice,
      roomId: room.id,
      text,
      mentions: [webex.bot],
    });
    await done.promise;
    if (i >= warmUp) latencies.push(epochMs() - start);
    replied.delete(text);
  }
  await running?.stop();
  if (mode === "webhook") await space.deregister();
  ears.close();
  await bot;
  await webex.settled();
  await hooks.shutdown();
  return latencies;
}

const rows = [["way", "samples", "p50 ms", "p90 ms", "max ms"]];
const figures: Record<string, unknown> = {};
for (const mode of ["webhook", "websocket", "polling"] as const) {
  const latencies = await measure(
    mode,
    mode === "polling" ? POLL_SAMPLES : SAMPLES,
  );
  const summary = summarise(latencies);
  figures[mode] = {
    count: summary.count,
    p50: round(summary.p50, 2),
    p90: round(summary.p90, 2),
    max: round(summary.max, 2),
  };
  rows.push([
    mode,
    String(summary.count),
    String(round(summary.p50, 2)),
    String(round(summary.p90, 2)),
    String(round(summary.max, 2)),
  ]);
}
printTable(rows);

/** What polling costs when the rooms are quiet, and in a conversation. */
async function pollingCost() {
  await using webex = await FakeWebex.start();
  webex.addRoom({ title: "Bench" });
  const space = new WebexSpace({
    context: new Context({ space: { room: "Bench" } }, {
      env: () => undefined,
    }),
    token: webex.bot.token,
    apiUrl: webex.url,
  });
  await space.connect();
  await space.pull();
  const before = webex.requestCount();
  const PULLS = 20;
  for (let i = 0; i < PULLS; i++) await space.pull();
  const perPull = (webex.requestCount() - before) / PULLS;
  const idle = WebexSpace.PULL_INTERVAL * 1000;
  const pullsInAnHour = (activeEvery?: number) => {
    let now = 0;
    let nextActivity = activeEvery ?? Infinity;
    let pulls = 0;
    const pacer = new PullPacer({ idle, now: () => now });
    let active = false;
    while (now < 3_600_000) {
      pulls++;
      now += pacer.next(active);
      active = now >= nextActivity;
      if (active) nextActivity += activeEvery!;
    }
    return pulls;
  };
  return {
    requestsPerQuietPull: perPull,
    fixedIntervalPerHour: Math.round((3_600_000 / idle) * perPull),
    adaptiveQuietPerHour: Math.round(pullsInAnHour() * perPull),
    adaptiveConversationPulls: pullsInAnHour(10_000),
  };
}

const cost = await pollingCost();
console.log();
console.log(
  "Polling when idle: requests an hour (each quiet pull lists rooms)",
);
printTable([
  ["interval", "pulls/h", "requests/h"],
  [
    `fixed ${WebexSpace.PULL_INTERVAL} s (before)`,
    String(3600 / WebexSpace.PULL_INTERVAL),
    String(cost.fixedIntervalPerHour),
  ],
  [
    "adaptive, quiet",
    String(Math.round(cost.adaptiveQuietPerHour / cost.requestsPerQuietPull)),
    String(cost.adaptiveQuietPerHour),
  ],
  [
    "adaptive, a message every 10 s",
    String(cost.adaptiveConversationPulls),
    "",
  ],
]);
figures.pollingCost = cost;
await writeOut("reply_latency", figures);

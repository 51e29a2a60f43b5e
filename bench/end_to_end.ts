/**
 * End-to-end benchmark: events a second from a FakeWebex delivery to the
 * bot handler, message fetch included, and the latency from the moment a
 * user's message is posted in the fake to the moment the bot is called.
 *
 * The fake runs in a process of its own (`_fake_webex_control.ts`), with a
 * room "Bench" where Alice mentions the bot. This process runs the real
 * server, `startServer` with a webhook secret and `server.url`, so the
 * fake's signed deliveries come to the hook route, which checks the
 * signature, claims the event in the dedupe store, fetches the message
 * (`GET /messages/{id}`) from the fake, and queues it for `runBot`.
 *
 * Each message's text carries the wall-clock time (ms, sub-ms precision)
 * at which the fake created it; the bot subtracts it from its own clock
 * (`performance.timeOrigin + performance.now()`, the same clock in both
 * processes on one machine).
 *
 * Phases, after a warm-up of 200 messages:
 * - `burst`: 2,000 messages posted at once; events/s from the first post
 *   to the 2,000th bot call. The fake delivers to a webhook one at a time,
 *   in order, as Webex does, so latency includes the wait in that line.
 * - `one at a time`: 300 messages, each posted once the bot has seen the
 *   previous one: the latency of a lone event.
 * - `burst, echo bot`: 2,000 messages at once to a bot that answers each
 *   with `space.postMessage` (whose own deliveries the hook route drops).
 *
 * `BENCH_MESSAGES` changes the 2,000. `BENCH_KV` chooses where the server
 * keeps its queue: unset, a KV file in a new temporary folder (what
 * `server.ts` does by default); `:memory:` for the in-memory KV; `none`
 * passes no `kv` at all (on a version before the durable default, the
 * in-memory queue). The hook's answer time (from the request reaching the
 * handler to its response) is reported per phase, p50 and p99.
 *
 * Usage: `deno run -A bench/end_to_end.ts`
 *
 * @module
 */

import type { BotHandler } from "../mod.ts";
import { createHookHandler, startServer } from "../server.ts";
import { openFrontDoor } from "../tests/_ports.ts";
import {
  epochMs,
  printTable,
  round,
  spawnJson,
  summarise,
  writeOut,
} from "./_report.ts";

const MESSAGES = Number(Deno.env.get("BENCH_MESSAGES") || 2000);
const ONE_BY_ONE = 300;
const WARM_UP = 200;
const SECRET = "bench-end-to-end-secret";
const TIMEOUT_MS = 180_000;
const KV = Deno.env.get("BENCH_KV");

interface FakeInfo {
  url: string;
  token: string;
  control: string;
}

/** What the bot saw: per message sequence number, calls and latency. */
class Recorder {
  echo = false;
  calls = new Map<number, number>();
  latencies: number[] = [];
  lastCall = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  readonly bot: BotHandler = async (event, space) => {
    if (event.type !== "message") return;
    const now = epochMs();
    const match = /bench (\d+) ([\d.]+)/.exec(event.text);
    if (!match) return;
    const seq = Number(match[1]);
    this.calls.set(seq, (this.calls.get(seq) ?? 0) + 1);
    this.latencies.push(now - Number(match[2]));
    this.lastCall = now;
    if (this.echo && event.channelId) {
      await space.postMessage(event.channelId, `echo ${seq}`);
    }
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.latencies.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  };

  /** Starts a phase: forgets what the bot saw. */
  reset(): void {
    this.calls.clear();
    this.latencies = [];
  }

  /** Resolves once the bot has seen `count` messages in this phase. */
  seen(count: number): Promise<void> {
    if (this.latencies.length >= count) return Promise.resolve();
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiters.push({ count, resolve });
    return within(promise, `${count} messages at the bot`);
  }
}

async function post(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST" });
  return await response.json();
}

async function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Timed out waiting for ${what}`)),
      TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** How long the hook route took to answer each delivery, in ms. */
const hookTimes: number[] = [];

interface Phase {
  name: string;
  hookMs: { p50: number; p99: number };
  messages: number;
  seconds: number;
  eventsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  fake: Record<string, unknown>;
  problems: string[];
}

async function phase(
  name: string,
  count: number,
  recorder: Recorder,
  fake: FakeInfo,
  oneByOne: boolean,
): Promise<Phase> {
  recorder.reset();
  hookTimes.length = 0;
  const start = epochMs();
  if (oneByOne) {
    for (let index = 1; index <= count; index++) {
      await post(`${fake.control}/simulate?count=1`);
      await recorder.seen(index);
    }
  } else {
    await post(`${fake.control}/simulate?count=${count}`);
    await recorder.seen(count);
  }
  const seconds = (recorder.lastCall - start) / 1000;
  const stats = await post(`${fake.control}/settled`);
  const problems: string[] = [];
  const twice = [...recorder.calls.values()].filter((n) => n > 1).length;
  if (recorder.calls.size !== count) {
    problems.push(`the bot saw ${recorder.calls.size} of ${count} messages`);
  }
  if (twice > 0) problems.push(`${twice} messages reached the bot twice`);
  if (Number(stats.failed) > 0) {
    problems.push(`${stats.failed} deliveries failed: ${stats.failures}`);
  }
  const latency = summarise(recorder.latencies);
  const hook = summarise(hookTimes);
  return {
    name,
    hookMs: { p50: round(hook.p50, 2), p99: round(hook.p99, 2) },
    messages: count,
    seconds: round(seconds, 3),
    eventsPerSecond: round(count / seconds, 1),
    latencyMs: {
      p50: round(latency.p50, 2),
      p90: round(latency.p90, 2),
      p99: round(latency.p99, 2),
      max: round(latency.max, 2),
    },
    fake: stats,
    problems,
  };
}

async function runAll(): Promise<number> {
  const fakeProcess = spawnJson(Deno.execPath(), [
    "run",
    "-A",
    new URL("./_fake_webex_control.ts", import.meta.url).pathname,
  ]);
  try {
    const fake = await fakeProcess.next<FakeInfo>();
    const recorder = new Recorder();
    // `server.url` must be known before the server starts: a port kept
    // from now on takes the deliveries.
    await using front = openFrontDoor();
    const dir = await Deno.makeTempDir({ prefix: "shellbot-bench-" });
    const kv = KV === "none" ? undefined : KV ?? `${dir}/kv.sqlite3`;
    const running = await startServer({
      ...(kv === undefined ? {} : { kv }),
      bot: recorder.bot,
      settings: {
        space: {
          room: "Bench",
          token: fake.token,
          api_url: fake.url,
          webhook_secret: SECRET,
        },
        server: { url: front.url },
      },
      env: () => undefined,
      hostname: "127.0.0.1",
      port: 0,
    });
    // The same handler startServer serves, called in this process: no
    // extra hop for the deliveries measured.
    const hook = createHookHandler(running.space);
    front.route(async (request) => {
      const begin = performance.now();
      const answer = await hook(request);
      hookTimes.push(performance.now() - begin);
      return answer;
    });
    const phases: Phase[] = [];
    try {
      if (running.mode !== "webhook") throw new Error("Not in webhook mode");
      await phase("warm-up", WARM_UP, recorder, fake, false);
      phases.push(await phase("burst", MESSAGES, recorder, fake, false));
      phases.push(
        await phase("one at a time", ONE_BY_ONE, recorder, fake, true),
      );
      recorder.echo = true;
      phases.push(
        await phase("burst, echo bot", MESSAGES, recorder, fake, false),
      );
    } finally {
      await running.stop();
      await Deno.remove(dir, { recursive: true });
    }
    console.log(
      `End to end (kv: ${
        kv ?? "none"
      }): FakeWebex (own process) → signed delivery → hook route → GET /messages/{id} → bot`,
    );
    printTable([
      [
        "phase",
        "messages",
        "seconds",
        "events/s",
        "p50 ms",
        "p99 ms",
        "hook p50 ms",
        "hook p99 ms",
      ],
      ...phases.map((p) => [
        p.name,
        String(p.messages),
        p.seconds.toFixed(3),
        p.eventsPerSecond.toFixed(0),
        p.latencyMs.p50.toFixed(2),
        p.latencyMs.p99.toFixed(2),
        p.hookMs.p50.toFixed(2),
        p.hookMs.p99.toFixed(2),
      ]),
    ]);
    for (const p of phases) {
      for (const problem of p.problems) {
        console.log(`FAIL ${p.name}: ${problem}`);
      }
    }
    await writeOut("end_to_end", { messages: MESSAGES, kv, phases });
    return phases.some((p) => p.problems.length > 0) ? 1 : 0;
  } finally {
    await fakeProcess.stop();
  }
}

if (import.meta.main) {
  Deno.exit(await runAll());
}

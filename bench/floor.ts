/**
 * Against the floor: the library's server beside the least any Deno bot
 * can do, on the same load, in one run.
 *
 * - **floor**: `_floor_bare.ts`, a bare `Deno.serve` handler that reads the
 *   body, checks nothing, fetches `GET /messages/{id}` and calls an empty
 *   function;
 * - **library**: `server.ts --bot _floor_bot.ts` as a subprocess in its
 *   default mode: durable (Deno KV in a file of a fresh folder), signed
 *   (the secret it generates), webhooks registered by itself.
 *
 * Both are fed by one FakeWebex in a process of its own
 * (`_fake_webex_control.ts`), delivering 16 webhooks at once
 * (`deliveryConcurrency`), without its room read limit. Each round spawns
 * one bot and measures:
 * - spawn to ready: from the spawn to `{"ready":true}` (floor) or
 *   `Listening on` (the server, after it bonded and registered);
 * - idle RSS (`VmRSS`) 1 s after ready;
 * - a warm-up of 500 events, then a burst of 5,000 events posted at once:
 *   events/s from the posting to the bot's last call, and the bot's CPU per
 *   event (`utime + stime` of `/proc/<pid>/stat` over the burst, until its
 *   queue is empty);
 * - 500 events paced at 100/s: p50 and p99 from the post to the bot call;
 * - peak RSS (`VmHWM`) at the end.
 *
 * Rounds alternate floor and library (`BENCH_ROUNDS`, default 3); the
 * table gives medians and each figure as a ratio to the floor.
 * `BENCH_BEFORE=<checkout>` adds the server of another checkout (the
 * code before a change) to each round, for a before/after table from one
 * run; `BENCH_BEFORE=<name>=<checkout>,<name>=<checkout>...` adds several,
 * in that order (the steps of a series of changes). `BENCH_BURST` changes the 5,000; `BENCH_KV=:memory:` runs the library
 * with its KV in memory (`--kv :memory:`); `BENCH_PROFILE=<dir>` writes a
 * V8 CPU profile of the library's rounds there (`--cpu-prof`).
 *
 * Usage: `deno run -A bench/floor.ts`
 *
 * @module
 */

import { epochMs, printTable, round, spawnJson, writeOut } from "./_report.ts";

const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") || 3);
const BURST = Number(Deno.env.get("BENCH_BURST") || 5000);
const KV = Deno.env.get("BENCH_KV");
const PROFILE = Deno.env.get("BENCH_PROFILE");
/** Other checkouts to run beside this one: name → folder. */
const BEFORE = new Map(
  (Deno.env.get("BENCH_BEFORE") ?? "").split(",").filter(Boolean).map(
    (item) => {
      const at = item.indexOf("=");
      return at === -1
        ? ["before", item]
        : [item.slice(0, at), item.slice(at + 1)];
    },
  ),
);
const WARM_UP = 500;
const PACED = 500;
const PACE_MS = 10;
const CONCURRENCY = 16;
const TIMEOUT_MS = 120_000;
const TICKS = 100; // clock ticks a second (CLK_TCK) on Linux

interface FakeInfo {
  url: string;
  token: string;
  control: string;
}

/** `floor`, `library` (this checkout), or the name of another checkout (`BENCH_BEFORE`). */
type Kind = string;

interface Figures {
  readyMs: number;
  idleMiB: number;
  peakMiB: number;
  eventsPerSecond: number;
  cpuMsPerEvent: number;
  p50Ms: number;
  p99Ms: number;
}

/** A bot program and what it reported on stdout. */
class Bot {
  seen = 0;
  last = 0;
  latencies: number[] = [];
  readonly ready: Promise<number>;
  #process: Deno.ChildProcess;
  #dir: string;
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(kind: Kind, fake: FakeInfo, port: number, dir: string) {
    this.#dir = dir;
    const here = (file: string) => new URL(file, import.meta.url).pathname;
    const server = BEFORE.has(kind)
      ? `${BEFORE.get(kind)!.replace(/\/+$/, "")}/server.ts`
      : here("../server.ts");
    const args = kind === "floor" ? ["run", "-A", here("./_floor_bare.ts")] : [
      "run",
      "-A",
      ...(PROFILE && kind === "library"
        ? ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`]
        : []),
      server,
      "--bot",
      here("./_floor_bot.ts"),
      ...(KV ? ["--kv", KV] : []),
    ];
    const spawned = epochMs();
    const process = new Deno.Command(Deno.execPath(), {
      args,
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
      clearEnv: true,
      env: {
        PATH: Deno.env.get("PATH") ?? "",
        HOME: Deno.env.get("HOME") ?? dir,
        NO_COLOR: "1",
        WEBEX_API_URL: fake.url,
        WEBEX_BOT_TOKEN: fake.token,
        SPACE_ROOM: "Bench",
        SERVER_URL: `http://127.0.0.1:${port}`,
        SERVER_PORT: String(port),
        SERVER_HOSTNAME: "127.0.0.1",
        FLOOR_PORT: String(port),
      },
    }).spawn();
    this.#process = process;
    const ready = Promise.withResolvers<number>();
    this.ready = ready.promise;
    void (async () => {
      let buffer = "";
      for await (
        const chunk of process.stdout.pipeThrough(new TextDecoderStream())
      ) {
        buffer += chunk;
        let end;
        while ((end = buffer.indexOf("\n")) !== -1) {
          const line = buffer.slice(0, end);
          buffer = buffer.slice(end + 1);
          if (line.startsWith('{"floor"')) this.#note(JSON.parse(line).floor);
          else if (
            line === '{"ready":true}' || line.startsWith("Listening on")
          ) {
            ready.resolve(epochMs() - spawned);
          }
        }
      }
      ready.reject(new Error(`The ${kind} bot ended before it was ready`));
    })();
  }

  get pid(): number {
    return this.#process.pid;
  }

  #note(report: { n: number; last: number; l: number[] }) {
    this.seen = report.n;
    this.last = report.last;
    this.latencies.push(...report.l);
    this.#waiters = this.#waiters.filter((waiter) => {
      if (this.seen < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once the bot has seen `count` events in all. */
  seenAll(count: number): Promise<void> {
    if (this.seen >= count) return Promise.resolve();
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#waiters.push({ count, resolve });
    const timer = setTimeout(
      () => reject(new Error(`Timed out: ${this.seen} of ${count} events`)),
      TIMEOUT_MS,
    );
    return promise.finally(() => clearTimeout(timer));
  }

  async stop(): Promise<void> {
    try {
      // SIGTERM lets the server write its CPU profile on the way out.
      this.#process.kill(PROFILE ? "SIGTERM" : "SIGKILL");
    } catch { /* gone already */ }
    await this.#process.status;
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
  }
}

function cpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the command name, which may hold spaces: ") S ppid ...".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime, stime
}

function memoryMiB(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = new RegExp(`^${field}:\\s*(\\d+)\\s*kB`, "m").exec(status);
  return match ? Number(match[1]) / 1024 : NaN;
}

async function post(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: "POST" });
  return await response.json();
}

async function api(
  fake: FakeInfo,
  method: string,
  path: string,
  body?: unknown,
) {
  const response = await fetch(`${fake.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${fake.token}`,
      ...(body ? { "content-type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return response.status === 204 ? undefined : await response.json();
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

async function measure(kind: Kind, fake: FakeInfo): Promise<Figures> {
  // The server purges the token's webhooks when it registers; the floor's
  // webhook is made here, signed as well so that the fake works the same.
  for (const hook of (await api(fake, "GET", "/webhooks")).items ?? []) {
    await api(fake, "DELETE", `/webhooks/${hook.id}`);
  }
  const port = freePort();
  if (kind === "floor") {
    await api(fake, "POST", "/webhooks", {
      name: "floor",
      targetUrl: `http://127.0.0.1:${port}/hook`,
      resource: "messages",
      event: "created",
      secret: "floor-secret-not-checked",
    });
  }
  const dir = await Deno.makeTempDir({ prefix: "shellbot-floor-" });
  const bot = new Bot(kind, fake, port, dir);
  try {
    const readyMs = await bot.ready;
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleMiB = memoryMiB(bot.pid, "VmRSS");
    await post(`${fake.control}/simulate?count=${WARM_UP}`);
    await bot.seenAll(WARM_UP);
    await post(`${fake.control}/settled`);
    const ticks = cpuTicks(bot.pid);
    const start = epochMs();
    await post(`${fake.control}/simulate?count=${BURST}`);
    await bot.seenAll(WARM_UP + BURST);
    const seconds = (bot.last - start) / 1000;
    const settled = await post(`${fake.control}/settled`);
    if (Number(settled.failed) > 0) {
      throw new Error(`${kind}: ${settled.failed} deliveries failed`);
    }
    // The library answers before its queue is worked through: let it end.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const cpuMsPerEvent = (cpuTicks(bot.pid) - ticks) * (1000 / TICKS) / BURST;
    const paced = bot.latencies.length;
    const begin = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let index = 0; index < PACED; index++) {
      const due = begin + index * PACE_MS - performance.now();
      if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      posts.push(post(`${fake.control}/simulate?count=1`));
    }
    await Promise.all(posts);
    await bot.seenAll(WARM_UP + BURST + PACED);
    const latencies = bot.latencies.slice(paced);
    return {
      readyMs,
      idleMiB,
      peakMiB: memoryMiB(bot.pid, "VmHWM"),
      eventsPerSecond: BURST / seconds,
      cpuMsPerEvent,
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
    };
  } finally {
    await bot.stop();
    await post(`${fake.control}/settled`);
  }
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

const ROWS: [keyof Figures, string, number][] = [
  ["eventsPerSecond", `events/s, ${BURST}-event burst`, 0],
  ["cpuMsPerEvent", "bot CPU per event (ms)", 3],
  ["p50Ms", "p50 at 100 events/s (ms)", 2],
  ["p99Ms", "p99 at 100 events/s (ms)", 2],
  ["readyMs", "spawn to ready (ms)", 0],
  ["idleMiB", "idle RSS (MiB)", 1],
  ["peakMiB", "peak RSS (MiB)", 1],
];

async function runAll(): Promise<void> {
  const fakeProcess = spawnJson(Deno.execPath(), [
    "run",
    "-A",
    new URL("./_fake_webex_control.ts", import.meta.url).pathname,
  ], { env: { FAKE_DELIVERY_CONCURRENCY: String(CONCURRENCY) } });
  const kinds: Kind[] = ["floor", ...BEFORE.keys(), "library"];
  const runs: Record<Kind, Figures[]> = Object.fromEntries(
    kinds.map((kind) => [kind, []]),
  );
  try {
    const fake = await fakeProcess.next<FakeInfo>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of kinds) {
        runs[kind].push(await measure(kind, fake));
      }
    }
  } finally {
    await fakeProcess.stop();
  }
  const medians = (kind: Kind) =>
    Object.fromEntries(
      ROWS.map(([key]) => [key, median(runs[kind].map((f) => f[key]))]),
    ) as unknown as Figures;
  const floor = medians("floor");
  const library = medians("library");
  const others = [...BEFORE.keys()].map((name) =>
    [name, medians(name)] as const
  );
  const ratio = (figures: Figures, key: keyof Figures) =>
    `${(figures[key] / floor[key]).toFixed(2)}×`;
  console.log(
    `Against the floor: FakeWebex delivering ${CONCURRENCY} at once → bot → GET /messages/{id}; medians of ${ROUNDS} rounds`,
  );
  printTable([
    [
      "metric",
      "floor",
      ...others.flatMap(([name]) => [name, `${name} / floor`]),
      "library",
      "library / floor",
    ],
    ...ROWS.map(([key, label, digits]) => [
      label,
      floor[key].toFixed(digits),
      ...others.flatMap((
        [, figures],
      ) => [figures[key].toFixed(digits), ratio(figures, key)]),
      library[key].toFixed(digits),
      ratio(library, key),
    ]),
    [
      "CPU per event over the floor (ms)",
      "",
      ...others.flatMap(([, figures]) => [
        (figures.cpuMsPerEvent - floor.cpuMsPerEvent).toFixed(3),
        "",
      ]),
      (library.cpuMsPerEvent - floor.cpuMsPerEvent).toFixed(3),
      "",
    ],
  ]);
  await writeOut("floor", {
    burst: BURST,
    concurrency: CONCURRENCY,
    rounds: ROUNDS,
    floor,
    library,
    others: Object.fromEntries(others),
    ratios: Object.fromEntries(
      ROWS.map(([key]) => [key, round(library[key] / floor[key], 3)]),
    ),
    runs,
  });
}

if (import.meta.main) await runAll();

/**
 * Memory of the hook route under attack, before anyone is authenticated:
 * the peak RSS of the server process (`_intake_server.ts hook`, signed
 * route with an in-memory inbox) while
 *
 * - 400 connections each POST an unsigned 1 MiB body at once, and
 * - 200 connections each send an unsigned body one byte short of its
 *   1 MiB Content-Length, then stall for `BENCH_STALL_SECONDS` (default 5).
 *
 * Each scenario runs against a fresh server, with the defaults and with the
 * body limit raised to 1 MiB (so that the reading cap does the bounding).
 * Peak from the kernel (`VmHWM` of `/proc/<pid>/status`, reset through
 * `clear_refs`); growth is the peak less the RSS before the attack. Goal:
 * growth ≤ 128 MiB. `BENCH_SERVER_ROOT=<checkout>` measures the
 * `_intake_server.ts` of another checkout (the "before" figures).
 *
 * Usage: `deno run -A bench/intake_attack.ts`
 *
 * @module
 */

import type { HookHandlerOptions } from "../server.ts";
import { webexId } from "../spaces/webex/ids.ts";
import { printTable, spawnJson, writeOut } from "./_report.ts";

const MIB = 1_048_576;
const GOAL_MIB = 128;
const STALL_MS = 1000 * Number(Deno.env.get("BENCH_STALL_SECONDS") || 5);
const ROOT = Deno.env.get("BENCH_SERVER_ROOT") ??
  new URL("..", import.meta.url).pathname;
const SERVER = `${ROOT.replace(/\/$/, "")}/bench/_intake_server.ts`;
const encoder = new TextEncoder();

/** Reads a `/proc/<pid>/status` field, in bytes. */
async function procField(pid: number, field: string): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Opens a connection and sends a POST's head and `sent` bytes of body. */
async function post(
  port: number,
  length: number,
  sent: number,
): Promise<{ conn: Deno.TcpConn; status: Promise<string> }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const head = encoder.encode(
    `POST /hook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n`,
  );
  // The server may answer without reading: a write that blocks is left.
  const writing = (async () => {
    await conn.write(head);
    let left = sent;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    while (left > 0) {
      const n = await conn.write(
        chunk.subarray(0, Math.min(left, chunk.length)),
      );
      left -= n;
    }
  })();
  writing.catch(() => {});
  const status = (async () => {
    const buffer = new Uint8Array(1024);
    const n = await conn.read(buffer).catch(() => null);
    if (n === null) return "closed";
    return new TextDecoder().decode(buffer.subarray(0, n)).split(" ")[1];
  })();
  return { conn, status };
}

interface Scenario {
  name: string;
  connections: number;
  /** Bytes of body sent of the 1 MiB announced. */
  sent: number;
  /** How long to hold the connections before closing them. */
  holdMs: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: "400 concurrent 1 MiB unsigned bodies",
    connections: 400,
    sent: MIB,
    holdMs: 0,
  },
  {
    name: "200 bodies stalled 1 byte short of 1 MiB",
    connections: 200,
    sent: MIB - 1,
    holdMs: STALL_MS,
  },
];

const SERVERS: { name: string; hook: HookHandlerOptions }[] = [
  { name: "defaults", hook: {} },
  { name: "body limit 1 MiB", hook: { maxBodyBytes: MIB } },
];

async function attack(server: (typeof SERVERS)[number], scenario: Scenario) {
  const botId = webexId("PEOPLE", "5f1e3b7a-7a61-4a55-9c4e-1d0c6c1b2a33");
  const child = spawnJson(Deno.execPath(), [
    "run",
    "-A",
    SERVER,
    "hook",
    JSON.stringify({ botId, hook: server.hook }),
  ]);
  try {
    const { port } = await child.next<{ port: number }>();
    const pid = child.process.pid;
    const before = await procField(pid, "VmRSS");
    await Deno.writeTextFile(`/proc/${pid}/clear_refs`, "5");
    const started = performance.now();
    const sent = await Promise.all(
      Array.from(
        { length: scenario.connections },
        () => post(port, MIB, scenario.sent),
      ),
    );
    const answered = new Map<string, number>();
    const settled = Promise.all(sent.map(async ({ status }) => {
      const code = await status;
      answered.set(code, (answered.get(code) ?? 0) + 1);
    }));
    // Wait for every answer, or the hold time, whichever is first.
    const hold = scenario.holdMs > 0 ? scenario.holdMs : 30_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      settled,
      new Promise((resolve) => timer = setTimeout(resolve, hold)),
    ]);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    const peak = await procField(pid, "VmHWM");
    const held = await procField(pid, "VmRSS");
    for (const { conn } of sent) {
      try {
        conn.close();
      } catch { /* closed by the server */ }
    }
    await Promise.race([settled, Promise.resolve()]);
    const unanswered = scenario.connections -
      [...answered.values()].reduce((sum, n) => sum + n, 0);
    if (unanswered > 0) answered.set("none", unanswered);
    return {
      server: server.name,
      scenario: scenario.name,
      beforeMiB: before / MIB,
      peakMiB: peak / MIB,
      growthMiB: (peak - before) / MIB,
      heldMiB: held / MIB,
      seconds,
      answers: Object.fromEntries(answered),
    };
  } finally {
    await child.stop();
  }
}

if (import.meta.main) {
  const results = [];
  for (const server of SERVERS) {
    for (const scenario of SCENARIOS) {
      results.push(await attack(server, scenario));
    }
  }
  console.log(`Server: ${SERVER}`);
  printTable([
    ["server", "attack", "RSS before", "peak", "growth", "answers"],
    ...results.map((r) => [
      r.server,
      r.scenario,
      `${r.beforeMiB.toFixed(0)} MiB`,
      `${r.peakMiB.toFixed(0)} MiB`,
      `${r.growthMiB.toFixed(0)} MiB`,
      JSON.stringify(r.answers),
    ]),
  ]);
  const worst = Math.max(...results.map((r) => r.growthMiB));
  console.log(
    `largest growth: ${worst.toFixed(0)} MiB (goal ≤ ${GOAL_MIB} MiB: ${
      worst <= GOAL_MIB ? "PASS" : "above"
    })`,
  );
  await writeOut("intake_attack", { server: SERVER, results });
}

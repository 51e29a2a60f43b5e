/**
 * Webhook intake benchmark: how many signed deliveries a second the hook
 * route takes, against a bare `Deno.serve` handler that answers 200, on
 * the same machine in the same run.
 *
 * Each server runs in a process of its own (`_intake_server.ts`),
 * pinned to CPU 0 with `taskset` when it can; the load (wrk, else
 * `_load.ts`) runs in another process, pinned to CPU 1:
 *
 * - `bare`: reads the body (`await request.arrayBuffer()`), answers 200:
 *   the baseline, since any webhook server must read what it is sent.
 * - `hook`: `createHookHandler(space)` (what `server.ts` serves: a delivery
 *   to the hook path goes straight to the intake, other requests through
 *   the Hono app) for a `WebexSpace` with an in-memory
 *   `inbox` (an `EventQueue` drained by a loop that counts): signature
 *   check over the raw bytes, parse, shape checks, enqueue, 200. The same
 *   signed body every time.
 * - `hono`: the same intake, deliveries routed by Hono: the `fetch` of
 *   `createHookApp(space)`, as in a user's Hono app: the cost of Hono.
 * - `hook-unsigned`: the same without `webhook_secret`, to show what the
 *   signature check costs.
 * - `inline`: the hook route without an inbox, against a FakeWebex in a
 *   third process (also on CPU 1): signature check, parse, dedupe claim,
 *   `GET /messages/{id}` from the fake, `ears.put`, 200. Every request
 *   carries a distinct message that exists in the fake, so no request is
 *   answered from the dedupe store.
 * - `bare-unread`: `() => new Response(null)`, which leaves the body
 *   unread; shown because Deno handles it slower than `bare`.
 *
 * Each gets a warm-up, then a measured run. Tune with `BENCH_SECONDS`
 * (default 10), `BENCH_WARMUP` (2), `BENCH_CONNECTIONS` (32),
 * `BENCH_LOAD=deno` (the Deno generator instead of wrk), `BENCH_PIN=0`.
 *
 * Usage: `deno run -A bench/webhook_intake.ts`
 *
 * @module
 */

import { signBody } from "../spaces/webex/signature.ts";
import { webexId } from "../spaces/webex/ids.ts";
import { type Kind, SECRET, type ServeConfig } from "./_intake_server.ts";
import { type LoadResult, loadTool, runLoad } from "./_load.ts";
import { pinning, printTable, round, spawnJson, writeOut } from "./_report.ts";

const SECONDS = Number(Deno.env.get("BENCH_SECONDS") || 10);
const WARM_UP = Number(Deno.env.get("BENCH_WARMUP") || 2);
const CONNECTIONS = Number(Deno.env.get("BENCH_CONNECTIONS") || 32);
const GOAL = 0.5;
const SERVER = new URL("./_intake_server.ts", import.meta.url).pathname;

/** Fake Webex as `_fake_webex_control.ts` describes it. */
interface FakeInfo {
  url: string;
  token: string;
  botId: string;
  roomId: string;
  userId: string;
  userEmail: string;
  control: string;
}

/** A delivery as Webex sends it for a message in a group room. */
function delivery(
  messageId: string,
  room: { roomId: string; userId: string; userEmail: string; botId: string },
): string {
  return JSON.stringify({
    id: webexId("WEBHOOK", "2b4a3a4e-8d2c-4f67-9e47-5c1f6c1e0b01"),
    name: "shellbot-messages",
    targetUrl: "https://bot.example/hook",
    resource: "messages",
    event: "created",
    orgId: webexId("ORGANIZATION", "6c6b1f4e-2a0c-4c1e-8d5e-0f5f3c0c9a11"),
    createdBy: room.botId,
    appId: webexId("APPLICATION", "C12f0e2b3c4d5e6f"),
    ownedBy: "creator",
    status: "active",
    created: "2026-01-01T00:00:00.000Z",
    actorId: room.userId,
    data: {
      id: messageId,
      roomId: room.roomId,
      roomType: "group",
      personId: room.userId,
      personEmail: room.userEmail,
      mentionedPeople: [room.botId],
      created: new Date().toISOString(),
    },
  });
}

/** Writes signed deliveries, one per line, for the load tool. */
async function writeRequests(path: string, bodies: string[]): Promise<void> {
  const lines = await Promise.all(
    bodies.map(async (body) => `${await signBody(body, SECRET)}\t${body}`),
  );
  await Deno.writeTextFile(path, lines.join("\n") + "\n");
}

interface Line {
  name: string;
  what: string;
  warmUp: LoadResult;
  load: LoadResult;
  /** Requests the server counted: answered (bare) or events queued. */
  accepted: number;
  problems: string[];
}

async function measure(
  kind: Kind,
  config: ServeConfig,
  requestsFor: (phase: "warm-up" | "run", rate: number) => Promise<string>,
): Promise<Omit<Line, "name" | "what">> {
  const server = spawnJson(
    Deno.execPath(),
    ["run", "-A", SERVER, kind, JSON.stringify(config)],
    { cpu: "0" },
  );
  const problems: string[] = [];
  let warmUp!: LoadResult, load!: LoadResult;
  let accepted = 0;
  try {
    const { port } = await server.next<{ port: number }>();
    const url = `http://127.0.0.1:${port}/hook`;
    warmUp = await runLoad({
      url,
      file: await requestsFor("warm-up", 0),
      connections: CONNECTIONS,
      seconds: WARM_UP,
      cpu: "1",
    });
    load = await runLoad({
      url,
      file: await requestsFor("run", warmUp.requestsPerSecond),
      connections: CONNECTIONS,
      seconds: SECONDS,
      cpu: "1",
    });
    await server.process.stdin.close();
    const end = await server.next<{ accepted: number; problems: number }>();
    accepted = end.accepted;
    if (end.problems > 0) {
      problems.push(`the server logged ${end.problems} warnings or errors`);
    }
  } finally {
    await server.stop();
  }
  for (const [phase, result] of [["warm-up", warmUp], ["run", load]] as const) {
    const errors = result.statusErrors + result.connectErrors +
      result.readErrors + result.writeErrors + result.timeouts;
    if (errors > 0) problems.push(`${errors} failed requests in the ${phase}`);
  }
  // wrk does not count the requests in flight when time is up.
  const answered = warmUp.requests + load.requests;
  const repeated = kind === "inline" && warmUp.wrapped + load.wrapped > 0;
  if (
    !repeated && (accepted < answered || accepted > answered + 2 * CONNECTIONS)
  ) {
    problems.push(`the server counted ${accepted}, the load ${answered}`);
  }
  if (kind === "inline" && load.wrapped > 0) {
    problems.push("the load ran out of distinct messages and repeated some");
  }
  return { warmUp, load, accepted, problems };
}

async function runAll(): Promise<number> {
  const tool = await loadTool();
  const work = await Deno.makeTempDir({ prefix: "shellbot-intake-" });
  const botId = webexId("PEOPLE", "5f1e3b7a-7a61-4a55-9c4e-1d0c6c1b2a33");
  const room = {
    roomId: webexId("ROOM", "0c9f4a0e-3d55-4d8e-a0ae-7c3c2b1d4e55"),
    userId: webexId("PEOPLE", "a7d3c1b2-6f4e-4c3d-9b2a-1e0f9d8c7b66"),
    userEmail: "alice@bench.example",
    botId,
  };
  const fixed = `${work}/fixed.tsv`;
  const fixedBody = delivery(
    webexId("MESSAGE", "9e8d7c6b-5a49-4837-a261-5f4e3d2c1b77"),
    room,
  );
  await writeRequests(fixed, [fixedBody]);
  const lines: Line[] = [];
  try {
    console.log(
      `Webhook intake: ${CONNECTIONS} keep-alive connections, ${WARM_UP} s warm-up + ${SECONDS} s per line, load by ${tool}; ${
        pinning
          ? "server on CPU 0, load (and fake) on CPU 1"
          : "processes not pinned"
      }; body ${fixedBody.length} bytes`,
    );
    const fixedLine = async (kind: Kind, name: string, what: string) =>
      lines.push({
        name,
        what,
        ...await measure(kind, { botId }, () => Promise.resolve(fixed)),
      });
    await fixedLine("bare", "bare Deno.serve", "reads the body, 200");
    await fixedLine(
      "hook",
      "hook route + inbox",
      "signature, parse, enqueue, 200",
    );
    await fixedLine(
      "hono",
      "same, through Hono",
      "the same, deliveries routed by Hono",
    );
    await fixedLine("hook-unsigned", "same, no secret", "parse, enqueue, 200");
    lines.push(await measureInline(work));
    await fixedLine("bare-unread", "bare, body unread", "200, body not read");
    const [bare, hook, routed, unsigned, inline, unread] = lines.map((
      line,
    ) => line.load);
    const ratio = hook.requestsPerSecond / bare.requestsPerSecond;
    const ratios = {
      hook: round(ratio, 3),
      hono: round(routed.requestsPerSecond / bare.requestsPerSecond, 3),
      honoOverDirect: round(
        routed.requestsPerSecond / hook.requestsPerSecond,
        3,
      ),
      hookUnsigned: round(
        unsigned.requestsPerSecond / bare.requestsPerSecond,
        3,
      ),
      inline: round(inline.requestsPerSecond / bare.requestsPerSecond, 3),
      bareUnread: round(unread.requestsPerSecond / bare.requestsPerSecond, 3),
    };
    printTable([
      ["server", "does", "req/s", "p50 ms", "p99 ms", "× bare"],
      ...lines.map((line) => [
        line.name,
        line.what,
        line.load.requestsPerSecond.toFixed(0),
        (line.load.p50Us / 1000).toFixed(2),
        (line.load.p99Us / 1000).toFixed(2),
        `${
          (100 * line.load.requestsPerSecond / bare.requestsPerSecond)
            .toFixed(1)
        } %`,
      ]),
    ]);
    console.log(
      `hook route / bare: ${(100 * ratio).toFixed(1)} % (goal ≥ ${
        100 * GOAL
      } %: ${ratio >= GOAL ? "PASS" : "below"})`,
    );
    console.log(
      `hook route through Hono / straight to the intake: ${
        (100 * ratios.honoOverDirect).toFixed(1)
      } %`,
    );
    for (const line of lines) {
      for (const problem of line.problems) {
        console.log(`FAIL ${line.name}: ${problem}`);
      }
    }
    await writeOut("webhook_intake", {
      tool,
      pinned: pinning,
      connections: CONNECTIONS,
      seconds: SECONDS,
      warmUpSeconds: WARM_UP,
      bodyBytes: fixedBody.length,
      ratios,
      goal: ratio >= GOAL ? "PASS" : "below",
      lines,
    });
    return lines.some((line) => line.problems.length > 0) ? 1 : 0;
  } finally {
    await Deno.remove(work, { recursive: true });
  }
}

/** The hook route processing inline, against a fake in its own process. */
async function measureInline(work: string): Promise<Line> {
  const fakeProcess = spawnJson(Deno.execPath(), [
    "run",
    "-A",
    new URL("./_fake_webex_control.ts", import.meta.url).pathname,
  ], { cpu: "1" });
  try {
    const fake = await fakeProcess.next<FakeInfo>();
    // Messages that exist in the fake, each delivered once: enough for the
    // warm-up, then for the run at 2.5 times the warm-up's rate.
    const requestsFor = async (phase: string, rate: number) => {
      const count = phase === "warm-up"
        ? 8000 * WARM_UP
        : Math.ceil(Math.max(rate, 1000) * SECONDS * 2.5);
      const response = await fetch(
        `${fake.control}/simulate?count=${count}&ids=1`,
        { method: "POST" },
      );
      const { ids } = await response.json() as { ids: string[] };
      const path = `${work}/${phase}.tsv`;
      await writeRequests(path, ids.map((id) => delivery(id, fake)));
      return path;
    };
    const measured = await measure(
      "inline",
      { botId: fake.botId, fake: { url: fake.url, token: fake.token } },
      requestsFor,
    );
    const settled = await fetch(`${fake.control}/settled`, { method: "POST" });
    const stats = await settled.json() as { getMessage: number };
    if (stats.getMessage < measured.accepted) {
      measured.problems.push(
        `${measured.accepted} events but ${stats.getMessage} message fetches`,
      );
    }
    return {
      name: "hook route, inline",
      what: "signature, parse, dedupe, GET message, 200",
      ...measured,
    };
  } finally {
    await fakeProcess.stop();
  }
}

if (import.meta.main) {
  Deno.exit(await runAll());
}

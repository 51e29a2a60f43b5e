/**
 * Local space benchmark: user lines a second through `LocalSpace` to a bot,
 * for 100,000 lines.
 *
 * In this process, with the transcript going to a `WritableStream` that
 * counts bytes and lines:
 * - `scripted, counting bot`: the lines as scripted `input`, to a bot
 *   (through `botSink`, as `cli.ts` wires it) that only counts: the cost of
 *   the space itself (echo of each line to the transcript, the message
 *   event, the bot call).
 * - `scripted, demo bot`: the same to the demo bot of `cli.ts`, which
 *   answers `echo <text>` with `postMessage`, one more transcript line each.
 * - `stdin stream, demo bot`: the lines as bytes in a `ReadableStream`
 *   given as `stdin`, split by the space's line reader.
 *
 * Then `cli.ts` as a subprocess with the demo bot, the lines piped to its
 * stdin and its stdout read and counted, timed from spawn to exit; and the
 * same with an empty stdin, to tell the start-up from the per-line cost.
 * Last, to tell where the subprocess's time goes: this script as a child
 * (`--to-stdout`) running the scripted demo bot with the space's default
 * stdout, `Deno.stdout`, sent to `/dev/null`; it times its own run.
 *
 * `BENCH_LINES` changes the 100,000. The exit code is 1 when a count is
 * wrong.
 *
 * Usage: `deno run -A bench/local_space.ts`
 *
 * @module
 */

import {
  type BotHandler,
  type BotLike,
  botSink,
  LocalSpace,
  type Space,
} from "../mod.ts";
import demoBot from "../examples/demo_bot.ts";
import { printTable, round, writeOut } from "./_report.ts";

const LINES = Number(Deno.env.get("BENCH_LINES") || 100_000);
const WARM_UP = 10_000;
const CLI = new URL("../cli.ts", import.meta.url).pathname;

/** A sink that counts bytes and line breaks. */
function countingStream() {
  const counts = { bytes: 0, lines: 0 };
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      counts.bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) {
        counts.lines++;
      }
    },
  });
  return { stream, counts };
}

function script(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `echo line ${i}`);
}

interface Result {
  name: string;
  lines: number;
  seconds: number;
  linesPerSecond: number;
  /** Bot calls, or transcript lines when the bot is in another process. */
  botCalls?: number;
  outputLines: number;
  problems: string[];
}

type Feed = "scripted" | "stdin";

/** Runs `count` lines through a local space in this process. */
async function inProcess(
  name: string,
  count: number,
  feed: Feed,
  bot: BotHandler | BotLike,
  repliesPerLine: number,
): Promise<Result> {
  let calls = 0;
  const counted: BotHandler = (event, space) => {
    calls++;
    return typeof bot === "function"
      ? bot(event, space)
      : bot.handle(event, space);
  };
  const lines = script(count);
  const out = countingStream();
  const stdin = feed === "stdin"
    ? ReadableStream.from([new TextEncoder().encode(lines.join("\n") + "\n")])
    : undefined;
  const space: Space = new LocalSpace({
    input: feed === "scripted" ? lines : undefined,
    stdin,
    stdout: out.stream,
    ears: botSink(counted, () => space),
  });
  await space.connect();
  const start = performance.now();
  await space.run();
  const seconds = (performance.now() - start) / 1000;
  const problems: string[] = [];
  if (calls !== count) problems.push(`the bot got ${calls} of ${count} lines`);
  // Each line is echoed after the prompt, then answered; scripts end in ^C.
  const expected = count * (1 + repliesPerLine) + (feed === "scripted" ? 1 : 0);
  if (out.counts.lines !== expected) {
    problems.push(`${out.counts.lines} transcript lines, expected ${expected}`);
  }
  return {
    name,
    lines: count,
    seconds: round(seconds, 3),
    linesPerSecond: round(count / seconds, 0),
    botCalls: calls,
    outputLines: out.counts.lines,
    problems,
  };
}

/** Pipes `count` lines to `cli.ts` with the demo bot; timed spawn to exit. */
async function subprocess(name: string, count: number): Promise<Result> {
  const input = new TextEncoder().encode(
    count ? script(count).join("\n") + "\n" : "",
  );
  const out = countingStream();
  const start = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", CLI],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reading = child.stdout.pipeTo(out.stream);
  const writer = child.stdin.getWriter();
  await writer.write(input);
  await writer.close();
  const [status] = await Promise.all([child.status, reading]);
  const seconds = (performance.now() - start) / 1000;
  const problems: string[] = [];
  if (!status.success) problems.push(`cli.ts exited with ${status.code}`);
  if (out.counts.lines !== 2 * count) {
    problems.push(`${out.counts.lines} output lines, expected ${2 * count}`);
  }
  return {
    name,
    lines: count,
    seconds: round(seconds, 3),
    linesPerSecond: count ? round(count / seconds, 0) : 0,
    outputLines: out.counts.lines,
    problems,
  };
}

/** In a child: the scripted demo bot writing to `Deno.stdout`. */
async function toStdout(count: number): Promise<void> {
  const space: Space = new LocalSpace({
    input: script(count),
    ears: botSink(demoBot, () => space),
  });
  await space.connect();
  const start = performance.now();
  await space.run();
  const seconds = (performance.now() - start) / 1000;
  console.error(JSON.stringify({ seconds }));
}

async function childToStdout(name: string, count: number): Promise<Result> {
  const { success, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--to-stdout"],
    env: { BENCH_LINES: String(count) },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(stderr);
  const line = text.split("\n").find((line) => line.startsWith("{"));
  const seconds = line ? JSON.parse(line).seconds : NaN;
  return {
    name,
    lines: count,
    seconds: round(seconds, 3),
    linesPerSecond: round(count / seconds, 0),
    outputLines: NaN,
    problems: success && line ? [] : [`the child failed: ${text}`],
  };
}

async function runAll(): Promise<number> {
  const countingBot: BotHandler = () => {};
  // Warm up the JIT on the paths measured below.
  await inProcess("warm-up", WARM_UP, "scripted", demoBot, 1);
  await inProcess("warm-up", WARM_UP, "stdin", demoBot, 1);
  const results = [
    await inProcess(
      "scripted, counting bot",
      LINES,
      "scripted",
      countingBot,
      0,
    ),
    await inProcess("scripted, demo bot", LINES, "scripted", demoBot, 1),
    await inProcess("stdin stream, demo bot", LINES, "stdin", demoBot, 1),
  ];
  const empty = await subprocess("cli.ts, empty stdin", 0);
  const piped = await subprocess("cli.ts | demo bot", LINES);
  results.push(
    empty,
    piped,
    await childToStdout("scripted, demo bot → Deno.stdout", LINES),
  );
  const afterStartUp = round(LINES / (piped.seconds - empty.seconds), 0);
  console.log(`Local space: ${LINES.toLocaleString("en")} lines`);
  printTable([
    ["run", "lines", "seconds", "lines/s", "µs/line"],
    ...results.map((r) => [
      r.name,
      String(r.lines),
      r.seconds.toFixed(3),
      r.lines ? r.linesPerSecond.toFixed(0) : "-",
      r.lines ? (1e6 * r.seconds / r.lines).toFixed(2) : "-",
    ]),
  ]);
  console.log(
    `cli.ts without its start-up (${empty.seconds.toFixed(3)} s): ${
      afterStartUp.toFixed(0)
    } lines/s`,
  );
  for (const r of results) {
    for (const problem of r.problems) console.log(`FAIL ${r.name}: ${problem}`);
  }
  await writeOut("local_space", {
    lines: LINES,
    cliLinesPerSecondAfterStartUp: afterStartUp,
    results,
  });
  return results.some((r) => r.problems.length > 0) ? 1 : 0;
}

if (import.meta.main) {
  if (Deno.args[0] === "--to-stdout") {
    await toStdout(LINES);
    Deno.exit(0);
  }
  Deno.exit(await runAll());
}

/**
 * Attachment benchmark: moves a 100 MiB file through a FakeWebex, up and
 * down, and reports the time and the peak RSS growth of the process doing
 * it, for the library's paths and for plain `fetch` baselines against the
 * same fake.
 *
 * The fake runs in a child process, since it keeps uploads in memory. Each
 * step runs in a fresh process too (this script, with `--step`): a process
 * that has already moved 100 MiB keeps most of that memory resident after
 * freeing it, and a later step can reuse it without its RSS growing, which
 * would hide a step that buffers. Each step process warms up on a 1 MiB
 * file, collects garbage, resets its peak RSS, then moves the big file.
 *
 * The goal is a peak RSS growth under 32 MiB in either direction: reported,
 * not asserted. The exit code is 1 when a byte count or a digest is wrong.
 *
 * Usage: `deno run -A bench/attachments.ts`
 *
 * @module
 */

import { createHash } from "node:crypto";
import { openRssProbe } from "./_rss.ts";
import {
  connect,
  type StepInput,
  type StepOutput,
  STEPS,
} from "./_attachment_steps.ts";

const MIB = 1024 * 1024;
/**
 * 100 MiB, Webex's largest file per message, which FakeWebex enforces too;
 * `BENCH_FILE_MIB` picks a smaller size, to see how the figures scale.
 */
const FILE_BYTES =
  Math.min(100, Number(Deno.env.get("BENCH_FILE_MIB") || 100)) * MIB;
const WARM_UP_BYTES = 1 * MIB;
const GOAL_BYTES = 32 * MIB;
const OUT = new URL("./out/attachments.json", import.meta.url);

if (Deno.args[0] === "--step") {
  console.log(JSON.stringify(await runStep(JSON.parse(Deno.args[1]))));
} else {
  Deno.exitCode = await runAll();
}

/** In a step process: warm up, then measure one step on the big file. */
async function runStep(input: StepInput): Promise<StepOutput> {
  const step = STEPS.find((candidate) => candidate.id === input.step)!;
  const space = await connect(input.fake);
  const probe = await openRssProbe();
  try {
    await Deno.mkdir(`${input.dir}/warm-up`, { recursive: true });
    await step.move(input, space, input.warmUp, `${input.dir}/warm-up`);
    globalThis.gc?.();
    const rssBefore = probe.current();
    await probe.resetPeak();
    const started = performance.now();
    const moved = await step.move(input, space, input.source, input.dir);
    const seconds = (performance.now() - started) / 1000;
    const peak = probe.peak();
    const externalAfter = Deno.memoryUsage().external;
    return {
      ...moved,
      externalAfter,
      seconds,
      rssBefore,
      peak,
      method: probe.method,
      gc: typeof globalThis.gc === "function",
    };
  } finally {
    probe.stop();
  }
}

/** In the main process: start the fake, run each step, check and report. */
async function runAll(): Promise<number> {
  const server = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./_fake_webex_server.ts", import.meta.url).pathname,
    ],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const work = await Deno.makeTempDir({ prefix: "shellbot-bench-" });
  try {
    const fake = await readFirstLine(server.stdout);
    const space = await connect(fake);
    const warmUp = await makeFile(`${work}/warm-up.bin`, WARM_UP_BYTES);
    const warmUpUrl =
      (await space.postMessage({ id: fake.roomId, file: warmUp.path })).url!;
    const source = await makeFile(`${work}/attachment.bin`, FILE_BYTES);
    let uploaded = "";
    const results = [];
    for (const step of STEPS) {
      const dir = `${work}/${step.id}`;
      await Deno.mkdir(dir);
      const output = await spawnStep({
        step: step.id,
        fake,
        warmUp: { path: warmUp.path, url: warmUpUrl },
        source: { path: source.path, url: uploaded },
        dir,
      });
      if (step.id === "upload" && output.url) uploaded = output.url;
      const problems = await check(fake.token, source, output);
      const growth = Math.max(0, output.peak - output.rssBefore);
      results.push({
        name: step.name,
        direction: step.direction,
        kind: step.kind,
        bytes: output.bytes,
        seconds: round(output.seconds, 3),
        mibPerSecond: round(output.bytes / MIB / output.seconds, 1),
        rssBeforeBytes: output.rssBefore,
        peakRssBytes: output.peak,
        peakGrowthBytes: growth,
        externalAfterBytes: output.externalAfter,
        goal: growth < GOAL_BYTES ? "PASS" : "over",
        rssMethod: output.method,
        gcBeforeStep: output.gc,
        problems,
      });
    }
    report(results);
    await Deno.mkdir(new URL(".", OUT), { recursive: true });
    const json = {
      benchmark: "attachments",
      date: new Date().toISOString(),
      deno: Deno.version.deno,
      os: `${Deno.build.os} ${Deno.build.arch}`,
      fileBytes: FILE_BYTES,
      goalBytes: GOAL_BYTES,
      results,
    };
    await Deno.writeTextFile(OUT, JSON.stringify(json, null, 2) + "\n");
    console.log(`Wrote ${OUT.pathname}`);
    return results.some((result) => result.problems.length > 0) ? 1 : 0;
  } finally {
    await server.stdin.close().catch(() => {});
    await server.status;
    await Deno.remove(work, { recursive: true });
  }
}

async function spawnStep(input: StepInput): Promise<StepOutput> {
  const { code, stdout } = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--v8-flags=--expose-gc",
      new URL(import.meta.url).pathname,
      "--step",
      JSON.stringify(input),
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  const text = new TextDecoder().decode(stdout).trim();
  if (code !== 0) {
    throw new Error(`The step ${input.step} failed with exit code ${code}`);
  }
  return JSON.parse(text.split("\n").at(-1)!);
}

/** Checks the bytes outside the timed part: counts, stored sizes, digests. */
async function check(
  token: string,
  source: { bytes: number; sha256: string },
  output: StepOutput,
): Promise<string[]> {
  const problems: string[] = [];
  if (output.bytes !== source.bytes) {
    problems.push(`moved ${output.bytes} bytes, expected ${source.bytes}`);
  }
  if ("url" in output) {
    const response = await fetch(output.url!, {
      method: "HEAD",
      headers: { authorization: `Bearer ${token}` },
    });
    await response.body?.cancel();
    const size = Number(response.headers.get("content-length"));
    if (size !== source.bytes) {
      problems.push(`the fake stored ${size} bytes, expected ${source.bytes}`);
    }
  }
  if (output.path) {
    const digest = await sha256(output.path);
    if (digest !== source.sha256) {
      problems.push(
        `the saved file's SHA-256 ${digest} differs from the source's`,
      );
    }
  }
  return problems;
}

function report(results: {
  name: string;
  direction: string;
  kind: string;
  seconds: number;
  mibPerSecond: number;
  rssBeforeBytes: number;
  peakGrowthBytes: number;
  goal: string;
  rssMethod: string;
  problems: string[];
}[]): void {
  const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
  const rows = [
    [
      "step",
      "way",
      "kind",
      "s",
      "MiB/s",
      "RSS before",
      "peak growth",
      "< 32 MiB",
    ],
    ...results.map((r) => [
      r.name,
      r.direction,
      r.kind,
      r.seconds.toFixed(3),
      r.mibPerSecond.toFixed(1),
      mib(r.rssBeforeBytes),
      mib(r.peakGrowthBytes),
      r.goal,
    ]),
  ];
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map((row) => row[i].length))
  );
  const methods = [...new Set(results.map((r) => r.rssMethod))].join(", ");
  console.log(
    `Attachments: a ${
      mib(FILE_BYTES)
    } file, one fresh process per step, peak RSS by ${methods}`,
  );
  for (const row of rows) {
    console.log(
      row.map((cell, i) => cell.padEnd(widths[i])).join("  ").trimEnd(),
    );
  }
  for (const r of results) {
    for (const problem of r.problems) console.log(`FAIL ${r.name}: ${problem}`);
  }
}

async function readFirstLine(
  stream: ReadableStream<Uint8Array>,
): Promise<StepInput["fake"]> {
  let text = "";
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    text += decoder.decode(chunk, { stream: true });
    const end = text.indexOf("\n");
    // Leaving the loop cancels the rest; the server prints nothing more.
    if (end !== -1) return JSON.parse(text.slice(0, end));
  }
  throw new Error("The fake Webex server ended before printing its address");
}

/** Writes `bytes` of varied data, 1 MiB at a time, and hashes them. */
async function makeFile(
  path: string,
  bytes: number,
): Promise<{ path: string; bytes: number; sha256: string }> {
  const chunk = new Uint8Array(MIB);
  for (let i = 0; i < chunk.length; i += 65536) {
    crypto.getRandomValues(chunk.subarray(i, i + 65536));
  }
  const view = new DataView(chunk.buffer);
  using file = await Deno.open(path, { write: true, createNew: true });
  for (let written = 0, index = 0; written < bytes; index++) {
    // A distinct first word per chunk, so a reordered chunk changes the digest.
    view.setUint32(0, index);
    const part = chunk.subarray(0, Math.min(MIB, bytes - written));
    for (let at = 0; at < part.length;) {
      at += await file.write(part.subarray(at));
    }
    written += part.length;
  }
  return { path, bytes, sha256: await sha256(path) };
}

async function sha256(path: string): Promise<string> {
  const hash = createHash("sha256");
  // The readable closes the file when it ends.
  const file = await Deno.open(path);
  for await (const chunk of file.readable) hash.update(chunk);
  return hash.digest("hex");
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

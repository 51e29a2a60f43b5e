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
import { Context, quietLogger, WebexSpace } from "../mod.ts";
import { openRssProbe } from "./_rss.ts";

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

/** What a step process is given, as JSON after `--step`. */
interface StepInput {
  step: string;
  fake: { url: string; token: string; roomId: string };
  warmUp: { path: string; url: string };
  source: { path: string; url: string };
  dir: string;
}

/** What a step process prints, as one JSON line. */
interface StepOutput {
  bytes: number;
  seconds: number;
  rssBefore: number;
  peak: number;
  /** V8's `external` memory (array buffers) when the step ended. */
  externalAfter: number;
  method: string;
  gc: boolean;
  /** The content URL of an upload. */
  url?: string;
  /** The file a download saved. */
  path?: string;
}

interface Moved {
  bytes: number;
  url?: string;
  path?: string;
}

type Mover = (
  input: StepInput,
  space: WebexSpace,
  file: { path: string; url: string },
  dir: string,
) => Promise<Moved>;

interface Step {
  id: string;
  name: string;
  direction: "upload" | "download";
  kind: "library" | "baseline";
  move: Mover;
}

const STEPS: Step[] = [
  {
    id: "upload",
    name: "postMessage({ file })",
    direction: "upload",
    kind: "library",
    async move({ fake }, space, file) {
      const message = await space.postMessage({
        id: fake.roomId,
        file: file.path,
      });
      return { bytes: (await Deno.stat(file.path)).size, url: message.url };
    },
  },
  {
    id: "fetch-post",
    name: "fetch POST multipart",
    direction: "upload",
    kind: "baseline",
    async move({ fake }, _space, file) {
      // The fewest bytes around the file's own stream that make a message.
      const boundary = "bench-boundary";
      const encoder = new TextEncoder();
      const head = encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${fake.roomId}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="baseline.bin"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
      const readable = (await Deno.open(file.path)).readable;
      const response = await fetch(`${fake.url}/messages`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${fake.token}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
        body: ReadableStream.from((async function* () {
          yield head;
          yield* readable;
          yield tail;
        })()),
      });
      const json = await response.json();
      return { bytes: (await Deno.stat(file.path)).size, url: json.files?.[0] };
    },
  },
  {
    id: "download",
    name: "downloadAttachment()",
    direction: "download",
    kind: "library",
    async move(_input, space, file, dir) {
      const path = await space.downloadAttachment(file.url, { dir });
      return { bytes: (await Deno.stat(path)).size, path };
    },
  },
  {
    id: "get-read",
    name: "getAttachment() read",
    direction: "download",
    kind: "library",
    async move(_input, space, file) {
      let bytes = 0;
      for await (const chunk of await space.getAttachment(file.url)) {
        bytes += chunk.byteLength;
      }
      return { bytes };
    },
  },
  {
    id: "fetch-get-file",
    name: "fetch GET to file",
    direction: "download",
    kind: "baseline",
    async move({ fake }, _space, file, dir) {
      const path = `${dir}/baseline.bin`;
      const response = await fetch(file.url, {
        headers: { authorization: `Bearer ${fake.token}` },
      });
      const out = await Deno.open(path, { write: true, createNew: true });
      await response.body!.pipeTo(out.writable);
      return { bytes: (await Deno.stat(path)).size, path };
    },
  },
  {
    id: "fetch-get-read",
    name: "fetch GET read",
    direction: "download",
    kind: "baseline",
    async move({ fake }, _space, file) {
      const response = await fetch(file.url, {
        headers: { authorization: `Bearer ${fake.token}` },
      });
      let bytes = 0;
      for await (const chunk of response.body!) bytes += chunk.byteLength;
      return { bytes };
    },
  },
];

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

async function connect(fake: StepInput["fake"]): Promise<WebexSpace> {
  const space = new WebexSpace({
    context: new Context({ space: { room: "Bench" } }, {
      env: () => undefined,
    }),
    token: fake.token,
    apiUrl: fake.url,
    logger: quietLogger,
  });
  await space.connect();
  return space;
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

/**
 * HTTP load for the webhook benchmarks: N keep-alive connections, each
 * sending a POST as soon as the previous answer came (a closed loop), for a
 * fixed time, with requests read from a file of signed deliveries (one per
 * line, `<X-Spark-Signature>\t<JSON body>`, taken in turn).
 *
 * {@linkcode runLoad} drives `wrk` with `bench/_wrk_signed.lua` when it is
 * installed (and installs it with `apt-get` when it can), else runs this
 * script as a Deno load generator in a child process. `BENCH_LOAD=deno`
 * forces the Deno generator. Either way the load runs in a process of its
 * own, pinned to a CPU with `taskset` when it can.
 *
 * As a program: `deno run -A bench/_load.ts <url> <file> <connections>
 * <seconds>` prints one JSON line, the {@linkcode LoadResult}.
 *
 * @module
 */

import { round, summarise } from "./_report.ts";
import { pinning } from "./_report.ts";

/** What one load run measured; latencies in µs. */
export interface LoadResult {
  /** `wrk` or `deno`. */
  tool: string;
  requests: number;
  durationUs: number;
  requestsPerSecond: number;
  /** Answers with a status of 400 or more. */
  statusErrors: number;
  connectErrors: number;
  readErrors: number;
  writeErrors: number;
  timeouts: number;
  p50Us: number;
  p90Us: number;
  p99Us: number;
  maxUs: number;
  /** How many times a connection ran out of lines and started over. */
  wrapped: number;
}

/** What to send, where, how hard and for how long. */
export interface LoadOptions {
  url: string;
  /** The file of signed deliveries. */
  file: string;
  connections: number;
  seconds: number;
  /** The CPU to pin the load process to, for `taskset -c`. */
  cpu?: string;
}

const LUA = new URL("./_wrk_signed.lua", import.meta.url).pathname;

let wrkPath: Promise<string | undefined> | undefined;

/** The load tool used: `wrk` when installed or installable, else `deno`. */
export async function loadTool(): Promise<"wrk" | "deno"> {
  if (Deno.env.get("BENCH_LOAD") === "deno") return "deno";
  wrkPath ??= findOrInstallWrk();
  return await wrkPath ? "wrk" : "deno";
}

async function has(command: string, args: string[]): Promise<boolean> {
  try {
    const { success } = await new Deno.Command(command, {
      args,
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch {
    return false;
  }
}

async function findOrInstallWrk(): Promise<string | undefined> {
  // `wrk --version` exits 1, so test that it runs at all.
  const runs = async () => {
    try {
      await new Deno.Command("wrk", {
        args: ["--version"],
        stdout: "null",
        stderr: "null",
      }).output();
      return true;
    } catch {
      return false;
    }
  };
  if (await runs()) return "wrk";
  if (Deno.uid?.() === 0 && await has("apt-get", ["--version"])) {
    console.log("wrk is missing: installing it with apt-get");
    await new Deno.Command("apt-get", {
      args: ["install", "-y", "-q", "wrk"],
      stdout: "null",
      stderr: "inherit",
      env: { DEBIAN_FRONTEND: "noninteractive" },
    }).output();
    if (await runs()) return "wrk";
  }
  console.log("wrk is not available: the load comes from bench/_load.ts");
  return undefined;
}

/** Runs one load and returns what it measured. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const tool = await loadTool();
  const args = tool === "wrk"
    ? [
      "-t1",
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      "--timeout",
      "30s",
      "-s",
      LUA,
      options.url,
      "--",
      options.file,
      "1",
    ]
    : [
      "run",
      "-A",
      new URL(import.meta.url).pathname,
      options.url,
      options.file,
      String(options.connections),
      String(options.seconds),
    ];
  const command = tool === "wrk" ? "wrk" : Deno.execPath();
  const pinned = pinning && options.cpu !== undefined;
  const { code, stdout } = await new Deno.Command(
    pinned ? "taskset" : command,
    {
      args: pinned ? ["-c", options.cpu!, command, ...args] : args,
      stdout: "piped",
      stderr: "inherit",
    },
  ).output();
  const text = new TextDecoder().decode(stdout);
  const line = text.split("\n").find((line) => line.startsWith("{"));
  if (code !== 0 || !line) {
    throw new Error(
      `The load (${tool}) failed with exit code ${code}:\n${text}`,
    );
  }
  const result = JSON.parse(line);
  return {
    tool,
    ...result,
    requestsPerSecond: round(result.requests / (result.durationUs / 1e6), 1),
  };
}

/** The Deno load generator: one closed loop per connection. */
async function generate(
  url: string,
  file: string,
  connections: number,
  seconds: number,
): Promise<Omit<LoadResult, "tool" | "requestsPerSecond">> {
  const lines = (await Deno.readTextFile(file)).split("\n")
    .filter((line) => line.includes("\t"))
    .map((line) => {
      const tab = line.indexOf("\t");
      return {
        signature: line.slice(0, tab),
        body: new TextEncoder().encode(line.slice(tab + 1)),
      };
    });
  const client = Deno.createHttpClient({
    http2: false,
    poolMaxIdlePerHost: connections,
  });
  const latencies: number[] = [];
  const counts = { status: 0, read: 0, wrapped: 0 };
  let next = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      if (next === lines.length) {
        next = 0;
        counts.wrapped++;
      }
      const { signature, body } = lines[next++];
      const sent = performance.now();
      try {
        const response = await fetch(url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-spark-signature": signature,
          },
          body,
          client,
        });
        await response.arrayBuffer();
        if (response.status >= 400) counts.status++;
        latencies.push((performance.now() - sent) * 1000);
      } catch {
        counts.read++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const durationUs = (performance.now() - start) * 1000;
  client.close();
  const stats = summarise(latencies);
  return {
    requests: latencies.length,
    durationUs: Math.round(durationUs),
    statusErrors: counts.status,
    connectErrors: 0,
    readErrors: counts.read,
    writeErrors: 0,
    timeouts: 0,
    p50Us: Math.round(stats.p50),
    p90Us: Math.round(stats.p90),
    p99Us: Math.round(stats.p99),
    maxUs: Math.round(stats.max),
    wrapped: counts.wrapped,
  };
}

if (import.meta.main) {
  const [url, file, connections, seconds] = Deno.args;
  const result = await generate(
    url,
    file,
    Number(connections),
    Number(seconds),
  );
  console.log(JSON.stringify(result));
}

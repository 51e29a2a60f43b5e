/**
 * Small helpers shared by the throughput benchmarks: percentiles, aligned
 * tables, the JSON written to `bench/out/`, child processes that print one
 * JSON line when ready, and CPU pinning.
 *
 * @module
 */

/** The `q` quantile (0..1) of sorted numbers, nearest rank. */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(q * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

/** p50, p99 and max of some latencies, in the unit given. */
export function summarise(
  values: number[],
): { count: number; p50: number; p90: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1] : NaN,
  };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/** Prints rows as an aligned table; the first row is the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) =>
    Math.max(...rows.map((row) => row[i].length))
  );
  for (const row of rows) {
    console.log(
      row.map((cell, i) =>
        /^[-+0-9.,×%]+( [a-z/%]+)?$/.test(cell) && i > 0
          ? cell.padStart(widths[i])
          : cell.padEnd(widths[i])
      ).join("  ").trimEnd(),
    );
  }
}

/** Writes `bench/out/<name>.json` with the date, Deno version and OS. */
export async function writeOut(
  name: string,
  figures: Record<string, unknown>,
): Promise<void> {
  const out = new URL(`./out/${name}.json`, import.meta.url);
  await Deno.mkdir(new URL(".", out), { recursive: true });
  const json = {
    benchmark: name,
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    os: `${Deno.build.os} ${Deno.build.arch}`,
    cpus: navigator.hardwareConcurrency,
    ...figures,
  };
  await Deno.writeTextFile(out, JSON.stringify(json, null, 2) + "\n");
  console.log(`Wrote ${out.pathname}`);
}

/** A child process that prints JSON lines on stdout. */
export interface JsonChild {
  process: Deno.ChildProcess;
  /** The next JSON line the child prints. */
  next<T = Record<string, unknown>>(): Promise<T>;
  /** Closes its stdin (its cue to stop) and waits for it to end. */
  stop(): Promise<Deno.CommandStatus>;
}

/** Wall-clock time in ms with sub-ms precision, comparable across processes. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Whether child processes are pinned to CPUs with `taskset`: on Linux with
 * two CPUs or more, unless `BENCH_PIN=0`.
 */
export const pinning: boolean = await (async () => {
  if (Deno.env.get("BENCH_PIN") === "0") return false;
  if (Deno.build.os !== "linux" || navigator.hardwareConcurrency < 2) {
    return false;
  }
  try {
    const { success } = await new Deno.Command("taskset", {
      args: ["-c", "0", "true"],
    }).output();
    return success;
  } catch {
    return false;
  }
})();

/**
 * Starts a command, pinned to `cpu` when pinning is on, with stdin piped
 * (closing it tells the child to stop) and stdout read as JSON lines.
 */
export function spawnJson(
  command: string,
  args: string[],
  options: { cpu?: string; env?: Record<string, string> } = {},
): JsonChild {
  const pinned = pinning && options.cpu !== undefined;
  const process = new Deno.Command(pinned ? "taskset" : command, {
    args: pinned ? ["-c", options.cpu!, command, ...args] : args,
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
    env: options.env,
  }).spawn();
  const lines = process.stdout
    .pipeThrough(new TextDecoderStream())
    .getReader();
  let buffer = "";
  return {
    process,
    async next<T>() {
      while (true) {
        const end = buffer.indexOf("\n");
        if (end !== -1) {
          const line = buffer.slice(0, end).trim();
          buffer = buffer.slice(end + 1);
          if (line.startsWith("{")) return JSON.parse(line) as T;
          if (line) console.log(line);
          continue;
        }
        const { value, done } = await lines.read();
        if (done) {
          throw new Error(`${command} ${args.join(" ")} ended early`);
        }
        buffer += value;
      }
    },
    async stop() {
      await process.stdin.close().catch(() => {});
      const status = await process.status;
      await lines.cancel().catch(() => {});
      return status;
    },
  };
}

/** Resolves when stdin reaches its end: the parent closed it, or is gone. */
export async function stdinClosed(): Promise<void> {
  try {
    for await (const _ of Deno.stdin.readable) { /* wait for the end */ }
  } catch { /* the end all the same */ }
}

/**
 * Runs every benchmark of this folder, one after the other, each in its own
 * process so one's memory cannot skew the next, and forwards their output.
 *
 * Usage: `deno task bench`, or `deno run -A bench/run.ts [name...]` to run
 * only the named ones (such as `attachments`).
 *
 * @module
 */

/** The benchmark scripts, in the order they run; add new ones here. */
const BENCHMARKS: string[] = [
  "webhook_intake.ts",
  "intake_attack.ts",
  "end_to_end.ts",
  "floor.ts",
  "local_space.ts",
  "kv_throughput.ts",
  "attachments.ts",
  "toolkit_routing.ts",
  "reply_latency.ts",
  "signature.ts",
];

/** Files written for `deno bench` rather than run as programs. */
const DENO_BENCH = new Set(["toolkit_routing.ts", "signature.ts"]);

const wanted = Deno.args.map((name) => name.replace(/\.ts$/, "") + ".ts");
const unknown = wanted.filter((name) => !BENCHMARKS.includes(name));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark ${unknown.join(", ")}: choose from ${
      BENCHMARKS.join(", ")
    }`,
  );
  Deno.exit(2);
}

const failed: string[] = [];
for (const script of wanted.length > 0 ? wanted : BENCHMARKS) {
  console.log(`== ${script}`);
  const { code } = await new Deno.Command(Deno.execPath(), {
    args: [
      DENO_BENCH.has(script) ? "bench" : "run",
      "-A",
      new URL(script, import.meta.url).pathname,
    ],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) failed.push(`${script} (exit code ${code})`);
  console.log();
}
if (failed.length > 0) {
  console.error(`Failed: ${failed.join(", ")}`);
  Deno.exit(1);
}

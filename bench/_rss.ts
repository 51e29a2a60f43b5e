/**
 * The resident set size (RSS) of this process: now, and its peak since the
 * last reset.
 *
 * On Linux the kernel tracks the peak itself (`VmHWM` in
 * `/proc/self/status`) and writing `5` to `/proc/self/clear_refs` resets it,
 * so no allocation between two samples can be missed. Elsewhere, or when the
 * kernel refuses the reset, the peak is the largest of
 * `Deno.memoryUsage().rss` samples taken every few milliseconds, which can
 * miss a short spike and only samples while the event loop turns.
 *
 * @module
 */

/** How the peak is measured. */
export type RssMethod = "proc-vmhwm" | "sampling";

/** Reads the RSS and its peak, and resets the peak. */
export interface RssProbe {
  /** How the peak is measured. */
  readonly method: RssMethod;
  /** The RSS now, in bytes. */
  current(): number;
  /** The largest RSS since the last reset, in bytes. */
  peak(): number;
  /** Starts a new peak from the RSS now. */
  resetPeak(): Promise<void>;
  /** Stops the sampling timer, if any. */
  stop(): void;
}

const STATUS = "/proc/self/status";
const CLEAR_REFS = "/proc/self/clear_refs";
const SAMPLE_MS = 2;

/**
 * Opens a probe: the kernel's peak when `/proc/self/clear_refs` accepts a
 * reset, else sampling.
 *
 * Setting `BENCH_RSS=sampling` forces sampling, to compare the two.
 *
 * @returns The probe; call `stop()` when done.
 *
 * @example Measure the peak growth of a step
 * ```ts
 * import { openRssProbe } from "./_rss.ts";
 *
 * const probe = await openRssProbe();
 * const before = probe.current();
 * await probe.resetPeak();
 * new Uint8Array(8 * 1024 * 1024).fill(1);
 * console.log(probe.method, probe.peak() - before);
 * probe.stop();
 * ```
 */
export async function openRssProbe(): Promise<RssProbe> {
  if (Deno.env.get("BENCH_RSS") !== "sampling" && await procWorks()) {
    return procProbe();
  }
  return samplingProbe();
}

function readStatus(): { rss: number; hwm: number } {
  const text = Deno.readTextFileSync(STATUS);
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s*(\\d+)\\s*kB`, "m").exec(text);
    if (!match) throw new Error(`${STATUS} has no ${name} line`);
    return Number(match[1]) * 1024;
  };
  return { rss: field("VmRSS"), hwm: field("VmHWM") };
}

/** Checks that the status can be read and that the kernel takes a reset. */
async function procWorks(): Promise<boolean> {
  try {
    readStatus();
    await Deno.writeTextFile(CLEAR_REFS, "5");
    readStatus();
    return true;
  } catch (error) {
    console.error(`Peak RSS falls back to sampling: ${error}`);
    return false;
  }
}

function procProbe(): RssProbe {
  return {
    method: "proc-vmhwm",
    current: () => readStatus().rss,
    peak: () => readStatus().hwm,
    resetPeak: () => Deno.writeTextFile(CLEAR_REFS, "5"),
    stop() {},
  };
}

function samplingProbe(): RssProbe {
  let peak = Deno.memoryUsage().rss;
  const sample = () => {
    peak = Math.max(peak, Deno.memoryUsage().rss);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  return {
    method: "sampling",
    current: () => Deno.memoryUsage().rss,
    peak() {
      sample();
      return peak;
    },
    resetPeak() {
      peak = Deno.memoryUsage().rss;
      return Promise.resolve();
    },
    stop: () => clearInterval(timer),
  };
}

declare global {
  /** Present when V8 runs with `--expose-gc`. */
  var gc: (() => void) | undefined;
}

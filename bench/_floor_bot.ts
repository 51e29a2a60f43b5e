/**
 * The bot of the floor benchmark, shared by the floor program and the
 * library's server (`server.ts --bot bench/_floor_bot.ts`): it reads the
 * text `bench <seq> <epoch ms>` and notes the latency, nothing else.
 *
 * What it saw goes to stdout as JSON lines `{"floor":{n,last,l}}` every
 * 20 ms while there is something new: the same cost in both programs.
 *
 * @module
 */

// Not from `_report.ts`: loading it runs `taskset` (its CPU pinning check),
// which both bots would pay before they are ready.
function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

let count = 0;
let last = 0;
let latencies: number[] = [];

/** Notes one event's text: its sequence number and latency. */
export function record(text: unknown): void {
  const now = epochMs();
  if (typeof text !== "string") return;
  const match = /bench (\d+) ([\d.]+)/.exec(text);
  if (!match) return;
  count++;
  last = now;
  latencies.push(round3(now - Number(match[2])));
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

let flushed = 0;
const timer = setInterval(() => {
  if (count === flushed) return;
  flushed = count;
  console.log(JSON.stringify({ floor: { n: count, last, l: latencies } }));
  latencies = [];
}, 20);
Deno.unrefTimer(timer);

/** The bot handler for `server.ts --bot`: an empty function but for `record`. */
export default function bot(event: { type: string; text?: string }): void {
  if (event.type === "message") record(event.text);
}

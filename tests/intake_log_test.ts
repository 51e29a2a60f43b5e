import assert from "node:assert/strict";
import { RefusalLog } from "../spaces/server/_intake_log.ts";

function recorder() {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  return { lines, logger: { debug: log, info: log, warn: log, error: log } };
}

Deno.test("refusals: the first is logged at once, the next ones together when the interval ends", () => {
  let clock = 1_000;
  const { lines, logger } = recorder();
  const refusals = new RefusalLog(logger, 10_000, {}, () => clock);
  refusals.count("bad signature");
  assert.equal(lines.length, 1);
  assert.match(lines[0], /^Refused a webhook delivery: 1 bad signature/);
  clock += 5;
  refusals.count("malformed");
  refusals.count("malformed");
  assert.equal(lines.length, 1, "counted, not logged, within the interval");
  assert.ok(refusals.pending);
  refusals.flush();
  assert.match(
    lines[1],
    /^Refused 2 webhook deliveries in 0\.0 s: 2 malformed/,
  );
});

Deno.test("refusals: a flush on the way in cancels the timer, so a late timer logs nothing twice", () => {
  let clock = 1_000;
  const { lines, logger } = recorder();
  const refusals = new RefusalLog(logger, 10_000, {}, () => clock);
  refusals.count("too large");
  clock += 1;
  refusals.count("too large");
  assert.ok(refusals.pending);
  // Under load the timer runs late: the next refusal after the interval
  // flushes on its own way in.
  clock += 10_000;
  refusals.count("too large");
  assert.equal(lines.length, 2);
  assert.equal(refusals.pending, false, "no timer left to log again");
});

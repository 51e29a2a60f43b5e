// The adaptive polling interval: its sequence on an injected clock, and
// the activity that WebexSpace pulls report. No sleeps, no timed asserts.
import assert from "node:assert/strict";
import { EventQueue, type SpaceEvent } from "../mod.ts";
import { pullActivityOf, PullPacer } from "../spaces/_run_loop.ts";
import { webexFixture } from "./_webex.ts";

function clock() {
  const time = { now: 0 };
  return { time, now: () => time.now };
}

Deno.test("a quiet bot pulls at the idle interval, as a fixed interval did", () => {
  const { now } = clock();
  const pacer = new PullPacer({ idle: 10_000, now });
  const pauses = Array.from({ length: 360 }, () => pacer.next(false));
  assert.ok(pauses.every((pause) => pause === 10_000));
  // So an idle hour costs the same pulls as today: 3_600_000 / 10_000.
  assert.equal(pauses.reduce((sum, pause) => sum + pause, 0), 3_600_000);
});

Deno.test("activity makes the interval short for the hold, then it doubles back to idle", () => {
  const { time, now } = clock();
  const pacer = new PullPacer({ idle: 10_000, now });
  const sequence: number[] = [];
  const step = (active: boolean) => {
    const pause = pacer.next(active);
    sequence.push(pause);
    time.now += pause;
  };
  step(true);
  while (time.now < 20_000) step(false);
  for (let index = 0; index < 6; index++) step(false);
  // 20 pulls a second apart (the hold), then 2, 4, 8 s, then idle.
  assert.deepEqual(sequence, [
    ...Array(20).fill(1_000),
    2_000,
    4_000,
    8_000,
    10_000,
    10_000,
    10_000,
  ]);
  // Activity again: short at once.
  step(true);
  assert.equal(sequence.at(-1), 1_000);
});

Deno.test("every new activity restarts the hold", () => {
  const { time, now } = clock();
  const pacer = new PullPacer({ idle: 10_000, hold: 5_000, now });
  assert.equal(pacer.next(true), 1_000);
  time.now = 4_000;
  assert.equal(pacer.next(true), 1_000);
  time.now = 8_000; // 4 s after the last activity: still within the hold
  assert.equal(pacer.next(false), 1_000);
  time.now = 9_500;
  assert.equal(pacer.next(false), 2_000);
});

Deno.test("a 429 doubles the short interval up to idle; ten calm pulls halve it again", () => {
  const { now } = clock();
  const pacer = new PullPacer({ idle: 10_000, now });
  assert.equal(pacer.next(true), 1_000);
  pacer.throttled();
  assert.equal(pacer.next(true), 2_000);
  pacer.throttled();
  pacer.throttled();
  pacer.throttled();
  assert.equal(pacer.next(true), 10_000);
  const after: number[] = [];
  for (let index = 0; index < 30; index++) after.push(pacer.next(true));
  // Halved after each run of ten calm pulls: 10 → 5 → 2.5 → 1.25 s.
  assert.deepEqual(after, [
    ...Array(8).fill(10_000),
    ...Array(10).fill(5_000),
    ...Array(10).fill(2_500),
    1_250,
    1_250,
  ]);
});

Deno.test("a short idle interval stays as it is: fast is never above idle", () => {
  const pacer = new PullPacer({ idle: 50 });
  assert.equal(pacer.fast, 50);
  assert.equal(pacer.next(true), 50);
  assert.equal(pacer.next(false), 50);
});

Deno.test("WebexSpace pulls count activity: a new message, or the bot's own reply", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, { ears });
  const activity = pullActivityOf(f.space);
  assert.ok(activity, "a WebexSpace reports its pull activity");
  await f.space.pull(); // the first pull only sets the start
  await f.space.pull();
  assert.equal(activity(), 0);
  f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hello",
    mentions: [f.webex.bot],
  });
  await f.space.pull();
  assert.equal(activity(), 1);
  await f.space.pull();
  assert.equal(activity(), 1);
  await f.space.postMessage(f.roomId, "hello Alice");
  await f.space.pull();
  assert.equal(activity(), 2);
  await f.space.pull();
  assert.equal(activity(), 2);
});

import assert from "node:assert/strict";
import { EventQueue, SpacesError } from "../mod.ts";

Deno.test("EventQueue yields in order and ends after close", async () => {
  const queue = new EventQueue<number>();
  queue.put(1);
  queue.put(2);
  assert.equal(queue.size, 2);
  queue.close();
  const seen: number[] = [];
  for await (const item of queue) seen.push(item);
  assert.deepEqual(seen, [1, 2]);
  assert.equal(queue.closed, true);
  assert.equal(await queue.get(), undefined);
});

Deno.test("EventQueue hands events to a waiting consumer", async () => {
  const queue = new EventQueue<string>();
  const consumer = (async () => {
    const seen: string[] = [];
    for await (const item of queue) seen.push(item);
    return seen;
  })();
  queue.put("a");
  await Promise.resolve();
  queue.put("b");
  queue.close();
  assert.deepEqual(await consumer, ["a", "b"]);
});

Deno.test("EventQueue refuses a put after close", () => {
  const queue = new EventQueue<string>();
  queue.close();
  assert.throws(() => queue.put("late"), SpacesError);
});

Deno.test("EventQueue takes a burst of 200,000 events in order", async () => {
  const queue = new EventQueue<number>();
  for (let index = 0; index < 200_000; index++) queue.put(index);
  queue.close();
  let expected = 0;
  for await (const item of queue) {
    assert.equal(item, expected);
    expected++;
  }
  assert.equal(expected, 200_000);
  assert.equal(queue.size, 0);
});

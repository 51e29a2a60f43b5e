import assert from "node:assert/strict";
import { MemoryDedupeStore } from "../mod.ts";

Deno.test("a claimed key cannot be claimed again until released", () => {
  const store = new MemoryDedupeStore();
  assert.equal(store.claim("a"), true);
  assert.equal(store.claim("a"), false);
  store.release("a");
  assert.equal(store.claim("a"), true);
  store.complete("a");
  assert.equal(store.claim("a"), false);
});

Deno.test("handled keys expire after the retention", () => {
  let now = 1_000;
  const store = new MemoryDedupeStore({ ttl: 600_000, now: () => now });
  store.claim("a");
  store.complete("a");
  now += 599_999;
  assert.equal(store.claim("a"), false);
  now += 600_001;
  assert.equal(store.claim("a"), true);
});

Deno.test("the store keeps at most its capacity, forgetting the oldest", () => {
  const store = new MemoryDedupeStore({ capacity: 100 });
  for (let index = 0; index < 1000; index++) {
    assert.equal(store.claim(`k${index}`), true);
  }
  assert.equal(store.size, 100);
  assert.equal(store.claim("k999"), false);
  assert.equal(store.claim("k0"), true);
});

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { signBody, verifySignature } from "../mod.ts";

const encoder = new TextEncoder();

Deno.test("signBody matches an independent HMAC-SHA1", async () => {
  const body = '{"data":{"id":"x"},"name":"héllo ✓"}';
  const expected = createHmac("sha1", "test-secret-s3").update(body).digest(
    "hex",
  );
  assert.equal(await signBody(body, "test-secret-s3"), expected);
  assert.equal(
    await signBody(encoder.encode(body), "test-secret-s3"),
    expected,
  );
});

Deno.test("verifySignature checks the raw bytes, not a re-serialised body", async () => {
  const raw = encoder.encode('{ "b": 1, "a": "é" }');
  const signature = await signBody(raw, "secret");
  assert.equal(await verifySignature(raw, signature, "secret"), true);
  assert.equal(
    await verifySignature(raw, signature.toUpperCase(), "secret"),
    true,
  );
  const reserialised = encoder.encode(
    JSON.stringify(JSON.parse('{ "b": 1, "a": "é" }')),
  );
  assert.equal(await verifySignature(reserialised, signature, "secret"), false);
});

Deno.test("verifySignature refuses wrong, missing and malformed signatures", async () => {
  const raw = encoder.encode("{}");
  const good = await signBody(raw, "secret");
  for (
    const bad of [
      null,
      undefined,
      "",
      "zz",
      good.slice(1),
      good + "0",
      "g".repeat(40),
      await signBody(raw, "other"),
    ]
  ) {
    assert.equal(await verifySignature(raw, bad, "secret"), false, String(bad));
  }
  const flipped = (good[0] === "0" ? "1" : "0") + good.slice(1);
  assert.equal(await verifySignature(raw, flipped, "secret"), false);
});

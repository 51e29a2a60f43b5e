import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  assertSignature,
  SignatureError,
  SpacesError,
  verifySignature,
} from "../mod.ts";
import { signBody } from "../spaces/webex/signature.ts";

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

Deno.test("assertSignature passes a right signature, in either case", async () => {
  const raw = encoder.encode('{"id":"1"}');
  const good = await signBody(raw, "secret");
  await assertSignature(raw, good, "secret");
  await assertSignature(raw, ` ${good.toUpperCase()} `, "secret");
});

Deno.test("assertSignature says what was wrong, never the secret", async () => {
  const secret = "s3cr3t-never-shown";
  const raw = encoder.encode('{"id":"1"}');
  const good = await signBody(raw, secret);
  const cases: [string | null | undefined, RegExp][] = [
    [null, /header is missing/],
    [undefined, /header is missing/],
    ["  ", /header is missing/],
    ["zz", /not an HMAC-SHA1 in hex .* 2 characters/],
    ["g".repeat(40), /not an HMAC-SHA1 in hex/],
    [good + "0", /not an HMAC-SHA1 in hex/],
    [await signBody(raw, "other"), /does not match the body/],
    [(good[0] === "0" ? "1" : "0") + good.slice(1), /does not match/],
  ];
  for (const [signature, expected] of cases) {
    const error = await assertSignature(raw, signature, secret).then(
      () => assert.fail(`accepted ${signature}`),
      (error) => error,
    );
    assert.ok(error instanceof SignatureError, String(signature));
    assert.ok(error instanceof SpacesError);
    assert.match(error.message, expected, String(signature));
    assert.ok(!error.message.includes(secret), error.message);
    assert.ok(!error.message.includes(good), error.message);
  }
  await assert.rejects(
    assertSignature(encoder.encode('{"id":"2"}'), good, secret),
    SignatureError,
  );
});

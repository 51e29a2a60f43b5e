// The fake and the client read FACTS.md independently: the fake signs with
// its own Web Crypto code, the client verifies with node:crypto. These tests
// check one reading against the other, so that a misreading on either side
// shows up.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { Signer } from "../spaces/fake/_signature.ts";
import { signBody, verifySignature } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";

const encoder = new TextEncoder();

// Test secrets start with "test-secret-" so CI can scan the output for them.
const SECRET = "test-secret-crosscheck";

const BODIES = [
  "{}",
  '{"data":{"id":"x"},"name":"héllo ✓ für Ünïcode 😀"}',
  '{ "b": 1,\n  "a": "\\u00e9" }',
  "x".repeat(70_000),
];

Deno.test("the fake's signature, an independent HMAC and the client's signBody agree", async () => {
  const signer = new Signer();
  for (const body of BODIES) {
    const fake = await signer.sign(body, SECRET);
    assert.match(fake, /^[0-9a-f]{40}$/);
    assert.equal(
      fake,
      createHmac("sha1", SECRET).update(body).digest("hex"),
      body.slice(0, 40),
    );
    assert.equal(fake, await signBody(body, SECRET), body.slice(0, 40));
    assert.equal(
      await verifySignature(encoder.encode(body), fake, SECRET),
      true,
    );
    assert.equal(
      await verifySignature(encoder.encode(body), fake, "test-secret-other"),
      false,
    );
  }
  // A key made for one secret is never used for another.
  assert.notEqual(
    await signer.sign("{}", "test-secret-a"),
    await signer.sign("{}", "test-secret-b"),
  );
});

Deno.test("a delivery the fake signs verifies with the client's verifySignature, and only over the raw bytes", async () => {
  const received: { raw: Uint8Array; signature: string | null }[] = [];
  await using receiver = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      received.push({
        raw: new Uint8Array(await request.arrayBuffer()),
        signature: request.headers.get("x-spark-signature"),
      });
      return new Response(null, { status: 204 });
    },
  );
  await using webex = await FakeWebex.start({ botName: "Shelly ✓" });
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Älice 😀",
  });
  const answer = await fetch(`${webex.url}/webhooks`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${webex.bot.token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name: "crosscheck ✓",
      targetUrl: `http://127.0.0.1:${receiver.addr.port}/hook`,
      resource: "memberships",
      event: "all",
      secret: SECRET,
    }),
  });
  assert.equal(answer.status, 200);
  await answer.body?.cancel();
  const room = webex.addRoom({ title: "Ops ✓", members: [alice] });
  webex.simulateLeave({ person: alice, roomId: room.id });
  await webex.settled();

  assert.equal(received.length, 3, "bot and alice join, alice leaves");
  for (const [index, { raw, signature }] of received.entries()) {
    assert.ok(signature, "every delivery of a webhook with a secret is signed");
    assert.equal(await verifySignature(raw, signature, SECRET), true);
    assert.equal(signature, webex.deliveries[index].signature);
    assert.equal(signature, await signBody(raw, SECRET));
    // The same object serialised again is other bytes: the client must refuse.
    const reserialised = encoder.encode(
      JSON.stringify(JSON.parse(new TextDecoder().decode(raw)), null, 1),
    );
    assert.equal(await verifySignature(reserialised, signature, SECRET), false);
  }
});

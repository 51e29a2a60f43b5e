import assert from "node:assert/strict";
import { EventQueue, type SpaceEvent, type WebexDelivery } from "../mod.ts";
import { KvDedupeStore } from "../spaces/kv/dedupe_store.ts";
import { deliveryKey } from "../spaces/webex/_inbound.ts";
import { webexFixture } from "./_webex.ts";

// The server's queue claims `deliveryKey(delivery)` with the delivery's own
// claim; processing must then claim that very key, or each event would be
// claimed twice (and the early claim given back unused). For each kind of
// delivery: processed with the key claimed beforehand, the event ends
// recorded as handled under that key.
Deno.test("deliveryKey is the key that processing claims, for every kind of delivery", async () => {
  using kv = await Deno.openKv(":memory:");
  const store = new KvDedupeStore(kv);
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({}, {
    ears,
    dedupe: store,
    auditToken: true,
  });
  await f.space.addParticipant(f.roomId, "bob@acme.com");
  await f.space.addParticipant(f.roomId, "audit@acme.com");
  const sent = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "hello",
    mentions: [f.webex.bot],
  });
  const card = await f.space.postMessage({
    id: f.roomId,
    text: "Your name?",
    card: {
      type: "AdaptiveCard",
      version: "1.3",
      body: [{ type: "Input.Text", id: "name" }],
    },
  });
  const action = f.webex.simulateAction({
    from: f.alice,
    messageId: card.id!,
    inputs: { name: "Alice" },
  });
  const membership = f.webex.memberships(f.roomId).find((item) =>
    item.personEmail === "bob@acme.com"
  )!;
  const deliveries: WebexDelivery[] = [
    {
      resource: "messages",
      event: "created",
      hook: "shellbot-messages",
      data: { id: String(sent.id), roomId: f.roomId },
    },
    {
      resource: "messages",
      event: "created",
      hook: "shellbot-audit",
      data: { id: String(sent.id), roomId: f.roomId },
    },
    {
      resource: "attachmentActions",
      event: "created",
      hook: "shellbot-actions",
      data: { id: String(action.id) },
    },
    {
      resource: "messages",
      event: "deleted",
      hook: "shellbot-messages",
      data: { id: String(sent.id), roomId: f.roomId },
    },
    {
      resource: "memberships",
      event: "created",
      hook: "shellbot-memberships",
      data: { ...membership, id: String(membership.id) },
    },
  ];
  const keys = deliveries.map(deliveryKey);
  assert.equal(new Set(keys).size, deliveries.length, "one key each");
  for (const [index, delivery] of deliveries.entries()) {
    const key = keys[index];
    const write = kv.atomic();
    store.claimIn(write, key);
    assert.equal((await write.commit()).ok, true);
    const joined: ((write: Deno.AtomicOperation) => void)[] = [];
    const outcome = await store.completingIn(
      { join: (mutate) => (joined.push(mutate), true), claimed: key },
      () => f.space.processDelivery(delivery),
    );
    assert.equal(outcome, "queued", `${key} was processed`);
    const end = kv.atomic();
    for (const mutate of joined) mutate(end);
    await end.commit();
    // Handled under `key`: a claim of it now finds the record. Had the
    // processing claimed another key, this one would have been given back.
    assert.equal(await store.claim(key), false, `${key} recorded`);
  }
});

import assert from "node:assert/strict";
import { quietLogger } from "../mod.ts";
import type { WebexClient } from "../spaces/webex/client.ts";
import type { WebexDelivery } from "../spaces/webex/delivery.ts";
import { SocketInbound } from "../spaces/webex/socket/_inbound.ts";
import type { Envelope } from "../spaces/webex/socket/_mercury.ts";

const CATALOG = {
  "conv-r.wbx2.com": [{
    host: "conv-r.wbx2.com",
    id: "urn:TEAM:us-west-2_r:conversation",
  }],
};

function envelope(id: string, targetId: string): Envelope {
  return {
    id,
    data: {
      eventType: "conversation.activity",
      activity: {
        id: crypto.randomUUID(),
        verb: "delete",
        actor: { entryUUID: crypto.randomUUID(), emailAddress: "a@b.c" },
        object: { objectType: "activity", id: crypto.randomUUID() },
        target: { id: targetId, url: "https://conv-r.wbx2.com/x" },
        published: "2026-01-01T00:00:00.000Z",
      },
    },
  } as unknown as Envelope;
}

Deno.test("websocket: an activity that cannot be read is acknowledged and dropped, and the ones after it are still handled", async () => {
  const accepted: WebexDelivery[] = [];
  const acked: string[] = [];
  const inbound = new SocketInbound(
    {
      client: {} as WebexClient,
      logger: quietLogger,
      accept: (delivery) => {
        accepted.push(delivery);
        return Promise.resolve();
      },
    },
    { hostCatalog: CATALOG },
  );
  const ack = (id: string) => void acked.push(id);
  // An id so long that no REST id can be made of it (found by an attack).
  inbound.take(envelope("poison", "x".repeat(130_000)), ack);
  inbound.take(envelope("after", crypto.randomUUID()), ack);
  await inbound.drained();
  assert.deepEqual(acked, ["poison", "after"]);
  assert.equal(accepted.length, 1);
  assert.equal(accepted[0].resource, "messages");
});

import assert from "node:assert/strict";
import {
  Context,
  EventQueue,
  type Message,
  type SpaceEvent,
  WebexSpace,
} from "../mod.ts";
import { createHookHandler } from "../server.ts";
import { FakeWebex } from "../testing.ts";
import { deliveryRequest, messageDelivery } from "./_webex.ts";

const SECRET = "test-secret-unconnected";

Deno.test("a space not yet connected checks a delivery's signature before it asks Webex anything", async () => {
  await using webex = await FakeWebex.start();
  const alice = webex.addUser({ email: "alice@acme.com", displayName: "A" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const ears = new EventQueue<SpaceEvent>();
  const space = new WebexSpace({
    context: new Context(
      { space: { room: "Ops", webhook_secret: SECRET } },
      { env: () => undefined },
    ),
    token: webex.bot.token,
    apiUrl: webex.url,
    ears,
  });
  const handle = createHookHandler(space);
  const message = webex.simulateMessage({
    from: alice,
    roomId: String(room.id),
    text: "hello",
    mentions: [webex.bot],
  });
  // Forged deliveries found by an attack: each one made the space connect.
  for (let index = 0; index < 20; index++) {
    const forged = await handle(
      await deliveryRequest(messageDelivery(message), "not-the-secret"),
    );
    assert.equal(forged.status, 401);
    await forged.body?.cancel();
  }
  assert.equal(webex.requestCount("GET /people/me"), 0);

  const signed = await handle(
    await deliveryRequest(messageDelivery(message), SECRET),
  );
  assert.equal(signed.status, 200);
  await signed.body?.cancel();
  assert.equal(webex.requestCount("GET /people/me"), 1);
  const event = await ears.get();
  assert.equal(event?.type, "message");
  assert.equal((event as Message).text, "hello");
  ears.close();
});

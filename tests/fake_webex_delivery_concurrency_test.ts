// FakeWebex deliveryConcurrency: one webhook's deliveries in flight at once.
import assert from "node:assert/strict";
import { FakeWebex } from "../testing.ts";
import { hook } from "./_fake_webex_receiver.ts";

/**
 * A receiver that counts the deliveries in flight and holds every answer
 * until `hold` of them are in at once (or answers at once when 1).
 */
function countingReceiver(hold: number) {
  let inFlight = 0;
  let most = 0;
  const open = Promise.withResolvers<void>();
  if (hold <= 1) open.resolve();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      await request.body?.cancel();
      inFlight++;
      most = Math.max(most, inFlight);
      if (inFlight >= hold) open.resolve();
      await open.promise;
      inFlight--;
      return new Response(null, { status: 200 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/hook`,
    most: () => most,
    close: () => server.shutdown(),
  };
}

async function deliverTen(concurrency?: number, hold = 1) {
  const receiver = countingReceiver(hold);
  await using webex = await FakeWebex.start(
    concurrency === undefined ? {} : { deliveryConcurrency: concurrency },
  );
  const alice = webex.addUser({ email: "a@acme.com", displayName: "Alice" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  await hook(webex, webex.bot, {
    name: "all",
    targetUrl: receiver.url,
    resource: "messages",
    event: "created",
  });
  const ids: string[] = [];
  for (let n = 0; n < 10; n++) {
    const message = webex.simulateMessage({
      from: alice,
      roomId: String(room.id),
      text: `n${n}`,
      mentions: [webex.bot],
    });
    ids.push(String(message.id));
  }
  await webex.settled();
  await receiver.close();
  const log = webex.deliveries;
  return { most: receiver.most(), log, ids };
}

Deno.test("by default a webhook's deliveries go one at a time, in order", async () => {
  const { most, log, ids } = await deliverTen();
  assert.equal(most, 1);
  assert.equal(log.length, 10);
  assert.ok(log.every((delivery) => delivery.ok));
  assert.deepEqual(log.map((d) => JSON.parse(d.body).data.id), ids);
});

Deno.test("deliveryConcurrency lets that many deliveries of one webhook be in flight, never more", async () => {
  // The receiver answers nothing until 4 are in at once: one at a time
  // would never get there.
  const { most, log, ids } = await deliverTen(4, 4);
  assert.equal(most, 4);
  assert.equal(log.length, 10);
  assert.ok(log.every((delivery) => delivery.ok));
  assert.deepEqual(
    log.map((d) => JSON.parse(d.body).data.id).sort(),
    [...ids].sort(),
  );
});

Deno.test("deliveryConcurrency must be a positive integer", async () => {
  for (const value of [0, -1, 1.5, Number.NaN]) {
    await assert.rejects(
      FakeWebex.start({ deliveryConcurrency: value }),
      RangeError,
    );
  }
});

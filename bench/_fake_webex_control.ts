/**
 * A {@linkcode FakeWebex} in a process of its own, with a small control
 * server beside it so a benchmark in another process can have users post
 * messages in bulk, without the cost of doing so landing in its own process.
 *
 * The fake has a room "Bench" with the bot and a user, Alice. Prints one
 * JSON line once it listens:
 * `{ "url", "token", "botId", "roomId", "userId", "userEmail", "control" }`.
 * Serves until stdin closes or SIGTERM.
 *
 * Control routes (POST, JSON answers):
 * - `/simulate?count=N&ids=1`: Alice posts N messages mentioning the bot,
 *   each with the text `bench <seq> <epoch ms>`, the time it was posted
 *   (`performance.timeOrigin + performance.now()`, comparable across
 *   processes on one machine). Answers `{ "first", "count", "ids"? }`.
 * - `/settled`: waits for every queued webhook delivery, then answers
 *   `{ "deliveries", "failed", "getMessage", "postMessage" }`.
 *
 * Usage: `deno run -A bench/_fake_webex_control.ts`
 *
 * @module
 */

import { FakeWebex } from "../testing.ts";
import { epochMs, stdinClosed } from "./_report.ts";

// The floor benchmark delivers concurrently, without the room read limit.
const concurrency = Number(Deno.env.get("FAKE_DELIVERY_CONCURRENCY") || 1);
const webex = await FakeWebex.start({
  deliveryTimeout: 60_000,
  deliveryConcurrency: concurrency,
  ...(concurrency > 1 ? { roomReadConcurrency: false as const } : {}),
});
const alice = webex.addUser({
  email: "alice@bench.example",
  displayName: "Alice",
});
const room = webex.addRoom({ title: "Bench", members: [alice] });
const roomId = String(room.id);
let seq = 0;

function simulate(count: number, withIds: boolean) {
  const first = seq;
  const ids: string[] = [];
  for (let index = 0; index < count; index++) {
    const message = webex.simulateMessage({
      from: alice,
      roomId,
      text: `bench ${seq++} ${epochMs()}`,
      mentions: [webex.bot],
    });
    if (withIds) ids.push(String(message.id));
  }
  return { first, count, ...(withIds ? { ids } : {}) };
}

const control = Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen() {} },
  async (request) => {
    const url = new URL(request.url);
    await request.body?.cancel();
    if (request.method === "POST" && url.pathname === "/simulate") {
      const count = Number(url.searchParams.get("count") ?? 1);
      return Response.json(simulate(count, url.searchParams.has("ids")));
    }
    if (request.method === "POST" && url.pathname === "/settled") {
      await webex.settled();
      const failed = webex.deliveries.filter((delivery) => !delivery.ok);
      const answer = {
        deliveries: webex.deliveryCount(),
        failed: failed.length,
        failures: [...new Set(failed.map((d) => d.error ?? d.status))]
          .slice(0, 5),
        getMessage: webex.requestCount("GET /messages/{id}"),
        postMessage: webex.requestCount("POST /messages"),
      };
      webex.clearDeliveries();
      return Response.json(answer);
    }
    return Response.json({ error: "Not found" }, { status: 404 });
  },
);

console.log(JSON.stringify({
  url: webex.url,
  token: webex.bot.token,
  botId: webex.bot.id,
  roomId,
  userId: alice.id,
  userEmail: alice.emails[0],
  control: `http://127.0.0.1:${control.addr.port}`,
}));

const stopped = Promise.withResolvers<void>();
const stop = () => stopped.resolve();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, stop);
}
stdinClosed().finally(stop);
await stopped.promise;
await control.shutdown();
await webex.close();
Deno.exit(0);

/**
 * Runs a {@linkcode FakeWebex} in a process of its own, so the uploads it
 * keeps in memory do not count in the RSS of the process being measured.
 *
 * Prints one JSON line, `{ "url", "token", "roomId" }`, to stdout once it
 * listens, then serves until stdin closes or it gets SIGTERM or SIGINT.
 *
 * Usage: `deno run -A bench/_fake_webex_server.ts`
 *
 * @module
 */

import { FakeWebex } from "../testing.ts";

const webex = await FakeWebex.start();
const room = webex.addRoom({ title: "Bench" });

const stopped = Promise.withResolvers<void>();
const stop = () => stopped.resolve();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, stop);
}
// Reading stdin to its end tells us when the parent is gone.
(async () => {
  try {
    for await (const _ of Deno.stdin.readable) { /* wait for the end */ }
  } finally {
    stop();
  }
})();

console.log(JSON.stringify({
  url: webex.url,
  token: webex.bot.token,
  roomId: String(room.id),
}));

await stopped.promise;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.removeSignalListener(signal, stop);
}
await webex.close();
Deno.exit(0);

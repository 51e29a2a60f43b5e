/**
 * The webhook signature (`X-Spark-Signature`, the hex HMAC-SHA1 of the raw
 * body) on a 1 KiB delivery, the candidates side by side in one run:
 *
 * - `node:crypto` `createHmac` with a kept `KeyObject`, per delivery;
 * - Web Crypto `crypto.subtle.sign` with a kept `CryptoKey` (async);
 * - WebAssembly: `hash-wasm`'s `createHMAC(createSHA1())`, one kept
 *   instance, `init()` per delivery;
 * - the library's `verifySignature`, which uses the fastest of these.
 *
 * Each candidate also compares the MAC with the header in constant time
 * (`timingSafeEqual`), as the hook route must.
 *
 * Usage: `deno bench -A bench/signature.ts`
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHmac, createSecretKey, timingSafeEqual } from "node:crypto";
import { createHMAC, createSHA1 } from "hash-wasm";
import { verifySignature } from "../spaces/webex/signature.ts";

const SECRET = "bench-signature-secret";
const body = new TextEncoder().encode(
  JSON.stringify({
    id: "Y2lzY29zcGFyazovL3VzL1dFQkhPT0svYmVuY2g",
    name: "shellbot-bench",
    targetUrl: "https://bot.example.com/hook",
    resource: "messages",
    event: "created",
    data: {
      text: "x".repeat(700),
      roomId: "Y2lzY29zcGFyazovL3VzL1JPT00vYmVuY2g",
    },
  }).padEnd(1024, " "),
).slice(0, 1024);
const header = createHmac("sha1", SECRET).update(body).digest("hex");
const expected = Buffer.from(header, "hex");

const keyObject = createSecretKey(new TextEncoder().encode(SECRET));
const cryptoKey = await crypto.subtle.importKey(
  "raw",
  new TextEncoder().encode(SECRET),
  { name: "HMAC", hash: "SHA-1" },
  false,
  ["sign"],
);
const wasm = await createHMAC(createSHA1(), SECRET);

function check(mac: Uint8Array): void {
  if (!timingSafeEqual(mac, expected)) throw new Error("wrong MAC");
}

Deno.bench("node:crypto createHmac, kept KeyObject", { group: "1 KiB" }, () => {
  check(createHmac("sha1", keyObject).update(body).digest());
});

Deno.bench("Web Crypto, kept CryptoKey", { group: "1 KiB" }, async () => {
  check(new Uint8Array(await crypto.subtle.sign("HMAC", cryptoKey, body)));
});

Deno.bench("hash-wasm HMAC-SHA1, kept instance", { group: "1 KiB" }, () => {
  wasm.init();
  wasm.update(body);
  check(wasm.digest("binary"));
});

Deno.bench(
  "verifySignature (the library)",
  { group: "1 KiB", baseline: true },
  async () => {
    if (!await verifySignature(body, header, SECRET)) {
      throw new Error("refused");
    }
  },
);

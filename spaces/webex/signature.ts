/**
 * Webhook signatures: `X-Spark-Signature` is the hex HMAC-SHA1 of the raw
 * request body, keyed with the webhook's secret.
 *
 * @module
 */

import { SignatureError } from "../errors.ts";

const encoder = new TextEncoder();

/** The part of hash-wasm's `IHasher` used here. */
interface Hasher {
  init(): Hasher;
  update(data: Uint8Array): Hasher;
  digest(format: "hex"): string;
}

const ready = new Map<string, Hasher>();
const loading = new Map<string, Promise<Hasher>>();

// A WebAssembly HMAC-SHA1 (hash-wasm), one instance kept per secret: its
// init/update/digest run synchronously, so concurrent deliveries cannot
// interleave on it. Side by side on a 1 KiB body (bench/signature.ts) it
// beats node:crypto's createHmac, whose Hmac is a stream object built per
// call, and Web Crypto, whose async round trip costs more than the hash.
// Loaded on the first delivery, so a bot that never checks a signature
// never loads it.
function hasherFor(secret: string): Hasher | Promise<Hasher> {
  const hasher = ready.get(secret);
  if (hasher) return hasher;
  let pending = loading.get(secret);
  if (!pending) {
    pending = import("hash-wasm").then(async ({ createHMAC, createSHA1 }) => {
      const made = await createHMAC(createSHA1(), secret) as Hasher;
      // A handful of secrets at most: one per webhook of this process.
      if (ready.size >= 16) ready.clear();
      ready.set(secret, made);
      return made;
    }).finally(() => loading.delete(secret));
    loading.set(secret, pending);
  }
  return pending;
}

async function hmacHex(body: Uint8Array, secret: string): Promise<string> {
  const hasher = await hasherFor(secret);
  // No await from init to digest: the instance is this delivery's alone.
  hasher.init();
  hasher.update(body);
  return hasher.digest("hex");
}

// Every character is compared, whatever the first difference: the time
// does not tell how much of a forged signature was right.
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) {
    difference |= a.charCodeAt(index) ^ b.charCodeAt(index);
  }
  return difference === 0;
}

/**
 * Signs a body as Webex does, for a fake or a test.
 *
 * @param body The raw bytes (or text) of the delivery.
 * @param secret The webhook's secret.
 * @returns The lowercase hex HMAC-SHA1.
 */
export function signBody(
  body: Uint8Array | string,
  secret: string,
): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  return hmacHex(bytes, secret);
}

/**
 * Checks `X-Spark-Signature` over the raw bytes of a delivery. The MACs
 * are compared in constant time.
 *
 * @param body The raw bytes of the request body, as received.
 * @param signature The header's value, or null when it is missing.
 * @param secret The webhook's secret.
 * @returns True when the signature is right.
 *
 * @example Verify a delivery
 * ```ts
 * import { createHmac } from "node:crypto";
 * import { verifySignature } from "@shellbot/spaces";
 *
 * const body = new TextEncoder().encode('{"id":"1"}');
 * // What Webex sends in X-Spark-Signature: the hex HMAC-SHA1 of the raw body.
 * const signature = createHmac("sha1", "secret").update(body).digest("hex");
 * console.log(await verifySignature(body, signature, "secret")); // true
 * console.log(await verifySignature(body, signature, "other")); // false
 * ```
 */
export async function verifySignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secret: string,
): Promise<boolean> {
  const text = signature?.trim() ?? "";
  if (!isSha1Hex(text)) return false;
  return sameHex(await hmacHex(body, secret), text.toLowerCase());
}

/**
 * Checks `X-Spark-Signature` over the raw bytes of a delivery, as
 * {@linkcode verifySignature} does, and throws when it fails, saying what
 * was wrong: the header missing, not an HMAC-SHA1 at all, or not matching.
 * Neither the secret nor the signature is put in the message.
 *
 * @param body The raw bytes of the request body, as received.
 * @param signature The header's value, or null when it is missing.
 * @param secret The webhook's secret.
 * @throws {SignatureError} When the signature is missing or wrong.
 *
 * @example Refuse a delivery in your own route
 * ```ts
 * import { createHmac } from "node:crypto";
 * import { assertSignature, SignatureError } from "@shellbot/spaces";
 *
 * const body = new TextEncoder().encode('{"id":"1"}');
 * const signature = createHmac("sha1", "secret").update(body).digest("hex");
 * await assertSignature(body, signature, "secret"); // passes
 * try {
 *   await assertSignature(body, null, "secret");
 * } catch (error) {
 *   if (error instanceof SignatureError) console.log(error.message);
 * }
 * ```
 */
export async function assertSignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secret: string,
): Promise<void> {
  const text = signature?.trim() ?? "";
  if (text === "") {
    throw new SignatureError(
      "The X-Spark-Signature header is missing: Webex signs every delivery of a webhook that has a secret, so this one did not come from that webhook",
    );
  }
  if (!isSha1Hex(text)) {
    throw new SignatureError(
      `The X-Spark-Signature header is not an HMAC-SHA1 in hex (40 hex digits; it has ${text.length} characters)`,
    );
  }
  if (!await verifySignature(body, text, secret)) {
    throw new SignatureError(
      "The X-Spark-Signature header does not match the body: check that the secret is the webhook's, and that the raw bytes of the body are checked, not a re-serialised copy",
    );
  }
}

// SHA-1 gives 20 bytes, 40 hex digits; anything else cannot match.
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

function isSha1Hex(text: string): boolean {
  return SHA1_HEX.test(text);
}

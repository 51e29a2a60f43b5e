/**
 * Webhook signatures: `X-Spark-Signature` is the hex HMAC-SHA1 of the raw
 * request body, keyed with the webhook's secret.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import {
  createHmac,
  createSecretKey,
  type KeyObject,
  timingSafeEqual,
} from "node:crypto";
import { SignatureError } from "../errors.ts";

const encoder = new TextEncoder();
const keys = new Map<string, KeyObject>();

// node:crypto rather than crypto.subtle: the same HMAC, computed without an
// async round trip, is five times faster (10 µs against 55 µs for a 1 KB
// delivery), and the signature check is the hook route's largest cost. The
// key object is kept, so the secret is not encoded again on every delivery.
function hmac(body: Uint8Array, secret: string): Buffer {
  let key = keys.get(secret);
  if (!key) {
    // A handful of secrets at most: one per webhook of this process.
    if (keys.size >= 16) keys.clear();
    key = createSecretKey(encoder.encode(secret));
    keys.set(secret, key);
  }
  return createHmac("sha1", key).update(body).digest();
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
  return Promise.resolve(hmac(bytes, secret).toString("hex"));
}

/**
 * Checks `X-Spark-Signature` over the raw bytes of a delivery. The MACs
 * are compared with `timingSafeEqual`, in constant time.
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
export function verifySignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secret: string,
): Promise<boolean> {
  const mac = parseHex(signature?.trim() ?? "");
  if (!mac) return Promise.resolve(false);
  // Same length (20 bytes) by then, as timingSafeEqual requires.
  return Promise.resolve(timingSafeEqual(hmac(body, secret), mac));
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
  if (parseHex(text) === undefined) {
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

// SHA-1 gives 20 bytes, 40 hex digits; anything else cannot match. The
// pattern comes first: Buffer.from stops quietly at the first non-hex digit.
function parseHex(text: string): Uint8Array | undefined {
  return /^[0-9a-fA-F]{40}$/.test(text) ? Buffer.from(text, "hex") : undefined;
}

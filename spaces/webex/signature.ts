/**
 * Webhook signatures: `X-Spark-Signature` is the hex HMAC-SHA1 of the raw
 * request body, keyed with the webhook's secret.
 *
 * @module
 */

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function keyFor(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-1" },
      false,
      ["sign", "verify"],
    );
    // A handful of secrets at most: one per webhook of this process.
    if (keys.size > 64) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/**
 * Signs a body as Webex does, for a fake or a test.
 *
 * @param body The raw bytes (or text) of the delivery.
 * @param secret The webhook's secret.
 * @returns The lowercase hex HMAC-SHA1.
 *
 * @example Sign a delivery
 * ```ts
 * import { signBody } from "@shellbot/spaces";
 *
 * const signature = await signBody('{"id":"1"}', "secret");
 * console.log(signature.length); // 40
 * ```
 */
export async function signBody(
  body: Uint8Array | string,
  secret: string,
): Promise<string> {
  const bytes = typeof body === "string" ? encoder.encode(body) : body;
  const mac = await crypto.subtle.sign(
    "HMAC",
    await keyFor(secret),
    bytes as Uint8Array<ArrayBuffer>,
  );
  return [...new Uint8Array(mac)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
}

/**
 * Checks `X-Spark-Signature` over the raw bytes of a delivery. The
 * comparison is done by Web Crypto's `verify`, in constant time.
 *
 * @param body The raw bytes of the request body, as received.
 * @param signature The header's value, or null when it is missing.
 * @param secret The webhook's secret.
 * @returns True when the signature is right.
 *
 * @example Verify a delivery
 * ```ts
 * import { signBody, verifySignature } from "@shellbot/spaces";
 *
 * const body = new TextEncoder().encode('{"id":"1"}');
 * const signature = await signBody(body, "secret");
 * console.log(await verifySignature(body, signature, "secret")); // true
 * console.log(await verifySignature(body, signature, "other")); // false
 * ```
 */
export async function verifySignature(
  body: Uint8Array,
  signature: string | null | undefined,
  secret: string,
): Promise<boolean> {
  const mac = parseHex(signature?.trim() ?? "");
  if (!mac) return false;
  return await crypto.subtle.verify(
    "HMAC",
    await keyFor(secret),
    mac,
    body as Uint8Array<ArrayBuffer>,
  );
}

// SHA-1 gives 20 bytes; anything else cannot match.
function parseHex(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[0-9a-fA-F]{40}$/.test(text)) return undefined;
  const bytes = new Uint8Array(20);
  for (let index = 0; index < 20; index++) {
    bytes[index] = parseInt(text.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/**
 * How the fake signs a webhook delivery: `X-Spark-Signature` is the
 * lowercase hex HMAC-SHA1 of the raw body, keyed with the webhook's secret
 * (`../shared/webex/FACTS.md`).
 *
 * Written with Web Crypto on purpose, apart from the client's verifier:
 * the tests check one against the other.
 *
 * @module
 */

const encoder = new TextEncoder();

/** Signs delivery bodies, keeping one imported key per secret. */
export class Signer {
  #keys = new Map<string, Promise<CryptoKey>>();

  /** The hex HMAC-SHA1 of the UTF-8 bytes of `body`, as sent on the wire. */
  async sign(body: string, secret: string): Promise<string> {
    let key = this.#keys.get(secret);
    if (!key) {
      key = crypto.subtle.importKey(
        "raw",
        encoder.encode(secret),
        { name: "HMAC", hash: "SHA-1" },
        false,
        ["sign"],
      );
      this.#keys.set(secret, key);
    }
    const mac = await crypto.subtle.sign(
      "HMAC",
      await key,
      encoder.encode(body),
    );
    return Array.from(
      new Uint8Array(mac),
      (byte) => byte.toString(16).padStart(2, "0"),
    ).join("");
  }
}

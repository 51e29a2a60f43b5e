/**
 * Signatures and payloads for the hook-route fuzz test: right and wrong
 * signatures, membership deliveries, and random mutations of a delivery.
 *
 * @module
 */

import { signBody } from "../spaces/webex/signature.ts";
import { fakeWebexId as webexId } from "../testing.ts";
import type { Rng } from "./_fuzz.ts";

// Test secrets start with "test-secret-" so CI can scan the output for them.
/** The webhook secret of the fuzzed space. */
export const SECRET = "test-secret-fuzz-hook";

/** Ways to get a signature wrong, from the right one. */
export function badSignature(
  rng: Rng,
  right: string,
  body: string,
): Promise<string> {
  const flip = rng.int(40);
  const variants: (() => string | Promise<string>)[] = [
    () => "",
    () => right.slice(0, 39),
    () => right.slice(0, rng.int(40)),
    () => right + "0",
    () =>
      right.slice(0, flip) + (right[flip] === "0" ? "1" : "0") +
      right.slice(flip + 1),
    () => signBody(body, "test-secret-other"),
    () => signBody(body + " ", SECRET),
    () => `sha1=${right}`,
    () => rng.chars(40, "0123456789abcdef"),
    () => rng.chars(40, "0123456789ABCDEF"),
    () => rng.chars(1 + rng.int(80), "ghijklmnop!#$%&*+-.^_|~ "),
    () => `${right}, ${right}`,
    () => SECRET,
    () => right.replace(/[0-9a-f]/, "g"),
  ];
  return Promise.resolve(rng.pick(variants)());
}

/** A right signature, sometimes in uppercase hex: the same 20 bytes. */
export async function goodSignature(rng: Rng, body: string): Promise<string> {
  const right = await signBody(body, SECRET);
  return rng.chance(0.1) ? right.toUpperCase() : right;
}

/** A membership delivery for person `personId` in room `roomId`. */
export function membershipPayload(
  id: string,
  roomId: string,
  personId: string,
) {
  return {
    id: "WEBHOOK",
    name: "shellbot-memberships",
    resource: "memberships",
    event: "created",
    data: {
      id,
      roomId,
      personId,
      personEmail: "someone@acme.com",
      created: "2024-01-01T00:00:00.000Z",
    },
  };
}

/** The `data.id` a signed body names, which may end up on ears. */
export function dataId(text: string): string | undefined {
  try {
    const id = JSON.parse(text)?.data?.id;
    return typeof id === "string" ? id : undefined;
  } catch {
    return undefined;
  }
}

/** A well-formed message id that names no message, padded or not. */
export function unknownMessageId(rng: Rng): string {
  const id = webexId("MESSAGE", crypto.randomUUID());
  return rng.chance(0.5) ? id.replace(/=+$/, "") : id;
}

/** Sets or deletes one field of a delivery to a random JSON value. */
export function mutate(rng: Rng, payload: Record<string, unknown>): void {
  const data = payload.data;
  const nested = typeof data === "object" && data !== null &&
      !Array.isArray(data)
    ? data as Record<string, unknown>
    : payload;
  const [target, key] = rng.pick([
    [payload, "resource"],
    [payload, "event"],
    [payload, "data"],
    [payload, "name"],
    [payload, "id"],
    [nested, "id"],
    [nested, "roomId"],
    [nested, "personId"],
    [nested, "personEmail"],
    [nested, "created"],
    [nested, rng.string()],
  ] as [Record<string, unknown>, string][]);
  if (rng.chance(0.15)) delete target[key];
  // defineProperty, so that "__proto__" becomes a key like any other.
  else {
    Object.defineProperty(target, key, {
      value: rng.json(3),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

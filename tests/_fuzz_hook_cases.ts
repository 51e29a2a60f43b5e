/**
 * The cases of the hook-route fuzz test: kinds of request with their
 * weights, and one request per kind with the statuses it may get.
 *
 * @module
 */

import { signBody } from "../spaces/webex/signature.ts";
import { deepJson, type Rng } from "./_fuzz.ts";
import {
  badSignature,
  dataId,
  goodSignature,
  membershipPayload,
  mutate,
  SECRET,
  unknownMessageId,
} from "./_fuzz_hook_payloads.ts";
import { messageDelivery } from "./_webex.ts";

/** The largest delivery the hook route takes, in bytes. */
export const LIMIT = 65_536;

/** Kinds of request, with their weights in the mix. */
export const KINDS = {
  valid: 4,
  duplicate: 2,
  membership: 3,
  own: 1,
  unknownId: 6,
  badSignature: 20,
  invalidJson: 12,
  wrongTypes: 24,
  deep: 4,
  huge: 0.4,
  chunked: 0.3,
  unknownResource: 8,
  route: 3,
} as const;
/** A kind of request. */
export type Kind = keyof typeof KINDS;

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "text/html",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
  "",
  undefined,
];

/** One generated request, and the statuses it may get. */
export interface Case {
  kind: Kind;
  method: string;
  path: string;
  headers: Headers;
  body?: BodyInit;
  accept: number[];
  /** Set for a validly signed delivery: what it may enqueue. */
  signedId?: string;
}

/** Draws a kind by weight. */
export function pickKind(rng: Rng): Kind {
  const total = Object.values(KINDS).reduce((sum, weight) => sum + weight, 0);
  let draw = rng.next() * total;
  for (const [kind, weight] of Object.entries(KINDS)) {
    draw -= weight;
    if (draw < 0) return kind as Kind;
  }
  return "wrongTypes";
}

/** The world the cases refer to: real messages, decoys, the bot. */
export interface World {
  valid: Record<string, unknown>[];
  decoys: Record<string, unknown>[];
  roomId: string;
  aliceId: string;
  botId: string;
}

/** Builds the request of case `index`, of the given kind. */
export async function buildCase(
  rng: Rng,
  kind: Kind,
  index: number,
  world: World,
  validIndex: number,
): Promise<Case> {
  const headers = new Headers();
  const contentType = rng.pick(CONTENT_TYPES);
  if (contentType !== undefined) headers.set("content-type", contentType);
  const post = (body: BodyInit, accept: number[], signedId?: string): Case => ({
    kind,
    method: "POST",
    path: "/hook",
    headers,
    body,
    accept,
    signedId,
  });
  const signed = async (text: string, accept: number[], id?: string) => {
    headers.set("x-spark-signature", await goodSignature(rng, text));
    return post(text, accept, id ?? dataId(text) ?? "");
  };
  const decoy = rng.pick(world.decoys);
  switch (kind) {
    case "valid":
    case "duplicate": {
      const message = kind === "valid"
        ? world.valid[validIndex]
        : rng.pick(world.valid);
      const payload = messageDelivery(message);
      if (rng.chance(0.3)) {
        payload.data.id = String(message.id).replace(/=+$/, "");
      }
      return await signed(JSON.stringify(payload), [200], String(message.id));
    }
    case "membership": {
      const payload = membershipPayload(
        `membership-${index}`,
        world.roomId,
        world.aliceId,
      );
      return await signed(JSON.stringify(payload), [200], payload.data.id);
    }
    case "own": {
      const payload = messageDelivery({ ...decoy, personId: world.botId });
      return await signed(JSON.stringify(payload), [200]);
    }
    case "unknownId": {
      const payload = messageDelivery(decoy);
      payload.data.id = rng.chance(0.8) ? unknownMessageId(rng) : rng.string();
      const text = JSON.stringify(payload);
      if (rng.chance(0.3)) return post(text, [401]);
      // A random string may be refused as no Webex id (400), or looked up
      // and not found (200); it may never be a 5xx.
      return await signed(text, payload.data.id === "" ? [400] : [200, 400]);
    }
    case "badSignature": {
      const payload = rng.chance(0.6)
        ? messageDelivery(decoy)
        : membershipPayload(`decoy-membership-${index}`, world.roomId, "p");
      const text = JSON.stringify(payload);
      if (rng.chance(0.15)) return post(text, [401]);
      const right = await signBody(text, SECRET);
      headers.set("x-spark-signature", await badSignature(rng, right, text));
      return post(text, [401]);
    }
    case "invalidJson": {
      const valid = JSON.stringify(messageDelivery(decoy));
      const text = rng.pick([
        () => valid.slice(0, rng.int(valid.length)),
        () => valid + rng.pick(["}", ",", "x", "]"]),
        () => valid.replace(":", ""),
        () => rng.nasty(),
        () => "{",
        () => "",
        () => "undefined",
        () => "{'resource':'messages'}",
        () => '{"a":1,}',
        () => "NaN",
      ])();
      if (rng.chance(0.3)) return post(text, [401]);
      return await signed(text, [400]);
    }
    case "wrongTypes": {
      const payload: Record<string, unknown> = rng.chance(0.5)
        ? messageDelivery({ ...decoy, id: unknownMessageId(rng) })
        : membershipPayload(`typed-${index}`, world.roomId, "p");
      for (let round = 1 + rng.int(3); round > 0; round--) {
        mutate(rng, payload);
      }
      const text = JSON.stringify(payload);
      if (rng.chance(0.2)) return post(text, [401]);
      return await signed(text, [200, 400]);
    }
    case "deep": {
      // Up to 10,000 levels fit the default 64 KiB limit, so they reach the
      // parser; deeper ones are refused unread.
      const levels = rng.pick([1_000, 5_000, 10_000, 100_000]);
      const deep = deepJson(levels, rng.chance(0.5) ? "array" : "object");
      const where = rng.int(3);
      const text = where === 0
        ? deep
        : where === 1
        ? `{"resource":"memberships","event":"created","data":{"id":"deep-${index}","roomId":"r","personId":"p","x":${deep}}}`
        : `{"resource":"messages","event":"created","data":{"id":"${
          unknownMessageId(rng)
        }","x":${deep}}}`;
      if (text.length > LIMIT) return post(text, [413]);
      if (rng.chance(0.3)) return post(text, [401]);
      return await signed(text, where === 0 ? [400] : [200]);
    }
    case "huge": {
      const size = rng.pick([
        LIMIT,
        LIMIT + 1,
        LIMIT - 1,
        LIMIT + rng.int(4096),
        LIMIT - rng.int(4096),
        LIMIT * 2,
        LIMIT >> 1,
      ]);
      const field = rng.pick(["pad", "resource", "id"]);
      const head = field === "resource"
        ? `{"event":"created","data":{"id":"x"},"resource":"`
        : field === "id"
        ? `{"resource":"messages","event":"created","data":{"id":"`
        : `{"resource":"messages","event":"created","data":{"id":"${
          unknownMessageId(rng)
        }","pad":"`;
      const tail = field === "resource" ? `"}` : `"}}`;
      const fill = Math.max(0, size - head.length - tail.length);
      const text = head + "x".repeat(fill) + tail;
      if (text.length > LIMIT) return post(text, [413]);
      if (rng.chance(0.4)) return post(text, [401]);
      return await signed(text, field === "id" ? [200, 400] : [200]);
    }
    case "chunked": {
      const size = rng.pick([LIMIT + 1, LIMIT * 2, 4096]);
      const chunk = new TextEncoder().encode("z".repeat(65_536));
      let left = size;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (left <= 0) return controller.close();
          const piece = chunk.subarray(0, Math.min(left, chunk.length));
          left -= piece.length;
          controller.enqueue(piece);
        },
      });
      return post(body, size > LIMIT ? [413] : [401]);
    }
    case "unknownResource": {
      let resource: string, event: string;
      do {
        resource = rng.pick([
          "rooms",
          "attachmentActions",
          "meetings",
          "messages",
          "memberships",
          rng.string(),
        ]);
        event = rng.pick(["created", "updated", "deleted", rng.string()]);
      } while (
        // Handled deliveries: what remains must be acknowledged and dropped.
        (resource === "messages" &&
          (event === "created" || event === "deleted")) ||
        (resource === "attachmentActions" && event === "created") ||
        (resource === "memberships" &&
          (event === "created" || event === "deleted"))
      );
      const payload = { resource, event, data: { id: `other-${index}` } };
      return await signed(JSON.stringify(payload), [200]);
    }
    case "route": {
      // Unsigned, so that nothing may be enqueued whatever the route does.
      const [method, path] = rng.pick([
        ["GET", "/hook"],
        ["PUT", "/hook"],
        ["DELETE", "/hook"],
        ["PATCH", "/hook"],
        ["OPTIONS", "/hook"],
        ["POST", "/hook/"],
        ["POST", "/HOOK"],
        ["POST", "/health"],
        ["POST", "/"],
        ["POST", "/%68ook"],
        ["POST", "/hook?x=1"],
        ["GET", `/${rng.chars(8, "abc%/.")}`],
      ]);
      const hasBody = method !== "GET";
      return {
        kind,
        method,
        path,
        headers,
        body: hasBody ? JSON.stringify(messageDelivery(decoy)) : undefined,
        accept: [401, 404, 405],
      };
    }
  }
}

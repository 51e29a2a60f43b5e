import { isPermanentRefusal } from "../retry.ts";
import { messageOf } from "../_objects.ts";
import type { EventSink } from "../queue.ts";
import type {
  WebexMembership,
  WebexMessage,
  WebexWebhookEnvelope,
} from "./api/types.ts";
import type { WebexDelivery } from "./delivery.ts";
import { parseWebexId, uuidOf, type WebexIdParts } from "./ids.ts";
import { membershipEvent } from "./normalise.ts";
import {
  actionKey,
  deletedKey,
  handleAction,
  handleDeleted,
} from "./_inbound_events.ts";
import {
  AUDIT_HOOK,
  handleMessageId,
  messageKey,
  once,
  type Outcome,
  type PipelineDeps,
} from "./_pipeline.ts";
import { verifySignature } from "./signature.ts";
import { isReplay, limitedLog, shrink } from "./_inbound_guards.ts";

/** What the webhook path needs from its space. */
export interface InboundDeps extends PipelineDeps {
  secret?: string;
  /** Refuse unsigned deliveries (503 without a secret) rather than take them. */
  requireSignature?: boolean;
  /** Milliseconds after `data.created` past which a delivery is a replay. */
  replayWindow?: number;
  /** Where accepted deliveries go to be processed later; inline when absent. */
  inbox?: EventSink<WebexDelivery>;
  /** Moves the polling cursors past a message handled here. */
  noteHandled?(message: WebexMessage): Promise<void>;
  /** True when a message of the room at that time is long behind its cursor. */
  isBehind?(roomId: string, stamp: number): Promise<boolean>;
}

// A plain string body with a fixed header is cheaper than Response.json on
// the hot path of the hook route, and the answers that never change are
// strings made once.
const JSON_HEADERS = { "content-type": "application/json" };
const decoder = new TextDecoder();
const answer = (status: number, body: string): Response =>
  new Response(body, { status, headers: JSON_HEADERS });
const json = (body: Record<string, string>): string => JSON.stringify(body);
const UNREADABLE = json({ error: "Could not read the request body" });
const BAD_SIGNATURE = json({ error: "Invalid or missing X-Spark-Signature" });
const NO_SECRET = json({ error: "The server has no webhook secret" });
const NOT_POST = json({ error: "Webhook deliveries are POST requests" });
const NOT_JSON = json({ error: "The body is not JSON" });
const IGNORED = json({ status: "ignored" });
const OWN_MESSAGE = json({ status: "ignored", reason: "own message" });
const REPLAY = json({ status: "ignored", reason: "replay" });
const ACCEPTED = json({ status: "accepted" });
const QUEUE_BUSY = json({ error: "Busy: deliver it again later" });
const NOT_NOW = json({
  error: "Could not process the event now; deliver it again later",
});
const OUTCOMES: Record<Outcome, string> = {
  queued: json({ status: "queued" }),
  ignored: json({ status: "ignored" }),
  duplicate: json({ status: "duplicate" }),
};

/**
 * Checks a request's signature before anything else is done for it: the
 * same request, its body read once, when it is signed (or when no secret is
 * set, which the full check refuses or allows later); else a 401 answer.
 */
export async function checkedBeforeConnect(
  request: Request,
  secret: string | undefined,
): Promise<Request | Response> {
  if (!secret || request.method !== "POST") return request;
  let body: Uint8Array<ArrayBuffer>;
  try {
    body = new Uint8Array(await request.arrayBuffer());
  } catch {
    return answer(400, UNREADABLE);
  }
  const signature = request.headers.get("x-spark-signature");
  const refused = await signedBeforeConnect(body, signature, secret);
  if (refused) return refused;
  return new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body,
  });
}

/**
 * The check of {@linkcode checkedBeforeConnect} on a body already read:
 * a 401 answer when it is not signed with the secret, else undefined.
 */
export async function signedBeforeConnect(
  body: Uint8Array,
  signature: string | null,
  secret: string | undefined,
): Promise<Response | undefined> {
  if (!secret || await verifySignature(body, signature, secret)) {
    return undefined;
  }
  return answer(401, BAD_SIGNATURE);
}

/**
 * Receives one delivery: signature over the raw bytes, defensive parsing,
 * and the bot's own messages dropped; then the delivery goes to the inbox,
 * or is processed at once. Bad input gets a 4xx and a log line, never an
 * exception.
 */
export async function receiveDelivery(
  deps: InboundDeps,
  input: Request | Record<string, unknown>,
): Promise<Response> {
  if (deps.requireSignature && !deps.secret) {
    await (input instanceof Request ? input.body?.cancel() : undefined);
    return refuseUnsigned(deps);
  }
  if (!(input instanceof Request)) return await accept(deps, input);
  if (input.method !== "POST") return answer(405, NOT_POST);
  let body: Uint8Array;
  try {
    body = new Uint8Array(await input.arrayBuffer());
  } catch {
    return answer(400, UNREADABLE);
  }
  return await receiveBody(
    deps,
    body,
    input.headers.get("x-spark-signature"),
  );
}

/**
 * Receives one delivery whose body was read already (the hook route's
 * intake reads it under its limits), as {@linkcode receiveDelivery} does a
 * POST request with that body and that `X-Spark-Signature`.
 */
export async function receiveBody(
  deps: InboundDeps,
  body: Uint8Array,
  signature: string | null,
): Promise<Response> {
  if (deps.requireSignature && !deps.secret) return refuseUnsigned(deps);
  // Refusals are logged at debug: anyone can send them, so the hook route
  // counts them and logs the counts at most once per interval.
  if (deps.secret && !await verifySignature(body, signature, deps.secret)) {
    deps.logger.debug(
      `Refused a webhook delivery: ${
        signature ? "wrong" : "missing"
      } X-Spark-Signature`,
    );
    return answer(401, BAD_SIGNATURE);
  }
  let item: unknown;
  try {
    item = JSON.parse(decoder.decode(body));
  } catch {
    deps.logger.debug("Refused a webhook delivery: the body is not JSON");
    return answer(400, NOT_JSON);
  }
  return await accept(deps, item);
}

function refuseUnsigned(deps: InboundDeps): Response {
  limitedLog(
    deps,
    "error",
    "unsigned",
    () =>
      "Refused webhook deliveries: no webhook secret is set, and unsigned deliveries are never taken",
  );
  return answer(503, NO_SECRET);
}

/** A delivery's JSON, checked and dropped, queued or processed. */
async function accept(deps: InboundDeps, item: unknown): Promise<Response> {
  const delivery = parseDelivery(item);
  if (typeof delivery === "string") {
    deps.logger.debug(`Refused a webhook delivery: ${delivery}`);
    return answer(400, json({ error: delivery }));
  }
  if (delivery === undefined) return answer(200, IGNORED);
  if (isOwnMessage(deps, delivery)) return answer(200, OWN_MESSAGE);
  if (await isReplay(deps, delivery)) return answer(200, REPLAY);
  if (deps.inbox) {
    try {
      await deps.inbox.put(delivery);
    } catch (error) {
      // Webex delivers again later, and catch-up brings the messages.
      limitedLog(
        deps,
        "warn",
        "queue",
        () =>
          `Answered 503 to a webhook delivery: could not queue it: ${
            messageOf(error)
          }`,
      );
      return new Response(QUEUE_BUSY, {
        status: 503,
        headers: { ...JSON_HEADERS, "retry-after": "10" },
      });
    }
    return answer(200, ACCEPTED);
  }
  let outcome: Outcome;
  try {
    outcome = await processDelivery(deps, delivery);
  } catch {
    return answer(503, NOT_NOW);
  }
  return answer(200, OUTCOMES[outcome] ?? json({ status: outcome }));
}

/**
 * Processes an accepted delivery once: a message through the message
 * pipeline (claim, fetch, name the attachment, put, complete); a membership
 * change, a card action (fetched) and a deletion with the same claim and
 * completion. A failure releases the claim
 * and is thrown, so that a queue or Webex can deliver it again.
 */
export async function processDelivery(
  deps: InboundDeps,
  delivery: WebexDelivery,
): Promise<Outcome> {
  if (delivery.resource === "attachmentActions") {
    return await handleAction(deps, delivery, isPermanentRefusal);
  }
  if (delivery.resource === "messages" && delivery.event === "deleted") {
    return await handleDeleted(deps, delivery);
  }
  if (delivery.resource === "messages") {
    return await handleMessageId(deps, {
      id: delivery.data.id,
      hook: delivery.hook,
      // The inbound 4xx rule: a refusal will not change on a redelivery.
      isRefusal: isPermanentRefusal,
      noteHandled: deps.noteHandled,
    });
  }
  return await once(
    deps,
    membershipKey(delivery),
    delivery.resource,
    () => processMembership(deps, delivery),
  );
}

/** Checks the shape; `undefined` for a resource or event not handled here. */
function parseDelivery(item: unknown): WebexDelivery | string | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return "the body is not a JSON object";
  }
  const { resource, event, data, name } = item as Partial<
    WebexWebhookEnvelope<unknown>
  >;
  if (typeof resource !== "string" || typeof event !== "string") {
    return "'resource' and 'event' must be strings";
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return "'data' must be an object";
  }
  const fields = shrink(data as Record<string, unknown>);
  if (!isIdLike(fields.id)) return "'data.id' must be a Webex id";
  const hook = typeof name === "string" ? name : "";
  if (
    (resource === "messages" || resource === "attachmentActions") &&
    event === "created"
  ) {
    return { resource, event, hook, data: fields as WebexDelivery["data"] };
  }
  if (resource === "messages" && event === "deleted") {
    if (!isIdLike(fields.roomId)) return "'data.roomId' must be a Webex id";
    return { resource, event, hook, data: fields as WebexDelivery["data"] };
  }
  if (
    resource === "memberships" && (event === "created" || event === "deleted")
  ) {
    if (!isIdLike(fields.roomId) || !isIdLike(fields.personId)) {
      return "'data.roomId' and 'data.personId' must be Webex ids";
    }
    return { resource, event, hook, data: fields as WebexDelivery["data"] };
  }
  return undefined;
}

// Webex ids are base64 (or base64url) of a short URI: anything else is not
// worth a request, and would only come back as an error.
const ID_PATTERN = /^[A-Za-z0-9+/_=-]{1,512}$/;

function isIdLike(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

function isOwnMessage(deps: InboundDeps, delivery: WebexDelivery): boolean {
  const { botId } = deps;
  const { personId } = delivery.data;
  if (
    delivery.resource !== "messages" || delivery.hook === AUDIT_HOOK ||
    botId === undefined || typeof personId !== "string"
  ) {
    return false;
  }
  if (personId === botId) return true;
  // As sameWebexId, with the bot's id decoded once, and the answer kept for
  // the senders seen lately (a few people talk to a bot, again and again).
  let bot = botIdentities.get(deps);
  if (bot?.id !== botId) {
    bot = { id: botId, parts: parseWebexId(botId), senders: new Map() };
    botIdentities.set(deps, bot);
  }
  const known = bot.senders.get(personId);
  if (known !== undefined) return known;
  const person = parseWebexId(personId);
  const own = bot.parts !== undefined && person !== undefined &&
    person.uuid === bot.parts.uuid && person.type === bot.parts.type;
  if (bot.senders.size >= 256) bot.senders.clear();
  bot.senders.set(personId, own);
  return own;
}

const botIdentities = new WeakMap<InboundDeps, {
  id: string;
  parts: WebexIdParts | undefined;
  senders: Map<string, boolean>;
}>();

async function processMembership(
  deps: InboundDeps,
  delivery: WebexDelivery,
): Promise<Outcome> {
  const change = membershipEvent(
    delivery.data as WebexMembership,
    delivery.event === "created" ? "join" : "leave",
  );
  if (delivery.hook) change.hook = delivery.hook;
  await deps.ears.put(change);
  return "queued";
}

/**
 * The dedupe key that processing `delivery` claims: a queue may claim it
 * beforehand, with the delivery's own claim (one write for both).
 */
export function deliveryKey(delivery: WebexDelivery): string {
  if (delivery.resource === "attachmentActions") {
    return actionKey(delivery.data.id);
  }
  if (delivery.resource === "messages") {
    return delivery.event === "deleted"
      ? deletedKey(delivery.data.id)
      : messageKey(delivery.data.id, delivery.hook);
  }
  return membershipKey(delivery);
}

/** One key per membership change: padded and unpadded ids are the same event. */
function membershipKey(delivery: WebexDelivery): string {
  const id = uuidOf(delivery.data.id) ?? delivery.data.id;
  return `membership:${delivery.event}:${id}:${
    String(delivery.data.created ?? "")
  }`;
}

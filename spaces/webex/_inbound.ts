import type { DedupeStore } from "../dedupe.ts";
import { ApiError } from "../errors.ts";
import type { Message, SpaceEvent } from "../events.ts";
import type { Logger } from "../log.ts";
import type { EventSink } from "../queue.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId, uuidOf } from "./ids.ts";
import { membershipEvent, messageFromWebex } from "./normalise.ts";
import { verifySignature } from "./signature.ts";

type Json = Record<string, unknown>;

/** What the webhook path needs from its space. */
export interface InboundDeps {
  secret?: string;
  botId?: string;
  client: WebexClient;
  auditClient?: WebexClient;
  ears: EventSink<SpaceEvent>;
  fan: EventSink<SpaceEvent>;
  dedupe: DedupeStore;
  logger: Logger;
  /** Fills `attachment` with the file's name; never throws. */
  nameAttachment(message: Message, client: WebexClient): Promise<void>;
}

/** Name of the webhook that feeds `fan` with the audit token. */
export const AUDIT_HOOK = "shellbot-audit";

const answer = (status: number, body: Json): Response =>
  Response.json(body, { status });

/**
 * Processes one delivery: signature over the raw bytes, defensive parsing,
 * dedupe, self-echo drop, message fetch, and the event put on its queue.
 * Bad input gets a 4xx and a log line, never an exception.
 */
export async function receiveDelivery(
  deps: InboundDeps,
  input: Request | Json,
): Promise<Response> {
  let item: unknown;
  if (input instanceof Request) {
    if (input.method !== "POST") {
      return answer(405, { error: "Webhook deliveries are POST requests" });
    }
    let body: Uint8Array;
    try {
      body = new Uint8Array(await input.arrayBuffer());
    } catch {
      return answer(400, { error: "Could not read the request body" });
    }
    if (deps.secret) {
      const signature = input.headers.get("x-spark-signature");
      if (!await verifySignature(body, signature, deps.secret)) {
        deps.logger.warn(
          `Refused a webhook delivery: ${
            signature ? "wrong" : "missing"
          } X-Spark-Signature`,
        );
        return answer(401, { error: "Invalid or missing X-Spark-Signature" });
      }
    }
    try {
      item = JSON.parse(new TextDecoder().decode(body));
    } catch {
      deps.logger.warn("Refused a webhook delivery: the body is not JSON");
      return answer(400, { error: "The body is not JSON" });
    }
  } else {
    item = input;
  }
  const delivery = parseDelivery(item);
  if (typeof delivery === "string") {
    deps.logger.warn(`Refused a webhook delivery: ${delivery}`);
    return answer(400, { error: delivery });
  }
  const { resource, event, data, name } = delivery;
  if (resource === "messages" && event === "created") {
    return await receiveMessage(deps, data, name);
  }
  if (
    resource === "memberships" && (event === "created" || event === "deleted")
  ) {
    return await receiveMembership(deps, data, name, event);
  }
  deps.logger.info(`Ignored a webhook delivery for ${resource}/${event}`);
  return answer(200, { status: "ignored" });
}

interface Delivery {
  resource: string;
  event: string;
  name: string;
  data: Json & { id: string };
}

function parseDelivery(item: unknown): Delivery | string {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    return "the body is not a JSON object";
  }
  const { resource, event, data, name } = item as Json;
  if (typeof resource !== "string" || typeof event !== "string") {
    return "'resource' and 'event' must be strings";
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return "'data' must be an object";
  }
  if (typeof (data as Json).id !== "string" || (data as Json).id === "") {
    return "'data.id' must be a non-empty string";
  }
  return {
    resource,
    event,
    name: typeof name === "string" ? name : "",
    data: data as Json & { id: string },
  };
}

async function receiveMessage(
  deps: InboundDeps,
  data: Json & { id: string },
  hook: string,
): Promise<Response> {
  const isAudit = hook === AUDIT_HOOK;
  if (
    !isAudit && deps.botId && typeof data.personId === "string" &&
    sameWebexId(data.personId, deps.botId)
  ) {
    return answer(200, { status: "ignored", reason: "own message" });
  }
  const client = isAudit ? deps.auditClient : deps.client;
  if (!client) {
    deps.logger.warn(`Ignored a delivery of ${hook}: no audit token is set`);
    return answer(200, { status: "ignored" });
  }
  const key = `${isAudit ? "audit" : "message"}:${idKey(data.id)}`;
  return await once(deps, key, async () => {
    let json: Json;
    try {
      json = await client.get<Json>(`/messages/${encodeURIComponent(data.id)}`);
    } catch (error) {
      if (
        error instanceof ApiError &&
        (error.status === 404 || error.status === 403)
      ) {
        deps.logger.info(
          `Message ${data.id} is gone or hidden (${error.status}); ignored`,
        );
        return "ignored";
      }
      throw error;
    }
    const message = messageFromWebex(json);
    if (
      !isAudit && deps.botId && message.fromId &&
      sameWebexId(message.fromId, deps.botId)
    ) {
      return "ignored";
    }
    if (hook) message.hook = hook;
    await deps.nameAttachment(message, client);
    await (isAudit ? deps.fan : deps.ears).put(message);
    return "queued";
  });
}

async function receiveMembership(
  deps: InboundDeps,
  data: Json & { id: string },
  hook: string,
  event: "created" | "deleted",
): Promise<Response> {
  if (typeof data.roomId !== "string" || typeof data.personId !== "string") {
    deps.logger.warn(
      "Refused a membership delivery without roomId or personId",
    );
    return answer(400, {
      error: "'data.roomId' and 'data.personId' must be strings",
    });
  }
  const key = `membership:${event}:${idKey(data.id)}:${
    String(data.created ?? "")
  }`;
  return await once(deps, key, async () => {
    const change = membershipEvent(
      data,
      event === "created" ? "join" : "leave",
    );
    if (hook) change.hook = hook;
    await deps.ears.put(change);
    return "queued";
  });
}

/** Runs `work` unless the key was handled; a failure releases the key. */
async function once(
  deps: InboundDeps,
  key: string,
  work: () => Promise<"queued" | "ignored">,
): Promise<Response> {
  if (!await deps.dedupe.claim(key)) {
    return answer(200, { status: "duplicate" });
  }
  try {
    const status = await work();
    await deps.dedupe.complete(key);
    return answer(200, { status });
  } catch (error) {
    await deps.dedupe.release(key);
    deps.logger.error(
      `Could not process a webhook delivery: ${
        error instanceof Error ? error.message : error
      }`,
    );
    return answer(503, {
      error: "Could not process the event now; deliver it again later",
    });
  }
}

/** Dedupe keys use the uuid, so padded and unpadded ids are one event. */
function idKey(id: string): string {
  return uuidOf(id) ?? id;
}

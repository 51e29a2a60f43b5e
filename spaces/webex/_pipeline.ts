/**
 * The one message pipeline: a Webex message id becomes a handled event the
 * same way whether a webhook or a pull found it, so both paths build the
 * same dedupe key and a message is handled once whichever saw it first.
 *
 * @module
 */

import type { DedupeStore } from "../dedupe.ts";
import type { Message, SpaceEvent } from "../events.ts";
import type { Logger } from "../log.ts";
import type { EventSink } from "../queue.ts";
import { messageOf } from "../_objects.ts";
import { getMessage } from "./api/messages.ts";
import { nameAttachment } from "./attachments.ts";
import type { WebexMessage } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { sameWebexId, uuidOf } from "./ids.ts";
import { messageFromWebex } from "./normalise.ts";
import type { Prefetches } from "./_prefetch.ts";

/** Name of the webhook that feeds `fan` with the audit token. */
export const AUDIT_HOOK = "shellbot-audit";

/** What handling an event did. */
export type Outcome = "queued" | "ignored" | "duplicate";

/** What the pipeline needs from its space. */
export interface PipelineDeps {
  botId?: string;
  client: WebexClient;
  auditClient?: WebexClient;
  ears: EventSink<SpaceEvent>;
  fan: EventSink<SpaceEvent>;
  dedupe: DedupeStore;
  logger: Logger;
  /** Fills `attachment` with the file's name; never throws. */
  nameAttachment(message: Message, client: WebexClient): Promise<void>;
  /** Messages a queue began to fetch ahead, taken instead of fetching. */
  prefetched?: Prefetches;
}

/** One message to handle, and how its path differs. */
export interface MessageJob {
  /** The message id, padded or not. */
  id: string;
  /** Name of the webhook that delivered it; {@linkcode AUDIT_HOOK} goes to `fan`. */
  hook?: string;
  /** The message as a list gave it: no fetch. */
  json?: WebexMessage;
  /** Which failures of the fetch are final refusals, worth no redelivery. */
  isRefusal?(error: unknown): boolean;
  /**
   * Polling has no queue to deliver a message again: a message that its
   * handler refuses (`put` throws) is logged and passed, or it would hold
   * every later one back. Elsewhere the failure releases the claim.
   */
  skipRefusedPut?: boolean;
  /** Moves the polling cursors past a message queued here (not for the audit hook). */
  noteHandled?(json: WebexMessage): Promise<void>;
}

/** The dedupe key of a message: padded and unpadded ids are the same event. */
export function messageKey(id: string, hook?: string): string {
  return `${hook === AUDIT_HOOK ? "audit" : "message"}:${uuidOf(id) ?? id}`;
}

/**
 * Handles a message once: drops the bot's own, claims the dedupe key,
 * fetches the message (unless given), names its attachment, puts the event
 * on `ears` (or `fan` for the audit hook) and records it as handled.
 *
 * @returns `"duplicate"` when it was handled already, `"ignored"` for the
 * bot's own, a refused fetch, or an audit delivery without an audit token.
 * @throws What failed before the event was queued; the claim is released.
 */
export async function handleMessageId(
  deps: PipelineDeps,
  job: MessageJob,
): Promise<Outcome> {
  const isAudit = job.hook === AUDIT_HOOK;
  if (job.json && !isAudit && isFromBot(deps, job.json.personId)) {
    return "ignored";
  }
  return await once(
    deps,
    messageKey(job.id, job.hook),
    "messages",
    () => deliverMessage(deps, job, isAudit),
  );
}

/**
 * Runs `work` once per key: claims it, releases the claim when `work`
 * throws (logged, then thrown, so that the event is delivered again), and
 * records it as handled when `work` returned.
 *
 * @param what The resource, for the log line of a failure.
 */
export async function once(
  deps: Pick<PipelineDeps, "dedupe" | "logger">,
  key: string,
  what: string,
  work: () => Promise<Outcome>,
): Promise<Outcome> {
  if (!await deps.dedupe.claim(key)) return "duplicate";
  let outcome: Outcome;
  try {
    outcome = await work();
  } catch (error) {
    await deps.dedupe.release(key);
    deps.logger.error(
      `Could not process a ${what} delivery: ${messageOf(error)}`,
    );
    throw error;
  }
  // The event reached its queue: whatever fails now must not run it again.
  try {
    await deps.dedupe.complete(key);
  } catch (error) {
    deps.logger.warn(`Could not record a handled event: ${messageOf(error)}`);
  }
  return outcome;
}

async function deliverMessage(
  deps: PipelineDeps,
  job: MessageJob,
  isAudit: boolean,
): Promise<Outcome> {
  const client = isAudit ? deps.auditClient : deps.client;
  if (!client) {
    deps.logger.warn(
      `Ignored a delivery of ${job.hook}: no audit token is set`,
    );
    return "ignored";
  }
  let json = job.json;
  if (!json) {
    try {
      json = await (!isAudit && deps.prefetched?.take(job.id) ||
        getMessage(client, job.id));
    } catch (error) {
      if (!job.isRefusal?.(error)) throw error;
      deps.logger.info(
        `Message ${job.id} was refused (${statusOf(error)}); ignored`,
      );
      return "ignored";
    }
  }
  const message = messageFromWebex(json, { botId: deps.botId });
  if (!isAudit && isFromBot(deps, message.fromId)) return "ignored";
  if (job.hook) message.hook = job.hook;
  await deps.nameAttachment(message, client);
  try {
    await (isAudit ? deps.fan : deps.ears).put(message);
  } catch (error) {
    if (!job.skipRefusedPut) throw error;
    deps.logger.error(
      `A polled message could not be handled and is skipped: ${
        messageOf(error)
      }`,
    );
  }
  if (!isAudit && job.noteHandled) {
    await job.noteHandled(json).catch((error) =>
      deps.logger.warn(`Could not move the polling cursor: ${messageOf(error)}`)
    );
  }
  return "queued";
}

function isFromBot(deps: PipelineDeps, personId: unknown): boolean {
  return deps.botId !== undefined && deps.botId !== "" &&
    typeof personId === "string" && personId !== "" &&
    sameWebexId(personId, deps.botId);
}

function statusOf(error: unknown): unknown {
  return (error as { status?: unknown }).status;
}

/** A `nameAttachment` for {@linkcode PipelineDeps}: a failure is logged, never thrown. */
export function attachmentNamer(
  logger: Logger,
): PipelineDeps["nameAttachment"] {
  return async (message, client) => {
    if (!message.url) return;
    try {
      message.attachment = await nameAttachment(client, message.url);
    } catch (error) {
      logger.warn(
        `Could not read the name of an attachment: ${messageOf(error)}`,
      );
    }
  };
}

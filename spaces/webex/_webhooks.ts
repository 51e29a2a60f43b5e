import type { Logger } from "../log.ts";
import { ApiError, PartialFailureError } from "../errors.ts";
import {
  createWebhook,
  deleteWebhook,
  listWebhooks,
  updateWebhook,
} from "./api/webhooks.ts";
import type { WebexHookResource, WebexWebhook } from "./api/types.ts";
import type { WebexClient } from "./client.ts";
import { AUDIT_HOOK } from "./_pipeline.ts";

/** A webhook this library registers. */
export interface HookSpec {
  name: string;
  resource: WebexHookResource;
  event: "created" | "deleted" | "all";
}

/** Which earlier webhooks of the token `register` removes. */
export type PurgeMode = "all" | "own";

/** Prefix of the names of this library's webhooks. */
export const HOOK_PREFIX = "shellbot-";

/**
 * Makes the token's webhooks be exactly `specs` at `targetUrl`: a webhook
 * of ours that exists is updated in place (which re-activates an inactive
 * one); others are removed (all of the token's with purge "all", as the
 * original did so only the newest instance is notified; only `shellbot-*`
 * with purge "own"); missing ones are created.
 *
 * @returns The ids of the webhooks in place, for `deregister`.
 */
export async function syncWebhooks(options: {
  client: WebexClient;
  targetUrl: string;
  secret?: string;
  specs: HookSpec[];
  purge: PurgeMode;
  logger: Logger;
  signal?: AbortSignal;
}): Promise<string[]> {
  const { client, targetUrl, secret, specs, purge, logger, signal } = options;
  const existing: WebexWebhook[] = [];
  for await (const hook of listWebhooks(client, {}, { signal })) {
    existing.push(hook);
  }

  // The calls of each step go at once (a start waits for about one round
  // trip, not one per webhook); the removals and updates come before the
  // creations, as in turn. The first failure, in the order of the calls,
  // is thrown once every call of its step is over; the lines are logged in
  // that order too.
  const kept = new Map<string, string>();
  const changes: (() => Promise<() => void>)[] = [];
  for (const hook of existing) {
    const name = String(hook.name ?? "");
    const spec = specs.find((candidate) =>
      candidate.name === name && candidate.resource === hook.resource &&
      candidate.event === hook.event && !kept.has(name)
    );
    if (spec && hook.targetUrl === targetUrl) {
      kept.set(name, String(hook.id));
      changes.push(async () => {
        await hidingSecret(
          secret,
          () =>
            updateWebhook(client, String(hook.id), {
              name,
              targetUrl,
              secret,
              status: "active",
            }, { signal }),
        );
        return () => {
          if (hook.status !== "active") {
            logger.info(`Re-activated webhook ${name}`);
          }
        };
      });
    } else if (purge === "all" || name.startsWith(HOOK_PREFIX)) {
      changes.push(async () => {
        await removeWebhook(client, String(hook.id), signal);
        return () =>
          logger.warn(
            `Removed the earlier webhook ${
              name || hook.id
            } of this token (purge "${purge}")`,
          );
      });
    }
  }
  await allInOrder(changes);
  const missing = specs.filter((spec) => !kept.has(spec.name));
  const created = await allInOrder(missing.map((spec) => async () => {
    const hook = await hidingSecret(
      secret,
      () => createWebhook(client, { ...spec, targetUrl, secret }, { signal }),
    );
    return () => String(hook.id);
  }));
  missing.forEach((spec, index) => kept.set(spec.name, created[index]));
  return [...kept.values()];
}

/** Calls to Webex at once while syncing: a token may have many webhooks. */
const AT_ONCE = 6;

/**
 * Runs the calls, up to {@linkcode AT_ONCE} at a time, and waits for all of
 * them; then, in the order of the calls, runs what each successful one
 * returned (a log line, a value), and throws the first failure, if any.
 */
async function allInOrder<T>(
  calls: (() => Promise<() => T>)[],
): Promise<T[]> {
  const settled: PromiseSettledResult<() => T>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < calls.length) {
      const index = next++;
      settled[index] = await calls[index]().then(
        (value) => ({ status: "fulfilled", value }),
        (reason) => ({ status: "rejected", reason }),
      );
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(AT_ONCE, calls.length) }, worker),
  );
  const results: T[] = [];
  for (const outcome of settled) {
    if (outcome.status === "fulfilled") results.push(outcome.value());
  }
  const failed = settled.find((outcome) => outcome.status === "rejected");
  if (failed) throw failed.reason;
  return results;
}

/**
 * Runs a call that sends the webhook secret, keeping it out of its error
 * as the client keeps the token out: Webex may echo the body it refused.
 */
async function hidingSecret<T>(
  secret: string | undefined,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!secret || !(error instanceof ApiError)) throw error;
    const scrub = (text: string | undefined) =>
      text?.replaceAll(secret, "[secret]");
    throw new ApiError({
      status: error.status,
      method: error.method,
      path: error.path,
      service: error.service,
      trackingId: scrub(error.trackingId),
      retryAfter: error.retryAfter,
      serverMessage: scrub(error.serverMessage),
      cause: error.cause,
    });
  }
}

/** Deletes a webhook; one already gone is not an error. */
export async function removeWebhook(
  client: WebexClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await deleteWebhook(client, id, { signal });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

/**
 * The bot token's webhooks. `shellbot-messages` takes every event of
 * messages (`all`): `created` and `deleted` are handled, `updated` is
 * acknowledged and dropped. One webhook rather than a second for deletions
 * keeps one delivery stream, and one dedupe path, per resource.
 */
export const BOT_HOOKS: HookSpec[] = [
  { name: "shellbot-memberships", resource: "memberships", event: "all" },
  { name: "shellbot-messages", resource: "messages", event: "all" },
  { name: "shellbot-actions", resource: "attachmentActions", event: "created" },
];

/** The audit token's webhook: every message of its rooms, to `fan`. */
export const AUDIT_HOOKS: HookSpec[] = [
  { name: AUDIT_HOOK, resource: "messages", event: "created" },
];

/** The webhooks one space put in place, to remove them again. */
export class WebhookRegistry {
  #hooks: { client: WebexClient; id: string }[] = [];

  /** Syncs the webhooks of one token (see {@linkcode syncWebhooks}) and remembers them. */
  async sync(
    options: Parameters<typeof syncWebhooks>[0],
  ): Promise<void> {
    const ids = await syncWebhooks(options);
    const { client } = options;
    this.#hooks = this.#hooks.filter((hook) => hook.client !== client);
    for (const id of ids) this.#hooks.push({ client, id });
  }

  /** Removes every webhook remembered; throws a `PartialFailureError` for those that failed. */
  async removeAll(signal?: AbortSignal): Promise<void> {
    const failures: unknown[] = [];
    // Each webhook is forgotten only once it is gone, so a deregister that
    // failed on one can be called again.
    for (const hook of [...this.#hooks]) {
      try {
        await removeWebhook(hook.client, hook.id, signal);
        this.#hooks = this.#hooks.filter((item) => item !== hook);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new PartialFailureError(
        `Could not remove ${failures.length} webhook(s): call deregister() again`,
        failures,
      );
    }
  }
}

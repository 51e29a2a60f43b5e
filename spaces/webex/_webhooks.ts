import type { Logger } from "../log.ts";
import { ApiError } from "../errors.ts";
import type { WebexClient } from "./client.ts";

type Json = Record<string, unknown>;

/** A webhook this library registers. */
export interface HookSpec {
  name: string;
  resource: "messages" | "memberships";
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
  const existing: Json[] = [];
  for await (
    const hook of client.list<Json>("/webhooks", {
      query: { max: 100 },
      signal,
    })
  ) existing.push(hook);

  const kept = new Map<string, string>();
  for (const hook of existing) {
    const name = String(hook.name ?? "");
    const spec = specs.find((candidate) =>
      candidate.name === name && candidate.resource === hook.resource &&
      candidate.event === hook.event && !kept.has(name)
    );
    if (spec && hook.targetUrl === targetUrl) {
      await client.put(`/webhooks/${encodeURIComponent(String(hook.id))}`, {
        name,
        targetUrl,
        secret,
        status: "active",
      }, { signal });
      if (hook.status !== "active") logger.info(`Re-activated webhook ${name}`);
      kept.set(name, String(hook.id));
    } else if (purge === "all" || name.startsWith(HOOK_PREFIX)) {
      await deleteWebhook(client, String(hook.id), signal);
      logger.warn(
        `Removed the earlier webhook ${
          name || hook.id
        } of this token (purge "${purge}")`,
      );
    }
  }
  for (const spec of specs) {
    if (kept.has(spec.name)) continue;
    const created = await client.post<Json>("/webhooks", {
      ...spec,
      targetUrl,
      secret,
    }, { signal });
    kept.set(spec.name, String(created.id));
  }
  return [...kept.values()];
}

/** Deletes a webhook; one already gone is not an error. */
export async function deleteWebhook(
  client: WebexClient,
  id: string,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.delete(`/webhooks/${encodeURIComponent(id)}`, { signal });
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
  }
}

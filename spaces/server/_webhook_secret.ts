/**
 * The webhook secret of a server started without one: generated once,
 * kept in the KV that the instances share, so they all sign with it.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { withDeadline } from "../_sleep.ts";

const SECRET_KEY: Deno.KvKey = ["shellbot", "webhook_secret"];

/** 32 random bytes, in hex. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );
}

/**
 * The secret kept in the KV: set if absent (so the first of several
 * instances that start together decides), then read back. Logs that it did,
 * never the secret.
 *
 * @param label What the KV is, for the log line.
 */
export async function sharedWebhookSecret(
  kv: Deno.Kv,
  label: string,
  logger: Logger,
): Promise<string> {
  const candidate = newSecret();
  const result = await withDeadline(
    kv.atomic().check({ key: SECRET_KEY, versionstamp: null })
      .set(SECRET_KEY, candidate).commit(),
    10_000,
    `${label} did not answer within 10000 ms`,
  );
  const kept = (await kv.get<string>(SECRET_KEY)).value;
  if (typeof kept !== "string" || kept.length < 32) {
    throw new Error(`${label} holds no usable webhook secret`);
  }
  logger.info(
    result.ok
      ? `No webhook secret was set (WEBEX_WEBHOOK_SECRET): generated one and kept it in ${label}, for every instance that shares it`
      : `No webhook secret was set (WEBEX_WEBHOOK_SECRET): using the one kept in ${label}`,
  );
  return kept;
}

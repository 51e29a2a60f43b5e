/**
 * Where the server keeps its state: Deno KV on a local file by default, the
 * managed KV on Deno Deploy, in memory only when asked. Opening it says
 * clearly which file failed and what to do.
 *
 * @module
 */

import { dirname } from "node:path";
import type { Context } from "../context.ts";
import { ConfigurationError } from "../errors.ts";
import type { Logger } from "../log.ts";
import { messageOf } from "../_objects.ts";
import { withDeadline } from "../_sleep.ts";

/** The KV file of `server.ts` when nothing names one. */
export const DEFAULT_KV_PATH = "./.shellbot/kv.sqlite3";

/** How long the start waits for a KV file that another process holds. */
const OPEN_DEADLINE = 10_000;

/** The KV the server opens: `path` for `Deno.openKv`, `label` for humans. */
export interface KvPlace {
  /** A file, `":memory:"`, or `undefined` for the managed KV of Deno Deploy. */
  path: string | undefined;
  /** What log lines call it: the file, "the in-memory KV" or "Deno Deploy's KV". */
  label: string;
  /** True when it outlives the process. */
  durable: boolean;
  onDeploy: boolean;
}

/** True on Deno Deploy (new and Classic set these). */
export function onDeploy(env: (name: string) => string | undefined): boolean {
  return Boolean(env("DENO_DEPLOYMENT_ID") || env("DENO_DEPLOY"));
}

/**
 * Where the KV is: the option (`--kv`), else `space.kv`, else
 * `DENO_KV_PATH`, else Deno Deploy's KV there, else {@linkcode DEFAULT_KV_PATH}.
 * `":deploy"` and `""` name the managed KV.
 */
export function kvPlace(
  option: string | undefined,
  context: Context,
  env: (name: string) => string | undefined,
): KvPlace {
  const deploy = onDeploy(env);
  const chosen = option ?? context.get<string | undefined>("space.kv") ??
    env("DENO_KV_PATH") ?? (deploy ? ":deploy" : DEFAULT_KV_PATH);
  if (chosen === "" || chosen === ":deploy") {
    return {
      path: undefined,
      label: "Deno Deploy's KV",
      durable: true,
      onDeploy: deploy,
    };
  }
  if (chosen === ":memory:") {
    return {
      path: chosen,
      label: "the in-memory KV",
      durable: false,
      onDeploy: deploy,
    };
  }
  return {
    path: chosen,
    label: `the KV file ${chosen}`,
    durable: true,
    onDeploy: deploy,
  };
}

/** A KV just opened, and the check that it can be used. */
export interface OpeningKv {
  kv: Deno.Kv;
  /**
   * Resolves once a write went through within a bounded wait (and the line
   * saying where the state is kept is logged); rejects with the
   * `ConfigurationError` of {@linkcode openKvAt}: the caller closes the KV.
   */
  usable: Promise<void>;
}

/**
 * Opens the KV, creating the folder of a file, and starts checking that it
 * can be read and written within a bounded wait: the start does its other
 * work meanwhile, and awaits `usable` before it relies on the KV.
 *
 * @throws {ConfigurationError} When the file is not a database, cannot be
 * created, or stays locked by another process (from `usable`); the message
 * names the file and says what to do.
 */
export async function openKvAt(
  place: KvPlace,
  logger: Logger,
): Promise<OpeningKv> {
  // Deno KV is unstable in Deno 2: without the flag the function is missing.
  if (typeof Deno.openKv !== "function") {
    throw new ConfigurationError(
      `The server keeps its queue in Deno KV, which needs --unstable-kv: run deno run -A --unstable-kv (or deno serve -A --unstable-kv), or add "unstable": ["kv"] to your deno.json`,
      { key: "space.kv" },
    );
  }
  if (place.path && place.path !== ":memory:") {
    await Deno.mkdir(dirname(place.path), { recursive: true }).catch(
      (error) => {
        throw cannot(place, error, "check that its folder can be created");
      },
    );
  }
  let kv: Deno.Kv;
  try {
    kv = await Deno.openKv(place.path);
  } catch (error) {
    throw cannot(place, error, advice(error));
  }
  const usable = withDeadline(
    kv.set(["shellbot", "opened"], Date.now()),
    OPEN_DEADLINE,
    `${place.label} stayed locked for ${OPEN_DEADLINE} ms`,
  ).then(() => {
    logger.info(
      place.durable
        ? `Keeping the queue, the handled events and the cursors in ${place.label}`
        : "Keeping the queue, the handled events and the cursors in memory (--kv :memory:): a restart loses them",
    );
    if (place.onDeploy) {
      logger.info(
        "On Deno Deploy: deliveries are queued as KV entries with atomic claims, without KV queues (enqueue/listenQueue), which Deploy may lack",
      );
    }
  }, (error) => {
    throw cannot(place, error, advice(error));
  });
  // Awaited by the start; until then a failure is not unhandled.
  usable.catch(() => {});
  return { kv, usable };
}

function advice(error: unknown): string {
  const message = messageOf(error);
  if (/not a database|malformed|corrupt/i.test(message)) {
    return "it is not a Deno KV database (corrupt, or another kind of file): move it away to start afresh, or choose another file with --kv, space.kv or DENO_KV_PATH";
  }
  if (/locked|busy/i.test(message)) {
    return "another process holds it locked: stop that process, or choose another file with --kv, space.kv or DENO_KV_PATH";
  }
  return "check the path and its permissions, or choose another file with --kv, space.kv or DENO_KV_PATH";
}

function cannot(place: KvPlace, error: unknown, what: string) {
  return new ConfigurationError(
    `Cannot use ${place.label} (${messageOf(error)}): ${what}`,
    { key: "space.kv", cause: error },
  );
}

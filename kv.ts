/**
 * Deno KV parts of @shellbot/spaces: {@linkcode KvQueue}, a durable queue of
 * deliveries shared by every instance of a deployment, and
 * {@linkcode KvDedupeStore}, the shared record of handled events, and
 * {@linkcode KvSessionStorage}, bot sessions shared the same way.
 *
 * They need Deno KV, which is unstable in Deno 2: run with `--unstable-kv`
 * (or `"unstable": ["kv"]` in `deno.json`). `@shellbot/spaces` itself runs
 * without it.
 *
 * @example Quick start: one queue and one record on a KV in memory
 * ```ts
 * import { KvDedupeStore, KvQueue } from "@shellbot/spaces/kv";
 *
 * const kv = await Deno.openKv(":memory:");
 * const queue = new KvQueue<string>(kv);
 * const dedupe = new KvDedupeStore(kv);
 * console.log(await dedupe.claim("message:1")); // true: first to claim
 * await queue.close();
 * kv.close();
 * ```
 *
 * @module
 */

export {
  KvDedupeStore,
  type KvDedupeStoreOptions,
  KvQueue,
  type KvQueueOptions,
} from "./spaces/kv.ts";
export { BusyError } from "./spaces/kv/dedupe_store.ts";
export {
  KvSessionStorage,
  type KvSessionStorageOptions,
} from "./spaces/kv/session_storage.ts";

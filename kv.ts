/**
 * **@shellbot/spaces/kv**: what a bot needs from Deno KV to run as several
 * instances. Needs `--unstable-kv` (or `"unstable": ["kv"]` in
 * `deno.json`).
 *
 * @example Sessions shared by every instance that opens the same KV
 * ```ts
 * import { Bot, session, type SessionFlavor } from "@shellbot/spaces";
 * import { KvSessionStorage } from "@shellbot/spaces/kv";
 *
 * type Notes = { notes: string[] };
 * const storage = await KvSessionStorage.open<Notes>(":memory:");
 * const bot = new Bot<SessionFlavor<Notes>>();
 * bot.use(session({ initial: () => ({ notes: [] }), storage }));
 * bot.command("note", (ctx) => {
 *   ctx.session.notes.push(ctx.rest);
 *   return ctx.reply(`${ctx.session.notes.length} notes`);
 * });
 * await storage.close();
 * ```
 *
 * @module
 */

export {
  KvSessionStorage,
  type KvSessionStorageOptions,
} from "./spaces/kv/session_storage.ts";

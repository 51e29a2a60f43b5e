/**
 * Sessions: state a bot keeps per channel or per person, loaded before
 * the handler and saved after it, in memory or on Deno KV.
 *
 * @module
 */

import { SpacesError } from "../errors.ts";
import { KeyedLock } from "./_keyed_lock.ts";
import type { Middleware } from "./compose.ts";
import { _personOf, type BotContext } from "./context.ts";

/**
 * The field {@linkcode session} adds to the context: give it to the
 * {@linkcode Bot} as its type parameter.
 *
 * @typeParam S The session data.
 *
 * @example A bot whose handlers see `ctx.session`
 * ```ts
 * import { Bot, session, type SessionFlavor } from "@shellbot/spaces";
 *
 * const bot = new Bot<SessionFlavor<{ count: number }>>();
 * bot.use(session({ initial: () => ({ count: 0 }) }));
 * bot.command("count", (ctx) => ctx.reply(`${++ctx.session.count}`));
 * ```
 */
export interface SessionFlavor<S> {
  /** The session of the event's key; assign to replace it. */
  session: S;
}

/**
 * Where sessions are kept. Values are plain data (what `structuredClone`
 * copies), so that any storage can hold them. {@linkcode session} hands
 * handlers a copy of what `read` returns, so a storage may return what
 * it keeps.
 *
 * @typeParam S The session data.
 *
 * @example A storage on a Map (no bound, no sharing)
 * ```ts
 * import type { SessionStorage } from "@shellbot/spaces";
 *
 * const map = new Map<string, number>();
 * const storage: SessionStorage<number> = {
 *   read: (key) => map.get(key),
 *   write: (key, value) => void map.set(key, value),
 *   delete: (key) => void map.delete(key),
 * };
 * ```
 */
export interface SessionStorage<S> {
  /** The session of a key, or `undefined` when there is none. */
  read(key: string): S | undefined | Promise<S | undefined>;
  /** Saves the session of a key. */
  write(key: string, value: S): void | Promise<void>;
  /** Forgets the session of a key. */
  delete(key: string): void | Promise<void>;
  /**
   * Takes a key for this caller alone, across every process that shares
   * the storage, and resolves with the function that gives it back. A
   * storage that one process owns (memory) has no need of it.
   */
  lock?(key: string, signal?: AbortSignal): Promise<() => Promise<void>>;
}

/**
 * Which events share a session: `"channel"` (the default), `"person"`
 * (across channels), `"channel+person"`, or a function of the context
 * (`undefined`: the event has no session).
 */
export type SessionKey =
  | "channel"
  | "person"
  | "channel+person"
  | ((ctx: BotContext) => string | undefined);

/** Options of {@linkcode session}. */
export interface SessionOptions<S> {
  /** Makes the session of a key that has none yet. */
  initial: () => S;
  /** Which events share a session. @default "channel" */
  key?: SessionKey;
  /** Where sessions are kept. @default a new MemorySessionStorage */
  storage?: SessionStorage<S>;
}

/**
 * Middleware that gives handlers `ctx.session`: a copy of the stored
 * session, loaded before the rest of the chain and saved after it (not
 * saved when the chain throws, so changes made before the throw are lost;
 * deleted when set to `undefined`).
 *
 * A session is plain data, what `structuredClone` copies: objects,
 * arrays, strings, numbers, booleans, dates, maps, sets; no functions or
 * class instances (they come back as plain objects). Keep it small: it is
 * copied and saved on every event of its key, and `KvSessionStorage`
 * refuses one over 64 KiB. Keep big data (files, long histories) elsewhere
 * and its key in the session. A session that cannot be saved makes the
 * event fail with a `SpacesError` that names the key (the reply the
 * handler sent is not taken back). Events of one key are handled one after the
 * other, so two quick messages never overwrite each other's state: in this
 * process by a lock per key, and across processes when the storage can
 * lock (as `KvSessionStorage` does). Events of different keys run side by
 * side. An event without a key (a channel-keyed session on an event
 * without channel) runs without a session: reading `ctx.session` throws.
 *
 * @param options The initial session, the key, the storage.
 * @returns The middleware, for `bot.use()`.
 *
 * @example Count the messages of each channel
 * ```ts
 * import { Bot, session, type SessionFlavor } from "@shellbot/spaces";
 *
 * const bot = new Bot<SessionFlavor<{ seen: number }>>();
 * bot.use(session({ initial: () => ({ seen: 0 }) }));
 * bot.on("message", (ctx) => ctx.reply(`Message ${++ctx.session.seen} here`));
 * ```
 */
export function session<S>(
  options: SessionOptions<S>,
): Middleware<SessionFlavor<S>> {
  const storage: SessionStorage<S> = options.storage ??
    new MemorySessionStorage<S>();
  const keyOf = keyFunction(options.key ?? "channel");
  const locks = new KeyedLock();
  return async (ctx, next) => {
    const key = keyOf(ctx);
    if (key === undefined) {
      Object.defineProperty(ctx, "session", {
        configurable: true,
        get() {
          throw new TypeError(
            `ctx.session: this ${ctx.event.type} event has no session key`,
          );
        },
      });
      return await next();
    }
    await locks.run(key, async () => {
      const release = await storage.lock?.(key, ctx.signal);
      try {
        const stored = await storage.read(key);
        // A copy: what a handler changes before it throws must not reach
        // a storage that hands out what it keeps (as memory does).
        ctx.session = stored === undefined
          ? options.initial()
          : structuredClone(stored);
        await next();
        if (ctx.session === undefined) await storage.delete(key);
        else await storage.write(key, ctx.session);
      } finally {
        await release?.();
      }
    });
  };
}

function keyFunction(key: SessionKey): (ctx: BotContext) => string | undefined {
  if (typeof key === "function") return key;
  const channel = (ctx: BotContext) => ctx.event.channelId || undefined;
  const person = (ctx: BotContext) => _personOf(ctx.event)?.id;
  switch (key) {
    case "channel":
      return channel;
    case "person":
      return person;
    case "channel+person":
      return (ctx) => {
        const [where, who] = [channel(ctx), person(ctx)];
        return where && who ? `${where} ${who}` : undefined;
      };
    default:
      throw new TypeError(
        `session(): 'key' is "channel", "person", "channel+person" or a function, not ${
          JSON.stringify(key)
        }`,
      );
  }
}

/** Options of {@linkcode MemorySessionStorage}. */
export interface MemorySessionStorageOptions {
  /**
   * How many sessions to keep: past it, the least recently used one is
   * forgotten, so a bot in many channels keeps bounded memory.
   * @default 10_000
   */
  maxEntries?: number;
}

/**
 * Sessions in this process's memory, bounded: past `maxEntries` the least
 * recently used session is forgotten. Lost on restart, and not shared by
 * the instances of a deployment (use `KvSessionStorage` from
 * `@shellbot/spaces/kv` for that). `write` keeps a copy of the value
 * (`structuredClone`), so later changes to the value do not reach it, and
 * a value that cannot be copied is refused as it would be by Deno KV.
 *
 * @typeParam S The session data.
 *
 * @example Keep at most 100 sessions
 * ```ts
 * import { MemorySessionStorage, session } from "@shellbot/spaces";
 *
 * const storage = new MemorySessionStorage<string[]>({ maxEntries: 100 });
 * const middleware = session({ initial: (): string[] => [], storage });
 * await storage.write("room", ["hello"]);
 * console.log(await storage.read("room")); // ["hello"]
 * ```
 */
export class MemorySessionStorage<S> implements SessionStorage<S> {
  // A Map iterates in insertion order: re-inserting on use keeps the least
  // recently used entry first.
  #entries = new Map<string, S>();
  #max: number;

  /**
   * Makes an empty storage.
   *
   * @param options How many sessions to keep.
   * @throws {RangeError} When `maxEntries` is not a whole number above 0.
   */
  constructor(options: MemorySessionStorageOptions = {}) {
    this.#max = options.maxEntries ?? 10_000;
    if (!Number.isInteger(this.#max) || this.#max < 1) {
      throw new RangeError(
        `MemorySessionStorage: 'maxEntries' must be a whole number above 0, not ${this.#max}`,
      );
    }
  }

  /** How many sessions are kept. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The session of a key.
   *
   * @param key The session key.
   * @returns The value, or `undefined`.
   */
  read(key: string): S | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, value);
    }
    return value;
  }

  /**
   * Saves the session of a key, forgetting the oldest past the bound.
   *
   * @param key The session key.
   * @param value The session.
   * @throws {SpacesError} When the value cannot be copied (it holds a function, say).
   */
  write(key: string, value: S): void {
    let copy: S;
    try {
      copy = structuredClone(value);
    } catch (error) {
      throw new SpacesError(
        `The session '${key}' was not saved: ${
          _firstLine(error)
        }; keep to plain data (objects, arrays, strings, numbers, dates, maps, sets)`,
        { cause: error },
      );
    }
    this.#entries.delete(key);
    this.#entries.set(key, copy);
    if (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /**
   * Forgets the session of a key.
   *
   * @param key The session key.
   */
  delete(key: string): void {
    this.#entries.delete(key);
  }
}

/** The first line of an error's message, for a message of our own. */
function _firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error))
    .split("\n", 1)[0];
}

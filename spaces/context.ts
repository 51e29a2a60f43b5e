/**
 * Settings of a space and its bot, as one flat store of dotted keys.
 *
 * @module
 */

import { ConfigurationError } from "./errors.ts";
import { isPlainObject } from "./_objects.ts";

/** Settings as given by a user: nested objects or dotted keys, or both. */
export type Settings = Record<string, unknown>;

/** Options of {@linkcode Context}. */
export interface ContextOptions {
  /**
   * Reads an environment variable; `undefined` when it is unset.
   * Tests inject a function so they never touch the real environment.
   * @default a reader of `Deno.env`
   */
  env?: (name: string) => string | undefined;
}

/** Rules for {@linkcode Context.check}. */
export interface CheckOptions {
  /** Value stored when the key is absent. */
  default?: unknown;
  /** Throw when the key is absent (after `$NAME` resolution). @default false */
  isMandatory?: boolean;
  /** Returns false for a value that must be refused. */
  validate?: (value: unknown) => boolean;
  /** Replace a string `$NAME` by the environment variable NAME. @default false */
  filter?: boolean;
}

/**
 * A flat store of dotted settings keys, with environment resolution and
 * counters.
 *
 * `{ space: { room: "x" } }` and `{ "space.room": "x" }` are the same
 * settings; arrays are values and are not flattened.
 *
 * @example Apply, read and check settings
 * ```ts
 * import { Context } from "@shellbot/spaces";
 *
 * const context = new Context(
 *   { space: { room: "Ops", token: "$BOT_TOKEN" } },
 *   { env: (name) => (name === "BOT_TOKEN" ? "secret" : undefined) },
 * );
 * context.check("space.token", { filter: true, isMandatory: true });
 * console.log(context.get("space.room")); // "Ops"
 * console.log(context.get("space")); // { room: "Ops", token: "secret" }
 * ```
 */
export class Context {
  #values = new Map<string, unknown>();
  #env: (name: string) => string | undefined;

  /**
   * Makes a context.
   *
   * @param settings Initial settings, nested or dotted.
   * @param options Where environment variables come from.
   */
  constructor(settings?: Settings, options: ContextOptions = {}) {
    this.#env = options.env ?? readDenoEnv;
    if (settings) this.apply(settings);
  }

  /**
   * Adds settings, flattening nested objects into dotted keys.
   *
   * @param settings Nested or dotted settings; arrays are kept as values.
   */
  apply(settings: Settings): void {
    for (const [key, value] of Object.entries(settings)) {
      if (isPlainObject(value)) {
        // An empty object adds nothing: stored as a value, it would hide the
        // keys set under it later.
        for (const [inner, innerValue] of Object.entries(value)) {
          this.apply({ [`${key}.${inner}`]: innerValue });
        }
      } else {
        this.#values.set(key, value);
      }
    }
  }

  /**
   * Reads a setting.
   *
   * @param key A dotted key, such as `space.room`, or a prefix such as `space`.
   * @param defaultValue What to return when there is nothing.
   * @returns The value; else, when keys under `key.` exist, an object of
   * them (keyed by the rest of their name); else `defaultValue`. A value
   * stored as `undefined` or `null` gives `defaultValue`.
   */
  get<T = unknown>(key: string, defaultValue?: T): T {
    const value = this.#values.get(key);
    if (value !== undefined && value !== null) return value as T;
    const prefix = `${key}.`;
    let tree: Record<string, unknown> | undefined;
    for (const [name, inner] of this.#values) {
      if (name.startsWith(prefix)) {
        tree ??= {};
        // defineProperty: a key such as "__proto__" stays a plain key.
        Object.defineProperty(tree, name.slice(prefix.length), {
          value: inner,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    return (tree ?? defaultValue) as T;
  }

  /**
   * Stores a value under a key, replacing what was there.
   *
   * @param key A dotted key.
   * @param value Any value; a nested object is flattened.
   */
  set(key: string, value: unknown): void {
    this.apply({ [key]: value });
  }

  /**
   * Tells whether a key, or any key under `prefix.`, is set.
   *
   * @param prefix A dotted key or a prefix such as `space`.
   * @returns True when such a key exists.
   */
  has(prefix: string): boolean {
    if (this.#values.has(prefix)) return true;
    const dotted = `${prefix}.`;
    for (const name of this.#values.keys()) {
      if (name.startsWith(dotted)) return true;
    }
    return false;
  }

  /** Forgets every setting. */
  clear(): void {
    this.#values.clear();
  }

  /** True when no setting is stored. */
  get isEmpty(): boolean {
    return this.#values.size === 0;
  }

  /**
   * Adds to a counter; a value that is not a number counts as 0.
   *
   * @param key The counter's key.
   * @param delta How much to add. @default 1
   * @returns The new value.
   */
  increment(key: string, delta = 1): number {
    const current = this.#values.get(key);
    const next = (typeof current === "number" ? current : 0) + delta;
    this.#values.set(key, next);
    return next;
  }

  /**
   * Subtracts from a counter; a value that is not a number counts as 0.
   *
   * @param key The counter's key.
   * @param delta How much to subtract. @default 1
   * @returns The new value.
   */
  decrement(key: string, delta = 1): number {
    return this.increment(key, -delta);
  }

  /**
   * Validates one setting, storing its default and resolving `$NAME`.
   *
   * With `filter`, a string value `$NAME` becomes the environment variable
   * NAME; when that is unset, the default is used (resolved the same way),
   * else the value becomes undefined. An empty variable is a value.
   *
   * @param key The dotted key.
   * @param options Default, mandatory, validation and filtering rules.
   * @throws {ConfigurationError} When the setting is mandatory and absent, or
   * when `validate` refuses it. The message names the key and, for `$NAME`,
   * the variable, never the value.
   */
  check(key: string, options: CheckOptions = {}): void {
    let value = this.#values.get(key);
    let variable: string | undefined;
    if (value === undefined || value === null) value = options.default;
    if (options.filter) {
      variable = variableName(value);
      value = this.#resolve(value, options.default);
    }
    if (value === undefined || value === null) {
      this.#values.delete(key);
      if (options.isMandatory) {
        const from = variable
          ? ` or set the environment variable ${variable}`
          : "";
        throw new ConfigurationError(
          `Missing setting '${key}': add it to the settings${from}`,
          { key },
        );
      }
      return;
    }
    if (options.validate && !options.validate(value)) {
      throw new ConfigurationError(
        `Invalid setting '${key}': change it to a valid value`,
        { key },
      );
    }
    this.#values.set(key, value);
  }

  /**
   * Reads an environment variable with the context's reader.
   *
   * @param name The variable's name, without `$`.
   * @returns Its value, or `undefined` when it is unset.
   */
  env(name: string): string | undefined {
    return this.#env(name);
  }

  #resolve(value: unknown, fallback: unknown): unknown {
    const name = variableName(value);
    if (name === undefined) return value;
    const found = this.#env(name);
    if (found !== undefined) return found;
    if (fallback === undefined || fallback === value) return undefined;
    return this.#resolve(fallback, undefined);
  }
}

// Only portable names: any other "$..." (such as a secret that starts with
// "$") is a literal, and never reaches Deno.env.get, whose errors quote it.
const VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;

function variableName(value: unknown): string | undefined {
  return typeof value === "string" ? VARIABLE.exec(value)?.[1] : undefined;
}

function readDenoEnv(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable) {
      throw new ConfigurationError(
        `Cannot read the environment variable ${name}: run Deno with --allow-env`,
        { cause: error },
      );
    }
    throw error;
  }
}

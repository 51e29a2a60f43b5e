/**
 * Seeded randomness for the fuzz tests: a small PRNG and generators of
 * hostile values. A fuzz test that fails prints its seed; run it again with
 * `FUZZ_SEED=<seed>` to get the same cases.
 *
 * @module
 */

/** The seed of this run: `FUZZ_SEED` when set, else a fresh one. */
export function fuzzSeed(): number {
  const fromEnv = Deno.env.get("FUZZ_SEED");
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) {
    return Number(fromEnv) >>> 0;
  }
  return crypto.getRandomValues(new Uint32Array(1))[0];
}

/**
 * Runs the body of a fuzz test with this run's seed; prints the seed only
 * when the body fails, so that a passing run stays quiet.
 *
 * @param name The test, as printed with the seed.
 * @param run The body, given the seed.
 */
export async function withSeed(
  name: string,
  run: (seed: number) => void | Promise<void>,
): Promise<void> {
  const seed = fuzzSeed();
  try {
    await run(seed);
  } catch (error) {
    console.error(
      `${name} failed with seed ${seed} (rerun with FUZZ_SEED=${seed})`,
    );
    throw error;
  }
}

/** Characters that break naive code: separators, quotes, controls, bidi, surrogates. */
const NASTY = [
  "/",
  "\\",
  "..",
  ".",
  "\0",
  "\n",
  "\r",
  "\t",
  '"',
  "'",
  ";",
  "=",
  "%",
  "%2F",
  "%2e%2e",
  "%00",
  ":",
  "*",
  "?",
  "<",
  ">",
  "|",
  " ",
  "\u202e",
  "\u200b",
  "\ufeff",
  "\u2028",
  "\ud800",
  "\udfff",
  "é",
  "日本",
  "😀",
  "\u0085",
  "\u00a0",
  "$",
  "${",
  "__proto__",
  "constructor",
  "CON",
  "nul",
  "~",
  "\x7f",
  "\xff",
];

/**
 * A seeded PRNG (sfc32), with helpers to draw hostile values.
 *
 * @example Same seed, same draws
 * ```ts
 * import assert from "node:assert/strict";
 * import { Rng } from "./_fuzz.ts";
 *
 * assert.equal(new Rng(7).int(100), new Rng(7).int(100));
 * ```
 */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  /** Starts the sequence of `seed`. */
  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let index = 0; index < 15; index++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One of the items. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** A string of `length` characters drawn from `alphabet`. */
  chars(length: number, alphabet: string): string {
    let text = "";
    for (let index = 0; index < length; index++) {
      text += alphabet[this.int(alphabet.length)];
    }
    return text;
  }

  /** A short string mixing letters with separators, controls, bidi and lone surrogates. */
  nasty(maxParts = 8): string {
    let text = "";
    const parts = 1 + this.int(maxParts);
    for (let index = 0; index < parts; index++) {
      text += this.chance(0.5)
        ? this.pick(NASTY)
        : this.chars(1 + this.int(6), "abcXYZ019-_.");
    }
    return text;
  }

  /** Any string: empty, plain, nasty or random code units. */
  string(): string {
    switch (this.int(5)) {
      case 0:
        return "";
      case 1:
        return this.chars(1 + this.int(20), "abcdefghijklmnopqrstuvwxyz");
      case 2:
        return this.nasty();
      case 3:
        return String.fromCharCode(
          ...Array.from({ length: 1 + this.int(16) }, () => this.int(0x10000)),
        );
      default:
        return this.chars(1 + this.int(40), "0123456789abcdefABCDEF=+/");
    }
  }

  /** A JSON value of bounded depth: scalars, arrays and objects of them. */
  json(depth = 3): unknown {
    const kind = this.int(depth > 0 ? 9 : 6);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return this.chance(0.5);
      case 2:
        return this.pick([0, -1, 1e308, -0, 2 ** 53 + 1, 0.5, 7]);
      case 3:
      case 4:
        return this.string();
      case 5:
        return this.pick(["", "messages", "memberships", "created"]);
      case 6:
      case 7: {
        const object: Record<string, unknown> = {};
        const size = this.int(5);
        for (let index = 0; index < size; index++) {
          object[this.chance(0.3) ? this.pick(KEYS) : this.string()] = this
            .json(depth - 1);
        }
        return object;
      }
      default:
        return Array.from({ length: this.int(4) }, () => this.json(depth - 1));
    }
  }
}

/** Field names a webhook delivery uses, to hit the parser's branches. */
const KEYS = [
  "id",
  "name",
  "resource",
  "event",
  "data",
  "roomId",
  "personId",
  "personEmail",
  "created",
  "__proto__",
];

/** `levels` nested arrays or objects, as JSON text, built without recursion. */
export function deepJson(levels: number, kind: "array" | "object"): string {
  return kind === "array"
    ? "[".repeat(levels) + "]".repeat(levels)
    : '{"a":'.repeat(levels) + "1" + "}".repeat(levels);
}

/**
 * Runs `task` for indexes 0..count-1 with at most `limit` in flight; the
 * first failure stops new tasks and is thrown.
 */
export async function pool(
  count: number,
  limit: number,
  task: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (next < count && failure === undefined) {
      const index = next++;
      try {
        await task(index);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  if (failure !== undefined) throw failure;
}

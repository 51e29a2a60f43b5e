/**
 * The count of a work list's undelivered items: what was put (`in`) less
 * what was handled or set aside (`out`), two sums in the KV, exact across
 * instances.
 *
 * @module
 */

/** The counts of a list under `prefix`, and a cheap reading for the bound. */
export class WorkCount {
  #kv: Deno.Kv;
  #in: Deno.KvKey;
  #out: Deno.KvKey;
  #known = { size: 0, at: 0 };

  constructor(kv: Deno.Kv, key: (...parts: string[]) => Deno.KvKey) {
    this.#kv = kv;
    this.#in = key("count", "in");
    this.#out = key("count", "out");
  }

  /** The key of the sum of items put. */
  get inKey(): Deno.KvKey {
    return this.#in;
  }

  /** The key of the sum of items handled or set aside. */
  get outKey(): Deno.KvKey {
    return this.#out;
  }

  /** Undelivered items now, read from the KV. */
  async size(): Promise<number> {
    const [added, removed] = await this.#kv.getMany<Deno.KvU64[]>([
      this.#in,
      this.#out,
    ]);
    return Number((added.value?.value ?? 0n) - (removed.value?.value ?? 0n));
  }

  /**
   * The size for the bound: read, or, within a second of the last read and
   * far from `bound`, that read plus what was put here since (it only
   * overcounts: jobs end meanwhile). A read per put batch was a good part
   * of a delivery's cost under load; what other instances put within that
   * second may pass the bound.
   */
  async forBound(bound: number): Promise<number> {
    const known = this.#known;
    if (Date.now() - known.at < 1_000 && known.size < bound / 2) {
      return known.size;
    }
    const size = await this.size();
    this.#known = { size, at: Date.now() };
    return size;
  }

  /** Notes items put here since the last read. */
  added(count: number): void {
    this.#known.size += count;
  }
}

/**
 * The writes of `KvWorkList` that claim its items and end its jobs: each is
 * one atomic commit with the checks that keep an item to one worker at a
 * time, and the count of handled items exact.
 *
 * @module
 */

import type { Logger } from "../log.ts";
import { messageOf } from "../_objects.ts";
import { BusyError } from "./dedupe_store.ts";
import { groupCommitOf, type WriteBuilder } from "./_group_commit.ts";

/** The list's keys and settings that a job needs. */
export interface JobPlace {
  kv: Deno.Kv;
  key(...parts: string[]): Deno.KvKey;
  /** Attempts of an item, then it is set aside. */
  attempts: number;
  label: string;
  logger: Logger;
  /** Jobs that `stop()` handed back to the list while they ran. */
  abandoned: Set<string>;
}

const COUNT_OUT = "out";
/** Milliseconds an item waits at most for its event, held elsewhere. */
const BUSY_WAIT = 3_000;

/**
 * What a running job can do beyond its item: add mutations to the atomic
 * write that deletes the item once the handler returned.
 */
export interface WorkJob {
  /**
   * Adds `mutate` to the write that ends this job. They are committed
   * whatever comes of the job: with the item's deletion when the handler
   * returns, in a write of their own when it throws or the item was taken
   * over meanwhile. False once that write has begun: commit it yourself.
   */
  join(mutate: (write: Deno.AtomicOperation) => void): boolean;
  /** The key of the list's `alsoClaim`, when it was claimed with the item. */
  claimed?: string;
}

/** A claim on an item: until when it holds, and the attempts so far. */
export interface Claim {
  until: number;
  attempts: number;
}

/** A mutation that a job adds to the write that ends it. */
export type Joined = (write: Deno.AtomicOperation) => void;

/**
 * Claims a never-claimed item, with `also` in the same write when given,
 * through the group commit (so the items taken together share a commit),
 * with no read: the write holds if the item has no claim and is unchanged.
 *
 * @returns True when the write held.
 */
export async function claimFresh<T>(
  kv: Deno.Kv,
  entry: Deno.KvEntry<T>,
  claimKey: Deno.KvKey,
  claim: Claim,
  also?: WriteBuilder,
): Promise<boolean> {
  return await groupCommitOf(kv).commit((write) => {
    write.check({ key: claimKey, versionstamp: null }, entry)
      .set(claimKey, claim);
    also?.(write);
  });
}

/**
 * Claims one item: first as never claimed (one write, no read), else by
 * taking over a claim whose lease lapsed.
 *
 * @returns The attempt this is, or `undefined` when another worker holds it.
 */
export async function claimOne<T>(
  kv: Deno.Kv,
  entry: Deno.KvEntry<T>,
  claimKey: Deno.KvKey,
  now: number,
  lease: number,
): Promise<number | undefined> {
  const fresh = await kv.atomic()
    .check({ key: claimKey, versionstamp: null }).check(entry)
    .set(claimKey, { until: now + lease, attempts: 1 } satisfies Claim)
    .commit();
  if (fresh.ok) return 1;
  const claim = await kv.get<Claim>(claimKey);
  if (!claim.value || claim.value.until > now) return undefined;
  const attempts = claim.value.attempts + 1;
  const taken = await kv.atomic().check(claim).check(entry)
    .set(claimKey, { until: now + lease, attempts } satisfies Claim)
    .commit();
  return taken.ok ? attempts : undefined;
}

/**
 * Commits a write built by `build` and the mutations joined to it, with
 * the other writes to this KV that wait (a group commit).
 *
 * @returns True when the write's checks held.
 */
export async function commitJoined(
  kv: Deno.Kv,
  joined: Joined[],
  build: (write: Deno.AtomicOperation) => void = () => {},
): Promise<boolean> {
  return await groupCommitOf(kv).commit((write) => {
    build(write);
    for (const mutate of joined) mutate(write);
  });
}

/**
 * Runs one claimed item's handler, then deletes the item with what the job
 * joined in one write; a failure backs off, or sets the item aside.
 */
export async function runJob<T>(
  place: JobPlace,
  handler: (item: T, job: WorkJob) => Promise<void>,
  id: string,
  entry: Deno.KvEntry<T>,
  attempts: number,
  options: {
    /** The key of the list's `alsoClaim`, when claimed with the item. */
    claimed?: string;
    /** Called once the handler returned or threw, before the last write. */
    handled?: () => void;
  } = {},
): Promise<void> {
  // Mutations the job joined to its last write; `undefined` once that
  // write has begun, so a late one is committed by its owner instead.
  let extra: Joined[] | undefined = [];
  const job: WorkJob = {
    join: (mutate) => extra ? (extra.push(mutate), true) : false,
    claimed: options.claimed,
  };
  const take = () => {
    const joined = extra ?? [];
    extra = undefined;
    return joined;
  };
  let joined: Joined[] | undefined;
  try {
    try {
      await handler(entry.value, job);
    } finally {
      options.handled?.();
    }
    joined = take();
    await finish(place, id, entry, joined);
  } catch (error) {
    // What the job joined holds whatever else fails: the dedupe record of
    // an event that reached the bot must not be lost with the job.
    await commitAlone(place, joined ?? take());
    if (place.abandoned.has(id)) return; // handed back by stop()
    await failed(place, id, entry, attempts, error).catch((failure) =>
      place.logger.warn(
        `Could not record a failed job in ${place.label}: ${
          messageOf(failure)
        }`,
      )
    );
  }
}

/**
 * Deletes a handled item, with what its job joined, in one write; counted
 * once, even if another worker also ran it (then the check fails, and what
 * the job joined is written alone).
 */
async function finish<T>(
  place: JobPlace,
  id: string,
  entry: Deno.KvEntry<T>,
  joined: Joined[],
): Promise<void> {
  const ok = await commitJoined(
    place.kv,
    joined,
    (write) =>
      write.check(entry).delete(entry.key).delete(place.key("claim", id))
        .sum(place.key("count", COUNT_OUT), 1n),
  );
  if (!ok) await commitAlone(place, joined);
}

/** Commits what a job joined, without its item; a failure is logged. */
async function commitAlone(place: JobPlace, joined: Joined[]): Promise<void> {
  if (joined.length === 0) return;
  await commitJoined(place.kv, joined).catch((error) =>
    place.logger.warn(
      `Could not record a handled event in ${place.label}: ${messageOf(error)}`,
    )
  );
}

async function failed<T>(
  place: JobPlace,
  id: string,
  entry: Deno.KvEntry<T>,
  attempts: number,
  error: unknown,
): Promise<void> {
  // Busy: another worker (or one that died) holds the event's claim. Not a
  // failure of the item: it waits for that claim, and costs no attempt
  // (the next claim counts one again, so this one is taken back).
  const busy = error instanceof BusyError;
  if (busy) attempts--;
  if (!busy && attempts >= place.attempts) {
    place.logger.error(
      `A queued delivery failed ${attempts} times and is set aside under ${
        JSON.stringify(place.key("undelivered", id))
      }: ${messageOf(error)}`,
    );
    await place.kv.atomic().check(entry).delete(entry.key)
      .delete(place.key("claim", id))
      .set(place.key("undelivered", id), entry.value)
      .sum(place.key("count", COUNT_OUT), 1n).commit();
    return;
  }
  // 1, 3, 9, 27, 60 s: the same line as the library's other retries. A
  // busy event: a few seconds (its holder may end in a moment, or have
  // died: then its claim lapses at `until`), never past that.
  const wait = busy
    ? Math.min(BUSY_WAIT, Math.max(1_000, error.until - Date.now()))
    : Math.min(60_000, 1_000 * 3 ** (attempts - 1));
  if (busy) {
    place.logger.debug(
      `A queued delivery waits ${wait / 1000} s: ${messageOf(error)}`,
    );
  } else {
    place.logger.warn(
      `A queued delivery failed (attempt ${attempts}); it is tried again in ${
        wait / 1000
      } s: ${messageOf(error)}`,
    );
  }
  await place.kv.set(
    place.key("claim", id),
    {
      until: Date.now() + wait,
      attempts,
    } satisfies Claim,
  );
}

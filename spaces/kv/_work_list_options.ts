/**
 * The options of `KvWorkList`, and the error of a full list.
 *
 * @module
 */

import { SpacesError } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { WriteBuilder } from "./_group_commit.ts";

/** The queue holds its bound of undelivered items: try again later. */
export class QueueFullError extends SpacesError {}

/** Options of `KvWorkList`. */
export interface KvWorkListOptions<T = unknown> {
  /** Where its keys live. @default ["shellbot", "work"] */
  prefix?: Deno.KvKey;
  /** Undelivered items at most; `put` throws a `QueueFullError` past it. @default 10_000 */
  bound?: number;
  /** Jobs at once in this process. @default 16 */
  concurrency?: number;
  /** How long a claim holds, in ms, before another worker may take the item. @default 60_000 */
  lease?: number;
  /** Milliseconds between two looks for work that other instances put. @default 1_000 */
  pollInterval?: number;
  /** Attempts of an item whose handler throws, then it is set aside. @default 6 */
  attempts?: number;
  /** Milliseconds a `put` may wait on the KV (a file locked elsewhere). @default 3_000 */
  putDeadline?: number;
  /**
   * Another claim to write with each item's first claim, in the same write
   * (such as the dedupe record of the event the item carries): its key,
   * which the job gets as `claimed`, and the write. When that write fails
   * (the other claim is held), the item is claimed alone.
   */
  alsoClaim?: (item: T) => {
    key: string;
    build: WriteBuilder;
    /**
     * Gives that claim back, when `stop()` hands the job back to the list
     * (so that the next start is not held off by it until its lease ends).
     */
    release?: () => Promise<void>;
  };
  /**
   * Called when an item put by this process is taken, before its claim is
   * written: work that may begin early (a fetch its handler will need),
   * never its effects. Items read from the KV may be another instance's.
   */
  prepare?: (item: T) => void;
  /** What the KV is, for log lines and errors: its file. @default "the KV" */
  label?: string;
  logger: Logger;
}

/**
 * User lines read from stdin in batches, for the local space: a batch is
 * what arrived at once, so piped input is handled in few writes.
 *
 * @module
 */

import { raceAbort } from "../_sleep.ts";
import { LineBatchStream } from "../_lines.ts";

/** Reads batches of lines; an abort leaves the read pending for the next call. */
export class StdinBatches {
  #stdin?: ReadableStream<Uint8Array>;
  #lines?: ReadableStreamDefaultReader<string[]>;
  #pendingRead?: Promise<ReadableStreamReadResult<string[]>>;

  /** @param stdin The stream; `Deno.stdin.readable` when absent. */
  constructor(stdin?: ReadableStream<Uint8Array>) {
    this.#stdin = stdin;
  }

  /** True when lines come from a terminal (the prompt is shown, not echoed). */
  get isTerminal(): boolean {
    return this.#stdin === undefined && Deno.stdin.isTerminal();
  }

  /**
   * @param beforeRead Called before a new read starts (prompt, flush).
   * @returns a batch of lines, `null` at the end of stdin, `undefined` on abort.
   */
  async read(
    beforeRead: () => Promise<void>,
    signal?: AbortSignal,
  ): Promise<string[] | null | undefined> {
    if (signal?.aborted) return undefined;
    if (!this.#lines) {
      const stdin = this.#stdin ?? Deno.stdin.readable;
      this.#lines = stdin
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new LineBatchStream())
        .getReader();
    }
    if (!this.#pendingRead) {
      await beforeRead();
      this.#pendingRead = this.#lines.read();
    }
    const result = await raceAbort(this.#pendingRead, signal);
    if (result === undefined) return undefined;
    this.#pendingRead = undefined;
    return result.done ? null : result.value;
  }
}

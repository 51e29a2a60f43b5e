/**
 * User lines read from stdin in batches, for the local space: a batch is
 * what arrived at once, so piped input is handled in few writes. A line
 * longer than 1 MiB (`MAX_LINE_LENGTH`) is cut to it, with a warning on the
 * logger: a user line is a chat line, and a longer one would be held whole
 * in memory.
 *
 * @module
 */

import { abortable } from "../_sleep.ts";
import { cutLineWarning, LineBatchStream } from "../_lines.ts";
import type { Logger } from "../log.ts";

/** Reads batches of lines; an abort leaves the read pending for the next call. */
export class StdinBatches {
  #stdin?: ReadableStream<Uint8Array>;
  #lines?: ReadableStreamDefaultReader<string[]>;
  #pendingRead?: Promise<ReadableStreamReadResult<string[]>>;
  #logger?: Logger;

  /**
   * @param stdin The stream; `Deno.stdin.readable` when absent.
   * @param logger Warned about a cut line; `console` when absent.
   */
  constructor(stdin?: ReadableStream<Uint8Array>, logger?: Logger) {
    this.#stdin = stdin;
    this.#logger = logger;
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
        .pipeThrough(
          new LineBatchStream({
            onCut: (length, max) =>
              (this.#logger ?? console).warn(cutLineWarning(length, max)),
          }),
        )
        .getReader();
    }
    if (!this.#pendingRead) {
      await beforeRead();
      this.#pendingRead = this.#lines.read();
    }
    const result = await abortable(this.#pendingRead, signal, () => undefined);
    if (result === undefined) return undefined;
    this.#pendingRead = undefined;
    return result.done ? null : result.value;
  }
}

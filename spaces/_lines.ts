/**
 * Splits decoded text into lines, emitting every complete line of a chunk
 * as one batch so a burst of input costs one read, not one read per line.
 * `\r\n` endings lose their `\r`; a last line without `\n` is kept.
 *
 * @module
 */

/** The longest line kept, in characters (UTF-16 code units): 1 MiB. */
export const MAX_LINE_LENGTH = 1024 * 1024;

/** Options of {@linkcode LineBatchStream}. */
export interface LineBatchOptions {
  /**
   * The longest line kept, in characters; a longer line is cut to this
   * length (its first characters are kept, the rest dropped as it arrives).
   * @default MAX_LINE_LENGTH (1 MiB)
   */
  maxLength?: number;
  /**
   * Called once for every line that was cut, with its full length.
   * @default a warning on `console.warn`
   */
  onCut?: (length: number, maxLength: number) => void;
}

/**
 * The warning for a cut line; stdin lines are chat lines, so a longer one
 * is almost surely a file piped by mistake.
 */
export function cutLineWarning(length: number, maxLength: number): string {
  return `A line of ${length} characters was cut to its first ${maxLength} ` +
    `(the longest line read from stdin)`;
}

/**
 * Lines from decoded text, in batches. Work and memory are linear: each
 * chunk is scanned once for `\n`, the pieces of an unfinished line wait in
 * an array and are joined once when its `\n` arrives, and no more than
 * `maxLength` characters of a line are kept.
 */
export class LineBatchStream extends TransformStream<string, string[]> {
  constructor(options: LineBatchOptions = {}) {
    const maxLength = options.maxLength ?? MAX_LINE_LENGTH;
    const onCut = options.onCut ??
      ((length, max) => console.warn(cutLineWarning(length, max)));
    let pieces: string[] = [];
    let kept = 0; // characters in `pieces`
    let length = 0; // characters of the line so far, kept or not
    let last = ""; // the line's last character, kept or not

    const take = (piece: string) => {
      if (piece === "") return;
      length += piece.length;
      last = piece[piece.length - 1];
      if (kept >= maxLength) return;
      const part = piece.length <= maxLength - kept
        ? piece
        : piece.slice(0, maxLength - kept);
      pieces.push(part);
      kept += part.length;
    };
    const finish = (): string => {
      let line = pieces.length === 1 ? pieces[0] : pieces.join("");
      let full = length;
      if (last === "\r") {
        full--;
        if (line.length > full) line = line.slice(0, full);
      }
      if (full > maxLength) {
        // Half a surrogate pair would decode as U+FFFD; drop it.
        const end = line.charCodeAt(line.length - 1);
        if (end >= 0xd800 && end <= 0xdbff) line = line.slice(0, -1);
        onCut(full, maxLength);
      }
      pieces = [];
      kept = length = 0;
      last = "";
      return line;
    };

    super({
      transform(chunk, controller) {
        const lines: string[] = [];
        let start = 0;
        for (
          let end = chunk.indexOf("\n");
          end !== -1;
          end = chunk.indexOf("\n", start)
        ) {
          take(chunk.slice(start, end));
          lines.push(finish());
          start = end + 1;
        }
        take(chunk.slice(start));
        if (lines.length > 0) controller.enqueue(lines);
      },
      flush(controller) {
        if (length > 0) controller.enqueue([finish()]);
      },
    });
  }
}

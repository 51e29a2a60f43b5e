/**
 * Splits decoded text into lines, emitting every complete line of a chunk
 * as one batch so a burst of input costs one read, not one read per line.
 * `\r\n` endings lose their `\r`; a last line without `\n` is kept.
 */
export class LineBatchStream extends TransformStream<string, string[]> {
  constructor() {
    let rest = "";
    super({
      transform(chunk, controller) {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop() ?? "";
        if (parts.length > 0) controller.enqueue(parts.map(withoutCarriage));
      },
      flush(controller) {
        if (rest !== "") controller.enqueue([withoutCarriage(rest)]);
      },
    });
  }
}

function withoutCarriage(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

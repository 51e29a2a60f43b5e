/** Helpers for tests that run a server of the library: its output, and a public URL in front of it. */

/** All a child printed on one stream so far, and waits for text in it. */
export class Output {
  text = "";
  readonly done: Promise<void>;
  #ended = false;
  #changed = Promise.withResolvers<void>();

  constructor(stream: ReadableStream<Uint8Array>, readonly name: string) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text += chunk;
        this.#wake();
      }
      this.#ended = true;
      this.#wake();
    })();
  }

  /**
   * The first match of `pattern`; rejects if the stream ends before it, or
   * after `limitMs` (a bound so that a broken program fails the test instead
   * of stalling CI, not a timing expectation).
   */
  async waitFor(
    pattern: RegExp,
    limitMs = 60_000,
  ): Promise<RegExpMatchArray> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new Error(
              `The ${this.name} did not print ${pattern} within ${limitMs} ms: ${this.text}`,
            ),
          ),
        limitMs,
      );
    });
    try {
      for (;;) {
        const match = this.text.match(pattern);
        if (match) return match;
        if (this.#ended) {
          throw new Error(
            `The ${this.name} ended before printing ${pattern}: ${this.text}`,
          );
        }
        await Promise.race([this.#changed.promise, limit]);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  #wake() {
    this.#changed.resolve();
    this.#changed = Promise.withResolvers<void>();
  }
}

/**
 * A public address in front of a server not started yet, as a load
 * balancer is: Webex needs `SERVER_URL` before `deno serve` tells its port.
 * The try program has the same need and this same helper.
 */
export { frontDoor } from "../spaces/server/try/_front_door.ts";

/**
 * Runs Deno with `args` (in `cwd`, with `stdin` written and closed) and
 * gives its exit code and output as text.
 */
export async function runDeno(
  args: string[],
  options: { stdin?: string; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: options.cwd,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(options.stdin ?? ""));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  const decoder = new TextDecoder();
  return {
    code,
    stdout: decoder.decode(stdout),
    stderr: decoder.decode(stderr),
  };
}

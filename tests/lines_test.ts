import assert from "node:assert/strict";
import { EventQueue, LocalSpace, type SpaceEvent } from "../mod.ts";
import {
  cutLineWarning,
  LineBatchStream,
  MAX_LINE_LENGTH,
} from "../spaces/_lines.ts";
import { textSink } from "./_streams.ts";

const MiB = 1024 * 1024;

/** The batches the splitter makes of these decoded chunks. */
async function batches(
  chunks: Iterable<string> | AsyncIterable<string>,
  options?: ConstructorParameters<typeof LineBatchStream>[0],
): Promise<string[][]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new LineBatchStream(options)),
  );
}

/** `size` characters of `a` then `tail`, in 64 KiB chunks made on demand. */
function* longLine(size: number, tail = ""): Generator<string> {
  const chunk = "a".repeat(64 * 1024);
  for (let left = size; left > 0; left -= chunk.length) {
    yield left >= chunk.length ? chunk : chunk.slice(0, left);
  }
  if (tail) yield tail;
}

Deno.test("the lines of a chunk come as one batch; a line may span chunks", async () => {
  assert.deepEqual(
    await batches(["a\nb\r\nc", "", "d", "e\r", "\nf\n\n", "last"]),
    [["a", "b"], ["cde", "f", ""], ["last"]],
  );
  assert.deepEqual(await batches(["x\r"]), [["x"]]);
  assert.deepEqual(await batches(["x\n", ""]), [["x"]]);
  assert.deepEqual(await batches([]), []);
});

Deno.test("a line longer than the limit is cut to it, once, with its full length told", async () => {
  const cuts: number[][] = [];
  const onCut = (length: number, max: number) => void cuts.push([length, max]);
  assert.deepEqual(
    await batches(["abc", "def\r\nabcd\r", "\nabcde\nab", "cdefgh"], {
      maxLength: 4,
      onCut,
    }),
    [["abcd"], ["abcd", "abcd"], ["abcd"]],
  );
  // "abcd\r" is whole; "abcdef", "abcde" and "abcdefgh" were cut.
  assert.deepEqual(cuts, [[6, 4], [5, 4], [8, 4]]);
  // Half a surrogate pair is not kept at the cut.
  assert.deepEqual(await batches(["ab😀c\n"], { maxLength: 3, onCut }), [[
    "ab",
  ]]);
});

Deno.test("a 20 MiB line yields its first MiB and one warning, read in one pass", async () => {
  const cuts: number[] = [];
  let chunks = 0;
  const counted = (function* () {
    for (const chunk of longLine(20 * MiB, "\r\nnext\n")) {
      chunks++;
      yield chunk;
    }
  })();
  const result = await batches(counted, {
    onCut: (length) => void cuts.push(length),
  });
  // 320 chunks of 64 KiB and the tail: each chunk is handed over once.
  assert.equal(chunks, 321);
  assert.equal(result.length, 1);
  assert.deepEqual(result[0].map((line) => line.length), [MiB, 4]);
  assert.equal(result[0][0], "a".repeat(MiB));
  assert.equal(result[0][1], "next");
  assert.deepEqual(cuts, [20 * MiB]);
  assert.equal(MAX_LINE_LENGTH, MiB);
});

Deno.test("a line of exactly the limit, with or without \\r, is whole", async () => {
  let cut = false;
  const onCut = () => void (cut = true);
  for (const tail of ["\r\n", "\n", ""]) {
    const [[line]] = await batches(longLine(MiB, tail), { onCut });
    assert.equal(line.length, MiB);
  }
  assert.equal(cut, false);
});

Deno.test("LocalSpace hears a cut stdin line and warns on its logger", async () => {
  const warnings: string[] = [];
  const ears = new EventQueue<SpaceEvent>();
  const encoder = new TextEncoder();
  const chunks = longLine(3 * MiB, "\nhi\n");
  const stdin = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  const ignore = () => {};
  const space = new LocalSpace({
    ears,
    stdin,
    stdout: textSink().stream,
    logger: {
      debug: ignore,
      info: ignore,
      warn: (line) => void warnings.push(line),
      error: ignore,
    },
  });
  await space.run();
  ears.close();
  const texts: string[] = [];
  for await (const event of ears) {
    if (event.type === "message") texts.push(event.text);
  }
  assert.deepEqual(texts.map((text) => text.length), [MiB, 2]);
  assert.deepEqual(warnings, [cutLineWarning(3 * MiB, MiB)]);
  assert.match(warnings[0], /A line of 3145728 characters was cut/);
});

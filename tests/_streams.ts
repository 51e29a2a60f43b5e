/** A writable stream that keeps what is written, as text. */
export function textSink(): {
  stream: WritableStream<Uint8Array>;
  text: () => string;
} {
  const decoder = new TextDecoder();
  let text = "";
  const stream = new WritableStream<Uint8Array>({
    write(chunk) {
      text += decoder.decode(chunk, { stream: true });
    },
  });
  return { stream, text: () => text };
}

/** A readable byte stream of the given text chunks, then its end. */
export function textSource(...chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return ReadableStream.from(chunks.map((chunk) => encoder.encode(chunk)));
}

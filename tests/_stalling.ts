/**
 * Answers that stall: headers at once, then a body that stops, for the
 * timeouts of the Webex client and of downloads. No sleeps: the stall is
 * a promise resolved only at cleanup.
 *
 * @module
 */

/**
 * An answer whose headers come at once and whose body stops after `first`
 * until `release` is called; `cancelled` resolves when the client hangs up.
 */
export function stallingAnswer(first: string, headers?: HeadersInit) {
  const release = Promise.withResolvers<void>();
  const cancelled = Promise.withResolvers<void>();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode(first));
      release.promise.then(() => {
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      });
    },
    cancel() {
      cancelled.resolve();
    },
  });
  return {
    response: new Response(body, { headers }),
    release: () => release.resolve(),
    cancelled: cancelled.promise,
  };
}

/**
 * A raw HTTP server on 127.0.0.1 that answers every request with `head`
 * and `body` as they are, then hangs up: it can lie about its
 * Content-Length, which `Deno.serve` would not let it do.
 */
export function rawServer(head: string, body: string) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    for await (const connection of listener) {
      try {
        await connection.read(new Uint8Array(4096));
        await connection.write(new TextEncoder().encode(head + body));
      } finally {
        connection.close();
      }
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served.catch(() => {});
    },
  };
}

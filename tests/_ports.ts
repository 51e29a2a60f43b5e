/**
 * Ports for tests and benchmarks that hold on to what they bind. A port
 * that is bound, closed, then bound again by someone else is a race once
 * test files run in parallel: another process may take it in between.
 * Every helper here binds port 0 on 127.0.0.1 and keeps the socket until
 * disposed.
 *
 * - {@linkcode openFrontDoor}: a URL known before the server behind it
 *   starts, for `server.url` (the address Webex delivers to).
 * - {@linkcode openRefusingPort}: a port where every connection is cut, for
 *   "the service is out of reach".
 * - {@linkcode listeningUrl}: the address `server.ts --port 0` prints.
 *
 * @module
 */

/** What a front door sends requests to: a base URL, or a handler in this process. */
export type FrontTarget = string | ((request: Request) => Promise<Response>);

/** A kept listener on 127.0.0.1 that hands its requests to a target set later. */
export interface FrontDoor extends AsyncDisposable {
  /** The bound port. */
  port: number;
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /**
   * Sets where requests go from now on: a base URL (requests are forwarded
   * with their path and query) or a handler. Requests that came before
   * the first call wait for it.
   */
  route(target: FrontTarget): void;
}

/**
 * Opens a front door: a server on port 0 whose URL is known at once, so
 * that it can be given as `server.url` to a server that starts afterwards
 * (on port 0 too) and is then routed to.
 */
export function openFrontDoor(): FrontDoor {
  const client = Deno.createHttpClient({});
  const first = Promise.withResolvers<FrontTarget>();
  let current: Promise<FrontTarget> = first.promise;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const target = await current;
      if (typeof target !== "string") return await target(request);
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD"
        ? undefined
        : new Uint8Array(await request.arrayBuffer());
      const answer = await fetch(target + url.pathname + url.search, {
        method: request.method,
        headers: request.headers,
        body,
        client,
      });
      return new Response(await answer.arrayBuffer(), {
        status: answer.status,
        headers: answer.headers,
      });
    },
  );
  return {
    port: server.addr.port,
    url: `http://127.0.0.1:${server.addr.port}`,
    route(target) {
      first.resolve(target);
      current = Promise.resolve(target);
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      client.close();
    },
  };
}

/** A kept port on 127.0.0.1 where nothing can be reached. */
export interface RefusingPort extends AsyncDisposable {
  /** The bound port. */
  port: number;
}

/**
 * Binds a port that cuts every connection as soon as it is made: a client
 * gets a network error, as from a closed port, but no other process can
 * take the port and answer while the test runs.
 */
export function openRefusingPort(): RefusingPort {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepting = (async () => {
    try {
      for await (const connection of listener) connection.close();
    } catch {
      // The listener was closed.
    }
  })();
  return {
    port: listener.addr.port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await accepting;
    },
  };
}

const LISTENING = /^Listening on (http:\/\/\S+)/;

/**
 * The address in the line `server.ts` prints once it listens ("Listening on
 * http://127.0.0.1:PORT (mode)"), or `undefined` for any other line.
 */
export function listeningUrl(line: string): string | undefined {
  return LISTENING.exec(line)?.[1];
}

/**
 * A scripted HTTP server on 127.0.0.1 and a Webex client pointed at it, for
 * the client's tests.
 *
 * @module
 */

import type { Logger } from "../spaces/log.ts";
import {
  WebexClient,
  type WebexClientOptions,
} from "../spaces/webex/client.ts";

/** A token the tests look for in errors and logs. */
export const TOKEN = "Zm9vYmFyLXNlY3JldC10b2tlbi0xMjM0NQ";

/** What a scripted server saw of one request. */
export interface Seen {
  method: string;
  path: string;
  headers: Headers;
  body: string;
}

/** An answer, or a function making it. */
export type Reply =
  | Response
  | ((request: Request) => Response | Promise<Response>);

/** A server on 127.0.0.1 answering each request with the next reply. */
export function startServer(replies: Reply[] = []) {
  const seen: Seen[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        headers: request.headers,
        body: await request.text(),
      });
      const reply = replies.shift();
      if (reply === undefined) {
        return new Response("no reply scripted", { status: 500 });
      }
      return typeof reply === "function" ? await reply(request) : reply;
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    port: server.addr.port,
    seen,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
    },
  };
}

/** A logger keeping its lines. */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(message),
    info: (message) => lines.push(message),
    warn: (message) => lines.push(message),
    error: (message) => lines.push(message),
  };
}

/** A client of `server`, with 1 ms backoffs and a recording logger. */
export function clientFor(
  server: { url: string },
  options: Partial<WebexClientOptions> = {},
): WebexClient {
  return new WebexClient({
    token: TOKEN,
    apiUrl: `${server.url}/v1`,
    backoff: { base: 1, max: 1 },
    logger: recordingLogger(),
    ...options,
  });
}

/** A JSON error answer. */
export function errorBody(
  status: number,
  body: unknown,
  headers?: HeadersInit,
) {
  return Response.json(body, { status, headers });
}

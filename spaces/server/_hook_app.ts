import { Hono } from "hono";
import type { Space } from "../base.ts";
import { messageOf } from "../_objects.ts";

/** Options of the hook route; see `createHookHandler` in hook_handler.ts. */
export interface HookAppOptions {
  path: string;
  maxBodyBytes: number;
}

/**
 * The handler behind the webhook server: the hook route with a body limit,
 * `GET /health`, and answers that never leak internals. Deliveries skip the
 * router (they are nearly all the traffic); everything else goes through a
 * small Hono app. Kept out of the public types so users depend on
 * `Request`/`Response` only.
 */
export function buildHookHandler(
  space: Space,
  options: HookAppOptions,
): (request: Request) => Promise<Response> {
  const limit = options.maxBodyBytes;
  const fail = (error: unknown, request: Request) => {
    space.logger.error(
      `The webhook server failed on ${request.method} ${
        new URL(request.url).pathname
      }: ${messageOf(error)}`,
    );
    return Response.json({ error: "Internal error" }, { status: 500 });
  };
  const receive = async (request: Request): Promise<Response> => {
    // Content-Length first, without touching request.body: reading that
    // property makes Deno stream the body through JavaScript, which halved
    // the route's throughput.
    const length = request.headers.get("content-length");
    if (length !== null && !request.headers.has("transfer-encoding")) {
      if (Number(length) > limit) return refuse();
      return await space.webhook(request);
    }
    const body = await readLimited(request.body, limit);
    if (body === undefined) return refuse();
    return await space.webhook(new Request(request, { body }));
  };
  const refuse = () => {
    space.logger.warn(`Refused a webhook delivery over ${limit} bytes`);
    return Response.json({ error: "Payload too large" }, { status: 413 });
  };

  const app = new Hono();
  app.get("/health", (c) => c.json({ status: "ok" }));
  app.notFound((c) => c.json({ error: "Not found" }, 404));
  app.onError((error, c) => fail(error, c.req.raw));

  const hookPath = options.path;
  return async (request) => {
    if (request.method === "POST" && pathOf(request.url) === hookPath) {
      try {
        return await receive(request);
      } catch (error) {
        return fail(error, request);
      }
    }
    return await app.fetch(request);
  };
}

/** The path of a URL, without building a URL object. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.indexOf("?", start);
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** Reads a body of unknown length; `undefined` once it passes the limit. */
async function readLimited(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (body) {
    for await (const chunk of body) {
      size += chunk.length;
      if (size > limit) return undefined;
      chunks.push(chunk);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * The front door of the bot's hook route in the playground: the fake's
 * deliveries arrive here, are recorded on the wire, and are forwarded to
 * the bot's server, whose answer goes back to the fake.
 *
 * @module
 */

import type { Wire } from "./_wire.ts";

/**
 * The largest delivery taken, as the bot's server takes by default
 * (`server.body_limit`): a real one is about 1 KiB.
 */
export const HOOK_BODY_LIMIT = 65_536;

/** What the front door needs. */
export interface HookFrontOptions {
  wire: Wire;
  /** The path Webex delivers to, such as `/hook`. */
  hookPath: string;
  /** Where deliveries go: the bot server's hook URL, once it listens. */
  hookTarget: Promise<string>;
}

/**
 * Records a delivery and forwards it to the bot; a body over
 * {@linkcode HOOK_BODY_LIMIT} gets 413 and is neither kept nor forwarded.
 *
 * @param request The delivery.
 * @param options The wire and where the bot listens.
 * @returns The bot's answer.
 */
export async function forwardDelivery(
  request: Request,
  options: HookFrontOptions,
): Promise<Response> {
  const { wire } = options;
  const bytes = await readCapped(request, HOOK_BODY_LIMIT);
  if (bytes === undefined) {
    return Response.json({ message: "The body is too large" }, {
      status: 413,
    });
  }
  const body = new TextDecoder().decode(bytes);
  // Recorded on arrival, so that it comes before the calls it causes. The
  // wire keeps only the start of the body.
  const entry = wire.record({
    kind: "event",
    method: "POST",
    path: options.hookPath,
    status: 0,
    ...describeDelivery(body),
    body,
  });
  const headers = new Headers(request.headers);
  headers.delete("host");
  headers.delete("content-length");
  const answer = await fetch(await options.hookTarget, {
    method: "POST",
    headers,
    body: bytes,
  }).catch((error) => {
    wire.settle(entry, 502);
    throw error;
  });
  const text = await answer.text();
  wire.settle(entry, answer.status);
  return new Response(text, { status: answer.status, headers: answer.headers });
}

/** The body, or `undefined` once it passes `limit` (the rest is not read). */
async function readCapped(
  request: Request,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return undefined;
  if (!request.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body) {
    size += chunk.byteLength;
    // Leaving the loop cancels the body: what is still to come is dropped.
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

function describeDelivery(body: string): { roomId?: string; summary?: string } {
  try {
    const value = JSON.parse(body);
    const roomId = value?.data?.roomId;
    return {
      ...(typeof roomId === "string" ? { roomId } : {}),
      summary: `${value?.resource} ${value?.event}`,
    };
  } catch {
    return {};
  }
}

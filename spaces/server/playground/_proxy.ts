/**
 * The bot's way to the fake Webex in the playground: every API call goes
 * through here, is forwarded as is, and lands in the wire log with its room,
 * so that the page shows what the bot did and refreshes the room it wrote to.
 *
 * @module
 */

import type { Wire } from "./_wire.ts";

/** Where the proxy forwards, and how it finds the room of a message. */
export interface ProxyOptions {
  /** The fake's API base, such as `http://127.0.0.1:PORT/v1`. */
  apiUrl: string;
  /** The log the calls are written to. */
  wire: Wire;
  /** The room of a message id, for calls that do not say it. */
  roomOfMessage(messageId: string): string | undefined;
}

/**
 * Forwards a request under `/v1/` to the fake and records it.
 *
 * @param request The bot's request to the playground.
 * @param options Where to forward and what to record in.
 * @returns The fake's answer, with links pointing back at the playground.
 */
export async function proxyApi(
  request: Request,
  options: ProxyOptions,
): Promise<Response> {
  const url = new URL(request.url);
  const target = new URL(options.apiUrl);
  const path = url.pathname.replace(/^\/v1/, "") + url.search;
  const body = request.method === "GET" || request.method === "HEAD"
    ? undefined
    : new Uint8Array(await request.arrayBuffer());
  const headers = new Headers(request.headers);
  headers.delete("host");
  const answer = await fetch(options.apiUrl + path, {
    method: request.method,
    headers,
    body,
    redirect: "manual",
  });
  const bytes = new Uint8Array(await answer.arrayBuffer());
  const roomId = url.searchParams.get("roomId") ??
    roomInJson(body, request.headers.get("content-type")) ??
    roomInJson(bytes, answer.headers.get("content-type")) ??
    messageRoom(url.pathname, options);
  options.wire.record({
    kind: "api",
    method: request.method,
    path: "/v1" + path,
    status: answer.status,
    ...(roomId ? { roomId } : {}),
  });
  if (request.method !== "GET" && request.method !== "HEAD") {
    options.wire.changed(roomId);
  }
  const out = new Headers(answer.headers);
  // Pagination links name the fake: point them back here, so that the next
  // page is recorded too.
  const link = out.get("link");
  if (link) out.set("link", link.replaceAll(target.origin, url.origin));
  out.delete("content-length");
  out.delete("content-encoding");
  const forwarded = answer.headers.get("content-type")?.includes("json")
    ? contentsHere(bytes, options.apiUrl, `${url.origin}/v1`)
    : bytes;
  return new Response(answer.status === 204 ? null : forwarded, {
    status: answer.status,
    headers: out,
  });
}

/**
 * Points the file URLs of messages here instead of at the fake: the bot
 * sends its token only to its own API's origin, and a download through here
 * shows on the wire.
 */
function contentsHere(
  bytes: Uint8Array<ArrayBuffer>,
  apiUrl: string,
  here: string,
): Uint8Array<ArrayBuffer> {
  const text = new TextDecoder().decode(bytes);
  const from = `${apiUrl}/contents/`;
  return text.includes(from)
    ? new TextEncoder().encode(text.replaceAll(from, `${here}/contents/`))
    : bytes;
}

function roomInJson(
  bytes: Uint8Array | undefined,
  type: string | null,
): string | undefined {
  if (!bytes || !type?.includes("json")) return undefined;
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value?.roomId === "string" ? value.roomId : undefined;
  } catch {
    return undefined;
  }
}

function messageRoom(
  pathname: string,
  options: ProxyOptions,
): string | undefined {
  const match = pathname.match(/^\/v1\/messages\/([^/]+)$/);
  return match
    ? options.roomOfMessage(decodeURIComponent(match[1]))
    : undefined;
}

/**
 * Helpers of the FakeWebex API tests: call the fake over HTTP as someone,
 * walk paginated lists, check error bodies, and start a small world.
 *
 * @module
 */

import assert from "node:assert/strict";
import { FakeWebex, parseFakeWebexId } from "../testing.ts";

/** The uuid inside an id, read by the fake's own parser. */
export const uuidOf = (id: string): string | undefined =>
  parseFakeWebexId(id)?.uuid;

export interface Answer {
  status: number;
  headers: Headers;
  // deno-lint-ignore no-explicit-any
  body: any;
}

/** Calls the fake as the bot (or `token`) and reads the JSON answer. */
export async function call(
  webex: FakeWebex,
  method: string,
  path: string,
  init: {
    token?: string | null;
    json?: unknown;
    body?: BodyInit;
    headers?: Record<string, string>;
  } = {},
): Promise<Answer> {
  const headers = new Headers(init.headers);
  const token = init.token === undefined ? webex.bot.token : init.token;
  if (token) headers.set("authorization", `Bearer ${token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const response = await fetch(
    path.startsWith("http") ? path : `${webex.url}${path}`,
    { method, headers, body },
  );
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? JSON.parse(text) : undefined,
  };
}

/** Follows `Link: rel="next"` from `path` and returns every page's items. */
export async function walk(
  webex: FakeWebex,
  path: string,
  token?: string,
): Promise<{ pages: number; items: Answer["body"][] }> {
  const items = [];
  let pages = 0;
  let next: string | undefined = path;
  while (next) {
    const answer = await call(webex, "GET", next, { token });
    assert.equal(answer.status, 200);
    items.push(...answer.body.items);
    pages++;
    next = /<([^>]+)>;\s*rel="next"/.exec(answer.headers.get("link") ?? "")
      ?.[1];
    if (next) {
      assert.ok(
        next.startsWith(webex.url),
        `the next link is absolute: ${next}`,
      );
    }
  }
  return { pages, items };
}

export function assertErrorBody(answer: Answer, status: number): void {
  assert.equal(answer.status, status);
  assert.equal(typeof answer.body.message, "string");
  assert.equal(answer.body.errors[0].description, answer.body.message);
  assert.equal(answer.body.trackingId, answer.headers.get("trackingid"));
}

/** A started fake with Alice and Bob in the group room "Ops" with the bot. */
export async function setup(options: { seed?: number } = {}) {
  const webex = await FakeWebex.start(options);
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@example.com", displayName: "Bob" });
  const room = webex.addRoom({ title: "Ops", members: [alice, bob] });
  return { webex, alice, bob, roomId: room.id as string };
}

/** A loopback HTTP server of files, for messages that give a file by URL. */
export class FileServer implements AsyncDisposable {
  /** Paths requested, in order. */
  readonly requested: string[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly origin: string;

  /** `files`: path → what to answer (a status alone answers an empty body). */
  constructor(
    files: Record<
      string,
      { body?: BodyInit; headers?: Record<string, string>; status?: number }
    >,
  ) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => {
        const path = new URL(request.url).pathname;
        this.requested.push(path);
        const file = files[path];
        if (!file) return new Response("not here", { status: 404 });
        return new Response(file.body ?? null, {
          status: file.status ?? 200,
          headers: file.headers,
        });
      },
    );
    this.origin = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#server.shutdown();
  }
}

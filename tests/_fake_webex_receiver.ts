/**
 * Helpers of the FakeWebex delivery tests: a real HTTP receiver that records
 * what it gets, and calls to the fake as a given person.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { FakePerson, FakeWebex } from "../testing.ts";

// deno-lint-ignore no-explicit-any
export type Json = any;

export interface Received {
  headers: Headers;
  raw: Uint8Array;
  json: Json;
}

/** A real HTTP receiver that records every delivery, raw bytes included. */
export class Receiver implements AsyncDisposable {
  readonly received: Received[] = [];
  /** The status to answer; may change during a test. */
  status = 200;
  /** When set, each answer waits for it. */
  gate?: Promise<void>;
  /** Called as each request arrives, before it is answered. */
  onRequest?: () => void;
  readonly url: string;
  #server: Deno.HttpServer<Deno.NetAddr>;

  constructor() {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (request) => {
        const raw = new Uint8Array(await request.arrayBuffer());
        const json = JSON.parse(new TextDecoder().decode(raw));
        this.received.push({ headers: request.headers, raw, json });
        this.onRequest?.();
        await this.gate;
        return new Response(null, { status: this.status });
      },
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}/hook`;
  }

  /** Deliveries of one webhook, by name. */
  of(name: string): Received[] {
    return this.received.filter((item) => item.json.name === name);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.#server.shutdown();
  }
}

/** Calls the API as `token` and reads the JSON answer. */
export async function callAs(
  webex: FakeWebex,
  token: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<{ status: number; body: Json }> {
  const response = await fetch(`${webex.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Creates a webhook as `owner` and returns it. */
export async function hook(
  webex: FakeWebex,
  owner: FakePerson,
  init: Record<string, unknown>,
): Promise<Json> {
  const answer = await callAs(webex, owner.token, "POST", "/webhooks", init);
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

/**
 * {@linkcode FakeWebexControls}: what a test switches and counts on a
 * `FakeWebex`: faults, latency, scan states, requests and webhook deliveries.
 *
 * @module
 */

import { internalsOf } from "./_internals.ts";
import { lookupContent } from "./_contents.ts";
import { parseFakeWebexId } from "./ids.ts";
import type {
  ContentState,
  FakeDelivery,
  FaultRule,
  RecordedRequest,
} from "./types.ts";

/**
 * The controls and counters of a `FakeWebex`: fault rules, latency and file
 * scan states to make the service misbehave; the request log and the
 * delivery log to see what happened; and `settled()` to wait for webhook
 * deliveries. A `FakeWebex` has all of them; make one with `FakeWebex.start`.
 *
 * @example Fail one post, then count what the fake answered
 * ```ts
 * import { FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * webex.injectFault({ endpoint: "GET /people/me", status: 503, times: 1 });
 * const headers = { authorization: `Bearer ${webex.bot.token}` };
 * const first = await fetch(`${webex.url}/people/me`, { headers });
 * await first.body?.cancel();
 * console.log(first.status); // 503
 * console.log(webex.requestCount("GET /people/me")); // 1
 * ```
 */
export class FakeWebexControls {
  /** Made through `FakeWebex.start` only. */
  protected constructor() {}

  /**
   * Makes matching requests fail with a status before they are processed, so
   * a failed POST never creates anything.
   *
   * @param rule Endpoint key (all when absent), status, `Retry-After`, how many times, and rate.
   * @throws {RangeError} When the rule is invalid.
   *
   * @example Throttle the next two posts
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.injectFault({ endpoint: "POST /messages", status: 429, retryAfter: 1, times: 2 });
   * ```
   */
  injectFault(rule: FaultRule): void {
    internalsOf(this).faults.add(rule);
  }

  /**
   * Drops every fault rule.
   *
   * @example Back to normal
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.injectFault({ status: 503 });
   * webex.clearFaults();
   * ```
   */
  clearFaults(): void {
    internalsOf(this).faults.clear();
  }

  /**
   * Delays every answer.
   *
   * @param ms Milliseconds to wait before answering; 0 for none.
   * @throws {RangeError} When `ms` is negative or not a number.
   *
   * @example A slow service
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.setLatency(20);
   * ```
   */
  setLatency(ms: number): void {
    if (!(ms >= 0)) {
      throw new RangeError(`Cannot set a latency of ${ms} ms: use 0 or more`);
    }
    internalsOf(this).router.latency = ms;
  }

  /**
   * Sets the malware-scan state of a file: `scanning` answers 423 with
   * `Retry-After`, `removed` 410, `unscannable` 428, `ready` serves it.
   *
   * @param idOrUrl The content id or URL.
   * @param contentState The new state.
   * @param options Seconds to send as `Retry-After` while scanning (default 1).
   * @throws {TypeError} When the content is unknown.
   *
   * @example Make a file unavailable while it is scanned
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const room = webex.addRoom({ title: "Ops" });
   * const url = webex.addContent(room.id, { name: "a.bin", bytes: new Uint8Array(3) });
   * webex.setContentState(url, "scanning", { retryAfter: 2 });
   * ```
   */
  setContentState(
    idOrUrl: string,
    contentState: ContentState,
    options: { retryAfter?: number } = {},
  ): void {
    const content = lookupContent(internalsOf(this).state, idOrUrl);
    if (!content) {
      throw new TypeError(
        `Cannot set the state of content '${idOrUrl}': it is unknown`,
      );
    }
    content.state = contentState;
    content.retryAfter = options.retryAfter ?? 1;
  }

  /**
   * How many requests were answered, faults and errors included.
   *
   * @param endpoint An endpoint key such as `GET /rooms` or `GET /messages/{id}`; all when absent.
   * @returns The count.
   *
   * @example Count a request
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const response = await fetch(`${webex.url}/people/me`, { headers: { authorization: `Bearer ${webex.bot.token}` } });
   * await response.body?.cancel();
   * console.log(webex.requestCount("GET /people/me")); // 1
   * ```
   */
  requestCount(endpoint?: string): number {
    const router = internalsOf(this).router;
    return endpoint === undefined
      ? router.requests.length
      : router.counts.get(endpoint) ?? 0;
  }

  /** Every request answered, oldest first. */
  get requests(): readonly RecordedRequest[] {
    return internalsOf(this).router.requests;
  }

  /**
   * Forgets the recorded requests and their counts.
   *
   * @example Start counting afresh
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.clearRequests();
   * console.log(webex.requestCount()); // 0
   * ```
   */
  clearRequests(): void {
    const router = internalsOf(this).router;
    router.requests.length = 0;
    router.counts.clear();
  }

  /**
   * Every webhook delivery attempted so far, oldest first: which webhook,
   * where, the exact body and signature, and what the receiver answered.
   * Await `settled()` first to see the deliveries of past events.
   */
  get deliveries(): readonly FakeDelivery[] {
    return internalsOf(this).deliveries.log;
  }

  /**
   * How many deliveries were attempted, failed ones included.
   *
   * @param webhook A webhook id (padded or not) or name; every webhook's when absent.
   * @returns The count.
   *
   * @example Nothing delivered without a webhook
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.addRoom({ title: "Ops" });
   * await webex.settled();
   * console.log(webex.deliveryCount()); // 0
   * ```
   */
  deliveryCount(webhook?: string): number {
    const log = internalsOf(this).deliveries.log;
    if (webhook === undefined) return log.length;
    const uuid = parseFakeWebexId(webhook)?.uuid;
    return log.filter((delivery) =>
      delivery.webhookName === webhook ||
      (uuid !== undefined &&
        parseFakeWebexId(delivery.webhookId)?.uuid === uuid)
    ).length;
  }

  /**
   * Forgets the logged deliveries.
   *
   * @example Start counting afresh
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.clearDeliveries();
   * console.log(webex.deliveries.length); // 0
   * ```
   */
  clearDeliveries(): void {
    internalsOf(this).deliveries.log.length = 0;
  }

  /**
   * POSTs every following delivery twice, same body and same signature, as
   * the real service sometimes does, to test that handlers see each event
   * once.
   *
   * @param on True to repeat deliveries, false to stop.
   *
   * @example Repeat deliveries
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * webex.deliverTwice(true);
   * ```
   */
  deliverTwice(on: boolean): void {
    internalsOf(this).deliveries.twice = on;
  }

  /**
   * Resolves once no webhook delivery is queued or in flight, those started
   * while waiting included: await it instead of sleeping.
   *
   * @param options A signal to stop waiting.
   * @throws {unknown} The signal's reason when it is aborted.
   *
   * @example Wait for deliveries
   * ```ts
   * import { FakeWebex } from "@shellbot/spaces/testing";
   *
   * await using webex = await FakeWebex.start();
   * const alice = webex.addUser({ email: "alice@example.com" });
   * webex.simulateMessage({ from: alice, toPersonEmail: webex.bot.emails[0], text: "hi" });
   * await webex.settled();
   * ```
   */
  settled(options: { signal?: AbortSignal } = {}): Promise<void> {
    return internalsOf(this).deliveries.settled(options.signal);
  }
}

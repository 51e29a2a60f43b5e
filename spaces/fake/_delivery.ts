/**
 * Webhook deliveries: each event the state emits is POSTed to every active
 * webhook that may see it, without holding up the API answer that caused
 * it: in order per webhook, one at a time, or up to `concurrency` at once
 * per webhook (started in order), as Webex does under load.
 *
 * Unlike the real service, a failed delivery is not retried: it only counts
 * towards the failures that turn a webhook `inactive`. Like it, a delivery
 * may come twice: at the `redeliveryRate`, or always with `twice`.
 *
 * @module
 */

import type { FakeEvent, State, WebhookRecord } from "./_state.ts";
import { mulberry32 } from "./_faults.ts";
import { Signer } from "./_signature.ts";
import { webhookMatches } from "./_webhook_match.ts";
import { webhookJson } from "./_webhooks.ts";
import type { FakeDelivery } from "./types.ts";
import type {
  FakeMessage,
  FakeMessageEventData,
  FakeWebhookEvent,
} from "./webex_types.ts";

/** The id fields a `messages` event carries: the text must be fetched. */
const MESSAGE_FIELDS = [
  "id",
  "parentId",
  "roomId",
  "roomType",
  "personId",
  "personEmail",
  "mentionedPeople",
  "files",
  "created",
  "updated",
] as const satisfies readonly (keyof FakeMessage)[];

/** What a webhook's receiver gets for an event. */
export function deliveryPayload(
  state: State,
  webhook: WebhookRecord,
  event: FakeEvent,
): FakeWebhookEvent {
  // A webhook for `all` must tell what happened: resource and event are the
  // event's own, as on the real service. The secret stays out: it keys the
  // signature, and a body that carried it would give it to any reader.
  return {
    ...webhookJson(state, webhook, { secret: false }),
    resource: event.resource,
    event: event.event,
    actorId: state.personRef(event.actorUuid),
    data: eventData(event),
  };
}

/** What a delivery tells of the object: content and inputs must be fetched. */
function eventData(event: FakeEvent): FakeWebhookEvent["data"] {
  if (event.resource === "attachmentActions") {
    const { inputs: _, ...data } = event.data;
    return data;
  }
  if (event.resource === "memberships") return event.data;
  const message = event.data;
  return Object.fromEntries(
    MESSAGE_FIELDS.filter((key) => message[key] !== undefined)
      .map((key) => [key, message[key]]),
  ) as FakeMessageEventData;
}

/** The delivery queues of one fake, with their log. */
export class Deliveries {
  /** Every delivery attempt, oldest first. */
  readonly log: FakeDelivery[] = [];
  /** POST each delivery twice, as the real service sometimes does. */
  twice = false;
  #state: State;
  #inactiveAfter: number;
  #timeout: number;
  #client = Deno.createHttpClient({});
  #signer = new Signer();
  #closing = new AbortController();
  /** Webhook uuid → its deliveries waiting for a free slot, in order. */
  #lines = new Map<
    string,
    { waiting: (() => Promise<void>)[]; busy: number }
  >();
  #concurrency: number;
  #pending = new Set<Promise<void>>();
  #listener = (event: FakeEvent) => this.#onEvent(event);
  #closed?: Promise<void>;

  #redeliveryRate: number;
  #random: () => number;

  constructor(
    state: State,
    options: {
      inactiveAfter: number;
      timeout: number;
      redeliveryRate?: number;
      seed?: number;
      /** Deliveries in flight at once per webhook; 1 keeps them in order. */
      concurrency?: number;
    },
  ) {
    this.#state = state;
    this.#concurrency = options.concurrency ?? 1;
    this.#redeliveryRate = options.redeliveryRate ?? 0;
    // Its own generator, so that redeliveries do not shift the draws of
    // fault rules made from the same seed.
    this.#random = mulberry32((options.seed ?? 1) ^ 0x5eed);
    this.#inactiveAfter = options.inactiveAfter;
    this.#timeout = options.timeout;
    state.listeners.add(this.#listener);
  }

  /** Resolves once no delivery is queued or in flight. */
  async settled(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    while (this.#pending.size > 0) {
      await abortable(Promise.all(this.#pending), signal);
    }
  }

  /** Stops delivering, aborts what is in flight and waits for it to end. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.#state.listeners.delete(this.#listener);
      this.#closing.abort();
      await this.settled();
      this.#client.close();
    })();
    return this.#closed;
  }

  #onEvent(event: FakeEvent): void {
    if (this.#closing.signal.aborted) return;
    const webhooks = [...this.#state.webhooks.values()]
      .sort((a, b) => a.seq - b.seq);
    for (const webhook of webhooks) {
      if (!webhookMatches(this.#state, webhook, event)) continue;
      // The body is fixed now, so a later change of the webhook or the
      // object cannot leak into an event that already happened.
      const body = JSON.stringify(deliveryPayload(this.#state, webhook, event));
      // Drawn now, in event order, so that a seed replays the same repeats.
      const repeat = this.#redeliveryRate > 0 &&
        this.#random() < this.#redeliveryRate;
      this.#enqueue(webhook, body, webhook.secret, event, repeat);
    }
  }

  #enqueue(
    webhook: WebhookRecord,
    body: string,
    secret: string | undefined,
    event: FakeEvent,
    repeat: boolean,
  ): void {
    const { promise, resolve } = Promise.withResolvers<void>();
    let line = this.#lines.get(webhook.uuid);
    if (!line) {
      line = { waiting: [], busy: 0 };
      this.#lines.set(webhook.uuid, line);
    }
    line.waiting.push(() =>
      this.#deliver(webhook, body, secret, event, repeat).then(resolve)
    );
    this.#pending.add(promise);
    void promise.then(() => this.#pending.delete(promise));
    this.#pump(webhook.uuid);
  }

  /** Starts waiting deliveries of a webhook while it has free slots. */
  #pump(uuid: string): void {
    const line = this.#lines.get(uuid);
    if (!line) return;
    while (line.busy < this.#concurrency && line.waiting.length > 0) {
      const job = line.waiting.shift()!;
      line.busy++;
      void job().then(() => {
        line.busy--;
        if (line.busy === 0 && line.waiting.length === 0) {
          this.#lines.delete(uuid);
        } else this.#pump(uuid);
      });
    }
  }

  /** Never rejects: every outcome goes to the log. */
  async #deliver(
    webhook: WebhookRecord,
    body: string,
    secret: string | undefined,
    event: FakeEvent,
    repeat: boolean,
  ): Promise<void> {
    const signature = secret
      ? await this.#signer.sign(body, secret)
      : undefined;
    const attempts = (this.twice ? 2 : 1) + (repeat ? 1 : 0);
    for (let attempt = 0; attempt < attempts; attempt++) {
      // A webhook deleted or turned inactive since the event no longer hears.
      if (
        this.#state.webhooks.get(webhook.uuid) !== webhook ||
        webhook.status !== "active"
      ) {
        return;
      }
      const outcome = await this.#post(webhook.targetUrl, body, signature);
      this.log.push({
        webhookId: webhook.id,
        webhookName: webhook.name,
        targetUrl: webhook.targetUrl,
        resource: event.resource,
        event: event.event,
        body,
        ...(signature ? { signature } : {}),
        ...outcome,
      });
      if (outcome.ok) webhook.failures = 0;
      else if (!this.#closing.signal.aborted) {
        webhook.failures++;
        if (webhook.failures >= this.#inactiveAfter) {
          webhook.status = "inactive";
        }
      }
    }
  }

  async #post(
    target: string,
    body: string,
    signature: string | undefined,
  ): Promise<{ status: number; ok: boolean; error?: string }> {
    if (this.#closing.signal.aborted) {
      return { status: 0, ok: false, error: "The fake was closed" };
    }
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.#closing.signal.addEventListener("abort", abort);
    const timer = setTimeout(abort, this.#timeout);
    try {
      const response = await fetch(target, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(signature ? { "x-spark-signature": signature } : {}),
        },
        body,
        signal: controller.signal,
        client: this.#client,
      });
      await response.body?.cancel();
      return { status: response.status, ok: response.ok };
    } catch (error) {
      const reason = this.#closing.signal.aborted
        ? "The fake was closed"
        : controller.signal.aborted
        ? `No answer within ${this.#timeout} ms`
        : error instanceof Error
        ? error.message
        : String(error);
      return { status: 0, ok: false, error: reason };
    } finally {
      clearTimeout(timer);
      this.#closing.signal.removeEventListener("abort", abort);
    }
  }
}

function abortable<T>(promise: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() =>
      signal.removeEventListener("abort", onAbort)
    );
  });
}

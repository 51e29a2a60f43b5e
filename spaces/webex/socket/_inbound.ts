/**
 * What arrives on the socket, handled one envelope at a time, in order:
 * the activity becomes a delivery, goes through the webhook pipeline, and
 * only then is acknowledged. An envelope that failed stays unacknowledged,
 * so Webex delivers it again after the next reconnect.
 *
 * @module
 */

import type { Logger } from "../../log.ts";
import { messageOf } from "../../_objects.ts";
import { ApiError } from "../../errors.ts";
import { isTransient, retrying } from "../../retry.ts";
import type { WebexMembership } from "../api/types.ts";
import type { WebexClient } from "../client.ts";
import type { WebexDelivery } from "../delivery.ts";
import { type ActivityContext, deliveryOf } from "./_activities.ts";
import type { Envelope } from "./_mercury.ts";

/** What the inbound side needs from the space. */
export interface InboundHost {
  client: WebexClient;
  logger: Logger;
  /** Processes a delivery (or puts it in the inbox), as a webhook's. */
  accept(delivery: WebexDelivery): Promise<void>;
}

/** Serial handling of envelopes, and the work in flight, to wait for. */
export class SocketInbound {
  #host: InboundHost;
  #context: ActivityContext;
  #signal?: AbortSignal;
  #chain: Promise<void> = Promise.resolve();
  #pending = new Set<Promise<unknown>>();

  constructor(
    host: InboundHost,
    context: ActivityContext,
    signal?: AbortSignal,
  ) {
    this.#host = host;
    this.#context = context;
    this.#signal = signal;
  }

  /** Queues an envelope; `ack` is called once it has been handled. */
  take(envelope: Envelope, ack: (id: string) => void): void {
    // One envelope's failure must never stop the ones after it.
    this.#chain = this.#chain.then(() => this.#handle(envelope, ack)).catch(
      (error) =>
        this.#host.logger.warn(
          `Could not handle an event from the Webex websocket: ${
            messageOf(error)
          }`,
        ),
    );
    this.track(this.#chain);
  }

  /** Keeps a piece of work in flight in view, so that `drained` waits for it. */
  track(work: Promise<unknown>): void {
    const settled = work.then(() => {}, () => {});
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
  }

  /** Resolves once nothing is in flight. */
  async drained(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
  }

  async #handle(envelope: Envelope, ack: (id: string) => void): Promise<void> {
    const data = envelope.data;
    const activity = data?.eventType === "conversation.activity"
      ? data.activity
      : undefined;
    let delivery: WebexDelivery | undefined;
    try {
      delivery = activity ? deliveryOf(activity, this.#context) : undefined;
    } catch (error) {
      // An activity that names no usable id will not improve by coming
      // again: acknowledge and drop it.
      this.#host.logger.debug(
        `Dropped an event from the Webex websocket: ${messageOf(error)}`,
      );
      ack(envelope.id);
      return;
    }
    try {
      if (delivery) {
        await retrying(
          async () => await this.#host.accept(await this.#complete(delivery)),
          {
            attempts: 3,
            when: (error) => isTransient(error) && !this.#signal?.aborted,
            backoff: { base: 500, max: 5_000 },
            signal: this.#signal,
          },
        );
      }
      ack(envelope.id);
    } catch (error) {
      this.#host.logger.warn(
        `Could not handle an event from the Webex websocket (it comes again after a reconnect): ${
          messageOf(error)
        }`,
      );
    }
  }

  /**
   * A join is fetched, so that its event (and dedupe key) is the one a
   * webhook gives; a membership already gone keeps the activity's fields.
   */
  async #complete(delivery: WebexDelivery): Promise<WebexDelivery> {
    if (delivery.resource !== "memberships" || delivery.event !== "created") {
      return delivery;
    }
    try {
      const membership = await this.#host.client.get<WebexMembership>(
        `/memberships/${encodeURIComponent(delivery.data.id)}`,
        { signal: this.#signal },
      );
      return { ...delivery, data: { ...membership, id: delivery.data.id } };
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return delivery;
      throw error;
    }
  }
}

/**
 * The bot of a try session, wrapped: it counts the events the bot is busy
 * with and tells when the bot got a given event, so that the prompt comes
 * back once the bot is done with a line.
 *
 * @module
 */

import type { BotHandler, BotLike } from "../../bot.ts";
import type { SpaceEvent } from "../../events.ts";
import type { Space } from "../../base.ts";

/** The bot, counting the events it is busy with, with a signal of ours. */
export class BotTracker implements BotLike {
  busy = 0;
  #idle = Promise.withResolvers<void>();
  #heard = new Map<string, PromiseWithResolvers<void>>();
  #controller = new AbortController();

  constructor(readonly bot: BotHandler | BotLike) {}

  async handle(
    event: SpaceEvent,
    space: Space,
    options?: { signal?: AbortSignal },
  ): Promise<void> {
    this.busy++;
    this.#waiter(eventKey(event)).resolve();
    const signal = options?.signal
      ? AbortSignal.any([options.signal, this.#controller.signal])
      : this.#controller.signal;
    try {
      if (typeof this.bot === "function") {
        await this.bot(event, space, { signal });
      } else await this.bot.handle(event, space, { signal });
    } finally {
      if (--this.busy === 0) {
        this.#idle.resolve();
        this.#idle = Promise.withResolvers<void>();
      }
    }
  }

  /** Resolves once the bot got the event of this key (see `eventKey`). */
  async heard(key: string): Promise<void> {
    await this.#waiter(key).promise;
    // A person may join again: the next one is another event.
    this.#heard.delete(key);
  }

  #waiter(id: string): PromiseWithResolvers<void> {
    let waiter = this.#heard.get(id);
    if (!waiter) {
      waiter = Promise.withResolvers<void>();
      this.#heard.set(id, waiter);
      // Only the latest are kept: a long session does not grow without bound.
      if (this.#heard.size > 100) {
        this.#heard.delete(this.#heard.keys().next().value!);
      }
    }
    return waiter;
  }

  idle(): Promise<void> {
    return this.#idle.promise;
  }

  abort(): void {
    this.#controller.abort();
  }
}

/** What tells an event from the others: its id, or who joined or left where. */
function eventKey(event: SpaceEvent): string {
  return event.type === "join" || event.type === "leave"
    ? `${event.type} ${event.actorId} ${event.channelId}`
    : event.id ?? "";
}

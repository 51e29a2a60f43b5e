import { type BotHandler, type BotLike, botSink } from "../bot.ts";
import { Context, type Settings } from "../context.ts";
import { ConfigurationError } from "../errors.ts";
import { messageOf } from "../_objects.ts";
import { withDeadline } from "../_sleep.ts";
import { KvDedupeStore } from "../kv/dedupe_store.ts";
import { KvWorkList } from "../kv/_work_list.ts";
import type { Logger } from "../log.ts";
import type { WebexDelivery } from "../webex/delivery.ts";
import { deliveryKey } from "../webex/_inbound.ts";
import { connectionOf } from "../webex/_connection.ts";
import { WebexSpace } from "../webex/space.ts";
import { connectAndBond } from "./_bond.ts";
import { kvPlace, openKvAt } from "./_durable_kv.ts";
import { serverLogger } from "./_server_logger.ts";
import { sharedWebhookSecret } from "./_webhook_secret.ts";
import { settingsFromEnv } from "./settings_from_env.ts";
import { watchWebhooks } from "./_webhook_watch.ts";

/** What a bot on Webex is made of; see `StartServerOptions` for each. */
export interface PrepareBotOptions {
  bot?: BotHandler | BotLike;
  settings?: Settings;
  env?: (name: string) => string | undefined;
  purge?: "all" | "own";
  fetch?: typeof fetch;
  kv?: string;
  logger?: Logger;
}

/** How events reach a prepared bot, once it receives them. */
export interface Receiving {
  mode: "webhook" | "polling" | "websocket";
  /** Stops polling, or the periodic check of the webhooks (which stay registered). */
  stop(): Promise<void>;
}

/** A connected space with its bot running, not yet receiving events. */
export interface PreparedBot {
  space: WebexSpace;
  /** Milliseconds that `stop()` drains for: `server.drain` seconds. */
  drainDeadline: number;
  /** Registers webhooks when `server.url` is set, else starts polling. */
  receive(): Promise<Receiving>;
  /**
   * Lets the bot work through the queue for up to `deadline` ms, then
   * stops and closes the KV; what is left stays queued in it.
   *
   * @returns The deliveries left in the queue (0 when it emptied).
   */
  stop(deadline?: number): Promise<number>;
  /** Stops at once: the jobs under way go back to the queue. */
  abandon(): Promise<void>;
}

/**
 * Builds the Webex space from settings and environment on Deno KV (a local
 * file by default), with a generated webhook secret when none is set,
 * connects it, bonds to its room and starts the worker of the queue.
 */
export async function prepareBot(
  options: PrepareBotOptions,
): Promise<PreparedBot> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const context = new Context(settingsFromEnv(env), { env });
  if (options.settings) context.apply(options.settings);
  const logger = options.logger ?? serverLogger;
  // The demo bot (and the toolkit it uses) is loaded only when no bot is given.
  const bot = options.bot ??
    (await import("../../examples/demo_bot.ts")).default;
  const lease = secondsOf(context, "space.kv_lease", "SPACE_KV_LEASE", 60);
  const drainDeadline = secondsOf(context, "server.drain", "SERVER_DRAIN", 8);
  const checkEvery = secondsOf(
    context,
    "server.webhook_check",
    "SERVER_WEBHOOK_CHECK",
    300,
  );
  const bound = countOf(context, "server.queue_bound", "SERVER_QUEUE_BOUND");
  const place = kvPlace(options.kv, context, env);
  const { kv, usable } = await openKvAt(place, logger);
  let work: KvWorkList<WebexDelivery>;
  let space: WebexSpace;
  const dedupe = new KvDedupeStore(kv, { lease });
  try {
    work = new KvWorkList<WebexDelivery>(kv, {
      prefix: ["shellbot", "deliveries"],
      bound,
      lease,
      label: place.label,
      logger,
      // The message is fetched while the claim is written.
      prepare: (delivery) => connectionOf(space)?.prefetch(delivery),
      // The event's dedupe claim is written with the delivery's claim.
      alsoClaim: (delivery) => {
        const key = deliveryKey(delivery);
        return {
          key,
          build: (write) => dedupe.claimIn(write, key),
          release: () => dedupe.release(key),
        };
      },
    });
    // The bot runs inside the job of its delivery: a failure of the bot
    // fails the job, and the queue delivers the event again.
    space = new WebexSpace({
      context,
      ears: botSink(bot, () => space, { rethrow: true }),
      fetch: options.fetch,
      logger,
      inbox: work,
      dedupe,
      requireSignature: true,
      replayWindow: 600_000,
    });
    try {
      space.check();
    } catch (error) {
      await usable; // a KV that cannot be used is said first, as ever
      throw error;
    }
    // The KV steps (its check, then the secret) and the reads from Webex
    // (who the bot is, where its room is) go at once; nothing is written
    // to Webex before the KV steps succeed. Never unsigned: without a
    // secret, one is made and shared in the KV.
    const needsSecret = context.get("server.url") &&
      !context.get("space.webhook_secret");
    const secret = usable.then(() =>
      needsSecret ? sharedWebhookSecret(kv, place.label, logger) : undefined
    );
    const bonded = connectAndBond(space, secret);
    bonded.catch(() => {}); // awaited after the secret, whose failure is said first
    const kept = await secret;
    if (kept) context.set("space.webhook_secret", kept);
    await bonded;
  } catch (error) {
    kv.close();
    throw error;
  }
  // One commit ends a job: its item's deletion and the event's record as
  // handled (the work list and the record share this KV).
  work.start(async (delivery, job) =>
    void await dedupe.completingIn(job, () => space.processDelivery(delivery))
  );
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    kv.close();
  };
  return {
    space,
    drainDeadline,
    async receive() {
      const publicUrl = context.get<string | undefined>("server.url");
      const events = context.get<"webhook" | "polling" | "websocket">(
        "space.events",
        publicUrl ? "webhook" : "polling",
      );
      if (events !== "webhook") {
        // The first pull sets where polling starts: done before the start
        // returns, so that what is posted afterwards is heard.
        if (events === "polling") await space.pull();
        const running = await space.start();
        return { mode: events, stop: () => running!.stop() };
      }
      if (!publicUrl) {
        throw new ConfigurationError(
          "'space.events' is webhook, which needs a public URL: set 'server.url' or SERVER_URL",
          { key: "server.url" },
        );
      }
      const hookUrl = publicUrl.replace(/\/+$/, "") +
        context.get<string>("server.hook", "/hook");
      await space.register(hookUrl, { purge: options.purge, catchUp: false });
      // The catch-up runs the bot on each missed message: after a long
      // downtime that takes a while, and the server receives meanwhile.
      const catchUp = new AbortController();
      const caughtUp = space.pull({ signal: catchUp.signal }).catch((error) => {
        if (!catchUp.signal.aborted) {
          logger.warn(
            `Could not catch up on missed messages: ${messageOf(error)}`,
          );
        }
      });
      logger.info(`Receiving events at ${hookUrl}`);
      // The webhooks stay registered when the server stops: deliveries
      // for events posted while it is down then fail at Webex, but a
      // restart catches up on messages, and other instances keep
      // receiving. Webex turns a webhook inactive after failures: a
      // periodic check revives it and catches up.
      const watch = watchWebhooks(space, checkEvery, logger);
      return {
        mode: "webhook" as const,
        stop: async () => {
          // The catch-up goes on while the server drains (its first step
          // records where the next start catches up from), up to the drain
          // deadline; what it did not reach, the next start catches up on.
          await withDeadline(caughtUp, drainDeadline, "").catch(() => {});
          catchUp.abort();
          await caughtUp;
          await watch.stop();
        },
      };
    },
    async stop(deadline = drainDeadline) {
      if (closed) return 0;
      const emptied = await work.drain(deadline);
      const left = emptied ? 0 : await work.size().catch(() => -1);
      close();
      return left;
    },
    async abandon() {
      if (closed) return;
      await work.stop();
      close();
    },
  };
}

/** A setting in seconds, above 0; in ms. */
function secondsOf(
  context: Context,
  key: string,
  variable: string,
  fallback: number,
): number {
  const value = context.get<unknown>(key, fallback);
  const seconds = Number(value);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new ConfigurationError(
      `'${key}' (or ${variable}) must be a number of seconds above 0, not '${value}'`,
      { key },
    );
  }
  return seconds * 1000;
}

/** `server.queue_bound`: a whole number above 0. */
function countOf(context: Context, key: string, variable: string): number {
  const value = context.get<unknown>(key, 10_000);
  const count = Number(value);
  if (!Number.isInteger(count) || count <= 0) {
    throw new ConfigurationError(
      `'${key}' (or ${variable}) must be a whole number above 0, not '${value}'`,
      { key },
    );
  }
  return count;
}

import { type BotHandler, type BotLike, botSink, runBot } from "../bot.ts";
import { Context, type Settings } from "../context.ts";
import { ConfigurationError } from "../errors.ts";
import type { SpaceEvent } from "../events.ts";
import { KvDedupeStore, KvQueue } from "../kv.ts";
import { EventQueue } from "../queue.ts";
import type { WebexDelivery } from "../webex/delivery.ts";
import { WebexSpace } from "../webex/space.ts";
import { messageOf } from "../_objects.ts";
import demoBot from "../../examples/demo_bot.ts";
import { bond } from "./_bond.ts";
import { settingsFromEnv } from "./settings_from_env.ts";

/** What a bot on Webex is made of; see `StartServerOptions` for each. */
export interface PrepareBotOptions {
  bot?: BotHandler | BotLike;
  settings?: Settings;
  env?: (name: string) => string | undefined;
  purge?: "all" | "own";
  fetch?: typeof fetch;
  kv?: string;
}

/** How events reach a prepared bot, once it receives them. */
export interface Receiving {
  mode: "webhook" | "polling" | "websocket";
  stop(): Promise<void>;
}

/** A connected space with its bot running, not yet receiving events. */
export interface PreparedBot {
  space: WebexSpace;
  /** Registers webhooks when `server.url` is set, else starts polling. */
  receive(): Promise<Receiving>;
  /**
   * Lets the bot finish the events it has: all those queued in memory;
   * with KV, the jobs under way (the rest wait in KV for an instance).
   */
  stop(): Promise<void>;
}

/**
 * Builds the Webex space from settings and environment, with Deno KV when
 * asked, connects it, bonds to its room and starts the bot's consumer.
 */
export async function prepareBot(
  options: PrepareBotOptions,
): Promise<PreparedBot> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  const context = new Context(settingsFromEnv(env), { env });
  if (options.settings) context.apply(options.settings);
  const bot = options.bot ?? demoBot;
  const kvPath = options.kv ??
    context.get<string | undefined>("space.kv") ?? env("DENO_KV_PATH");
  const shared = kvPath === undefined
    ? undefined
    : await openShared(kvPath, leaseOf(context));
  const memory = shared ? undefined : new EventQueue<SpaceEvent>();
  // With KV, the bot runs inside the queue's job, and a failure of the bot
  // fails the job, so that KV delivers the event again.
  const ears = memory ??
    botSink(bot, () => space, { rethrow: true });
  const space: WebexSpace = new WebexSpace({
    context,
    ears,
    fetch: options.fetch,
    inbox: shared?.queue,
    dedupe: shared?.dedupe,
  });
  try {
    space.check();
    await space.connect();
    await bond(space);
  } catch (error) {
    await shared?.queue.close();
    throw error;
  }
  const consumer = memory
    ? runBot(bot, space, memory)
    : shared!.queue.listen(async (delivery) =>
      void await space.processDelivery(delivery)
    );
  return {
    space,
    async receive() {
      const publicUrl = context.get<string | undefined>("server.url");
      const events = context.get<"webhook" | "polling" | "websocket">(
        "space.events",
        publicUrl ? "webhook" : "polling",
      );
      if (events !== "webhook") {
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
      await space.register(hookUrl, { purge: options.purge });
      space.logger.info(`Receiving events at ${hookUrl}`);
      // With KV, the webhooks serve every instance: one that stops must
      // leave them to the others (the next one to start keeps them).
      if (shared) return { mode: "webhook" as const, stop: async () => {} };
      return {
        mode: "webhook" as const,
        stop: () =>
          space.onStop().catch((error) =>
            space.logger.error(
              `Could not remove the webhooks: ${messageOf(error)}`,
            )
          ),
      };
    },
    async stop() {
      if (memory) memory.close();
      else await shared!.queue.close();
      await consumer;
    },
  };
}

/** Opens the KV named by `--kv`, with its queue and dedupe store. */
async function openShared(path: string, lease: number) {
  const file = path === "" || path === ":deploy" ? undefined : path;
  const queue = await KvQueue.open<WebexDelivery>(file, {
    name: "shellbot-deliveries",
  });
  return { queue, dedupe: new KvDedupeStore(queue.kv, { lease }) };
}

/** `space.kv_lease`, in ms. */
function leaseOf(context: Context): number {
  const value = context.get<unknown>("space.kv_lease", 60);
  const seconds = Number(value);
  if (!(seconds > 0) || !Number.isFinite(seconds)) {
    throw new ConfigurationError(
      `'space.kv_lease' (or SPACE_KV_LEASE) must be a number of seconds above 0, not '${value}'`,
      { key: "space.kv_lease" },
    );
  }
  return seconds * 1000;
}

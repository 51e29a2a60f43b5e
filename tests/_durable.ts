/** Helpers of the durable server tests: a KV file, a bot that watches, a server, signed posts. */
import type { BotHandler, SpaceEvent } from "../mod.ts";
import { type RunningServer, startServer } from "../server.ts";
import { signBody } from "../spaces/webex/signature.ts";
import type { FakeWebex } from "../testing.ts";
import { openFrontDoor } from "./_ports.ts";

/** A temp dir with a KV file path in it, removed on dispose. */
export async function tempKv() {
  const dir = await Deno.makeTempDir({ prefix: "shellbot_durable_" });
  return {
    dir,
    path: `${dir}/kv.sqlite3`,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Events the bot saw, and a wait for the next one that matches. */
export function watchingBot(hold?: Promise<void>) {
  const events: SpaceEvent[] = [];
  let changed = Promise.withResolvers<void>();
  const bot: BotHandler = async (event) => {
    events.push(event);
    changed.resolve();
    changed = Promise.withResolvers<void>();
    await hold;
  };
  const until = async (test: (events: SpaceEvent[]) => boolean) => {
    const limit = AbortSignal.timeout(20_000);
    while (!test(events)) {
      if (limit.aborted) throw new Error("The bot did not see it in 20 s");
      await Promise.race([
        changed.promise,
        new Promise((resolve) =>
          limit.addEventListener("abort", resolve, { once: true })
        ),
      ]);
    }
  };
  return { events, bot, until };
}

/** A server on a KV file in webhook mode behind a front door; its log lines. */
export async function serve(
  webex: FakeWebex,
  kv: string,
  options: {
    bot?: BotHandler;
    secret?: string;
    server?: Record<string, unknown>;
  } = {},
) {
  const lines: string[] = [];
  const log = (line: string) => void lines.push(line);
  const front = openFrontDoor();
  let running: RunningServer;
  try {
    running = await startServer({
      bot: options.bot ?? (() => {}),
      settings: {
        space: {
          room: "Ops",
          token: webex.bot.token,
          api_url: webex.url,
          ...(options.secret ? { webhook_secret: options.secret } : {}),
        },
        server: { url: front.url, ...options.server },
      },
      env: () => undefined,
      kv,
      logger: { debug: log, info: log, warn: log, error: log },
      hostname: "127.0.0.1",
      port: 0,
    });
  } catch (error) {
    await front[Symbol.asyncDispose]();
    throw error;
  }
  front.route(running.address);
  return {
    running,
    lines,
    url: `${running.address}/hook`,
    async [Symbol.asyncDispose]() {
      await running.stop();
      await front[Symbol.asyncDispose]();
    },
  };
}

export async function post(url: string, body: string, secret?: string) {
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (secret) headers["x-spark-signature"] = await signBody(body, secret);
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.json() };
}

export function membership(
  roomId: string,
  personId: string,
  extra: Record<string, unknown> = {},
  created = new Date().toISOString(),
) {
  return JSON.stringify({
    name: "shellbot-memberships",
    resource: "memberships",
    event: "created",
    data: {
      id: crypto.randomUUID(),
      roomId,
      personId,
      personEmail: "ceo@victim.example",
      created,
      ...extra,
    },
  });
}

import { readBot, readEventsFlag, readFlags } from "../_program.ts";
import { messageOf } from "../_objects.ts";
import { type RunningServer, startServer } from "./start_server.ts";

const USAGE = `Usage: deno run -A --env-file server.ts [options]

Runs a bot on Webex. Settings come from the environment: WEBEX_BOT_TOKEN,
SPACE_ROOM (the room to bond), SERVER_URL (public URL; without it the bot
polls), WEBEX_WEBHOOK_SECRET, SPACE_PARTICIPANTS, WEBEX_AUDIT_TOKEN...

Options:
  --bot <module>       a module whose default export is (event, space) => ...
  --port <port>        port to listen on (default SERVER_PORT, else 8080)
  --hostname <host>    interface to listen on (default 0.0.0.0)
  --purge <all|own>    earlier webhooks to remove: all of the token's, or shellbot-* only
  --events <mode>      how events arrive: webhook (needs SERVER_URL), polling, or
                       websocket (real time without a public URL; undocumented
                       by Webex, falls back to polling). Default SPACE_EVENTS,
                       else webhook with SERVER_URL, else polling
  --kv <path>          where the queue, the handled events and the cursors
                       live: a SQLite file shared by the instances of one
                       machine, :deploy for Deno Deploy's KV, or :memory:
                       (lost at exit). Default DENO_KV_PATH, else Deploy's KV
                       there, else ./.shellbot/kv.sqlite3
  -h, --help           show this help
`;

/**
 * The program `deno run server.ts`: starts the server from the arguments,
 * runs until SIGINT or SIGTERM, then stops taking deliveries and drains the
 * queue for up to `server.drain` seconds; a second signal exits at once
 * (what is queued stays in the KV for the next start).
 *
 * @returns The exit code: 0, 1 when the start failed, 2 for bad arguments.
 */
export async function main(args: string[]): Promise<number> {
  const flags = readFlags(args, {
    bot: { type: "string" },
    port: { type: "string" },
    hostname: { type: "string" },
    purge: { type: "string" },
    kv: { type: "string" },
    events: { type: "string" },
  }, USAGE);
  if (typeof flags === "number") return flags;
  if (
    flags.purge !== undefined && flags.purge !== "all" && flags.purge !== "own"
  ) {
    console.error(`--purge takes 'all' or 'own', not '${flags.purge}'`);
    return 2;
  }
  const events = readEventsFlag(flags.events);
  if (events === 2) return 2;
  const bot = await readBot(flags.bot);
  if (bot === 2) return 2;
  if (flags.port !== undefined && !/^\d+$/.test(flags.port)) {
    console.error(`--port takes a number, not '${flags.port}'`);
    return 2;
  }
  // Listen for signals first: a SIGTERM during start-up still stops cleanly.
  const stopped = Promise.withResolvers<void>();
  const signals = onSignals(stopped.resolve, () => running);
  let running: RunningServer | undefined;
  try {
    running = await startServer({
      bot,
      hostname: flags.hostname,
      port: flags.port === undefined ? undefined : Number(flags.port),
      purge: flags.purge as "all" | "own" | undefined,
      kv: flags.kv,
      settings: events === undefined ? undefined : { "space.events": events },
    });
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      const port = flags.port ?? Deno.env.get("SERVER_PORT") ?? "8080";
      console.error(
        `Port ${port} is in use: pass --port <n> or set SERVER_PORT`,
      );
    } else console.error(messageOf(error));
    return 1;
  }
  console.log(`Listening on ${running.address} (${running.mode})`);
  await stopped.promise;
  console.log("Stopping: taking no more deliveries, draining the queue");
  const left = await running.stop();
  signals.remove();
  console.log(
    left === 0
      ? "Stopped"
      : `Stopped; ${
        left < 0 ? "some" : left
      } deliveries left queued in the KV for the next start`,
  );
  return 0;
}

/**
 * The first SIGINT or SIGTERM calls `first`; a second one exits at once,
 * after handing the jobs under way back to the queue (bounded: the KV
 * keeps everything anyway).
 */
function onSignals(
  first: () => void,
  running: () => RunningServer | undefined,
): { remove(): void } {
  let count = 0;
  const listener = () => {
    if (++count === 1) return first();
    if (count > 2) Deno.exit(1);
    console.log("Stopping at once: what is queued stays in the KV");
    const timer = setTimeout(() => Deno.exit(1), 1_000);
    (running()?.abandon() ?? Promise.resolve()).catch(() => {}).finally(
      () => {
        clearTimeout(timer);
        Deno.exit(1);
      },
    );
  };
  Deno.addSignalListener("SIGINT", listener);
  Deno.addSignalListener("SIGTERM", listener);
  return {
    remove() {
      Deno.removeSignalListener("SIGINT", listener);
      Deno.removeSignalListener("SIGTERM", listener);
    },
  };
}

import { parseArgs } from "node:util";
import { loadBot } from "../bot.ts";
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
  --kv <path>          share the work with other instances through Deno KV: a
                       SQLite file, or :deploy for Deno Deploy's KV (default
                       DENO_KV_PATH; without it, one process in memory)
  -h, --help           show this help
`;

/**
 * The program `deno run server.ts`: starts the server from the arguments,
 * runs until SIGINT or SIGTERM, then stops cleanly.
 *
 * @returns The exit code: 0, 1 when the start failed, 2 for bad arguments.
 */
export async function main(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseArgs({
      args,
      strict: true,
      options: {
        bot: { type: "string" },
        port: { type: "string" },
        hostname: { type: "string" },
        purge: { type: "string" },
        kv: { type: "string" },
        events: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (error) {
    console.error(
      `${messageOf(error)}\n\n${USAGE}`,
    );
    return 2;
  }
  if (flags.help) {
    console.log(USAGE);
    return 0;
  }
  if (
    flags.purge !== undefined && flags.purge !== "all" && flags.purge !== "own"
  ) {
    console.error(`--purge takes 'all' or 'own', not '${flags.purge}'`);
    return 2;
  }
  if (
    flags.events !== undefined &&
    !["webhook", "polling", "websocket"].includes(flags.events)
  ) {
    console.error(
      `--events takes 'webhook', 'polling' or 'websocket', not '${flags.events}'`,
    );
    return 2;
  }
  if (flags.port !== undefined && !/^\d+$/.test(flags.port)) {
    console.error(`--port takes a number, not '${flags.port}'`);
    return 2;
  }
  // Listen for signals first: a SIGTERM during start-up still stops cleanly.
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let running: RunningServer;
  try {
    running = await startServer({
      bot: flags.bot === undefined ? undefined : await loadBot(flags.bot),
      hostname: flags.hostname,
      port: flags.port === undefined ? undefined : Number(flags.port),
      purge: flags.purge as "all" | "own" | undefined,
      kv: flags.kv,
      settings: flags.events === undefined
        ? undefined
        : { "space.events": flags.events },
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
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  await running.stop();
  console.log("Stopped");
  return 0;
}

import { readBot, readEventsFlag, readFlags } from "../../_program.ts";
import { messageOf } from "../../_objects.ts";
import { type Playground, startPlayground } from "./start_playground.ts";

const USAGE = `Usage: deno run -A jsr:@shellbot/spaces/playground [options]
       (in a clone of the repository: deno task playground [options])

Runs a bot on a fake Webex and serves a page on 127.0.0.1 to talk to it as
Alice, Bob or Carol: no Webex account, no token, no public URL.

Options:
  --bot <module>       a module whose default export is (event, space) => ...
                       (default: a demo bot that answers help, hello,
                       echo <text> and card)
  --port <port>        port of the page (default 0: a free one)
  --events <how>       webhook (signed deliveries to the hook route, the
                       default), websocket, or polling (messages only)
  -h, --help           show this help
`;

/**
 * The program `deno run playground.ts`: starts the playground, prints its
 * URL, runs until SIGINT or SIGTERM, then stops cleanly.
 *
 * @returns The exit code: 0, 1 when the start failed, 2 for bad arguments.
 */
export async function main(args: string[]): Promise<number> {
  const flags = readFlags(args, {
    bot: { type: "string" },
    port: { type: "string" },
    events: { type: "string" },
  }, USAGE);
  if (typeof flags === "number") return flags;
  if (flags.port !== undefined && !/^\d+$/.test(flags.port)) {
    console.error(`--port takes a number, not '${flags.port}'`);
    return 2;
  }
  const heard = readEventsFlag(flags.events);
  if (heard === 2) return 2;
  const events = heard === undefined || heard === "webhook"
    ? "webhooks"
    : heard;
  const bot = await readBot(flags.bot);
  if (bot === 2) return 2;
  const stopped = Promise.withResolvers<void>();
  const onSignal = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  let playground: Playground;
  try {
    playground = await startPlayground({
      bot,
      port: flags.port === undefined ? undefined : Number(flags.port),
      events,
    });
  } catch (error) {
    console.error(messageOf(error));
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    return 1;
  }
  console.log(
    `Playground on ${playground.url} (bot receives by ${playground.mode}); Ctrl+C to stop`,
  );
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", onSignal);
  Deno.removeSignalListener("SIGTERM", onSignal);
  await playground.stop();
  console.log("Stopped");
  return 0;
}

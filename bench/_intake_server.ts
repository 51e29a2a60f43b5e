/**
 * A server process of the webhook intake benchmark (see
 * `webhook_intake.ts`): `deno run -A bench/_intake_server.ts <kind>
 * <config JSON>` serves one kind of handler on a free port, prints
 * `{"port"}`, and once its stdin closes prints `{"accepted","problems"}`.
 *
 * @module
 */

import {
  Context,
  EventQueue,
  type Logger,
  type SpaceEvent,
  type WebexDelivery,
  WebexSpace,
} from "../mod.ts";
import {
  createHookApp,
  createHookHandler,
  type HookHandlerOptions,
} from "../server.ts";
import { stdinClosed } from "./_report.ts";

/** The webhook secret of the signed kinds. */
export const SECRET = "bench-webhook-secret";

/** The handler served: see the list in `webhook_intake.ts`. */
export type Kind =
  | "bare"
  | "bare-unread"
  | "hook"
  | "hono"
  | "hook-unsigned"
  | "inline";

/** What a server process is given after its kind. */
export interface ServeConfig {
  botId: string;
  /** Options of the hook handler, for the `hook` kind. */
  hook?: HookHandlerOptions;
  fake?: { url: string; token: string };
}

/** A logger that counts warnings and errors and shows the first few. */
function countingLogger(): Logger & { problems: number } {
  const logger = {
    problems: 0,
    debug() {},
    info() {},
    warn: (line: string) => report(line),
    error: (line: string) => report(line),
  };
  const report = (line: string) => {
    if (logger.problems++ < 5) console.error(`server: ${line}`);
  };
  return logger;
}

async function serve(kind: Kind, config: ServeConfig): Promise<void> {
  let accepted = 0;
  const logger = countingLogger();
  let handler: (request: Request) => Response | Promise<Response>;
  const drains: Promise<void>[] = [];
  const queues: { close(): void }[] = [];
  const drain = <T>(queue: EventQueue<T>) => {
    queues.push(queue);
    drains.push((async () => {
      for await (const _ of queue) accepted++;
    })());
  };
  if (kind === "bare-unread") {
    handler = () => {
      accepted++;
      return new Response(null);
    };
  } else if (kind === "bare") {
    handler = async (request) => {
      await request.arrayBuffer();
      accepted++;
      return new Response(null);
    };
  } else {
    const ears = new EventQueue<SpaceEvent>();
    const inbox = kind === "inline"
      ? undefined
      : new EventQueue<WebexDelivery>();
    if (inbox) drain(inbox);
    else drain(ears);
    const space = new WebexSpace({
      context: new Context(
        {
          space: {
            room: "Bench",
            webhook_secret: kind === "hook-unsigned" ? undefined : SECRET,
          },
        },
        { env: () => undefined },
      ),
      token: config.fake?.token ?? "bench-token",
      apiUrl: config.fake?.url,
      ears,
      inbox,
      logger,
    });
    if (config.fake) await space.connect();
    // Without a fake, say who the bot is, so no request asks Webex.
    else space.context.set("bot.id", config.botId);
    handler = kind === "hono"
      ? createHookApp(space, config.hook).fetch
      : createHookHandler(space, config.hook);
  }
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    handler,
  );
  console.log(JSON.stringify({ port: server.addr.port }));
  await stdinClosed();
  await server.shutdown();
  for (const queue of queues) queue.close();
  await Promise.all(drains);
  console.log(JSON.stringify({ accepted, problems: logger.problems }));
}

if (import.meta.main) {
  await serve(Deno.args[0] as Kind, JSON.parse(Deno.args[1]));
  Deno.exit(0);
}

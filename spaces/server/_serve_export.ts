import { type BotHandler, type BotLike, loadBot } from "../bot.ts";
import { createHookHandler } from "./hook_handler.ts";
import { prepareBot } from "./_prepare_bot.ts";
import { messageOf } from "../_objects.ts";

/** The `{ fetch }` export of `server.ts`, and whether `deno serve` took it. */
export interface ServeExport {
  /** The default export: `fetch`, and `onListen` for `deno serve`. */
  serve: Deno.ServeDefaultExport;
  /**
   * Whether a server listens with it: `deno serve` (and anything that
   * serves the default export) calls `onListen` once it listens; `deno run`
   * never does.
   */
  listening(): boolean;
}

/**
 * Makes the lazy `{ fetch }` export: the first request connects the space
 * from the environment, with the bot module named by `SHELLBOT_BOT` (else
 * the demo bot), and registers `SERVER_URL` when set; every request then
 * goes to the hook route. A start that fails is tried again by the next
 * request.
 */
export function createServeExport(
  options: { bot?: BotHandler | BotLike } = {},
): ServeExport {
  let lazy: Promise<(request: Request) => Promise<Response>> | undefined;
  let listening = false;
  const start = async () => {
    const module = Deno.env.get("SHELLBOT_BOT");
    const bot = await prepareBot({
      bot: options.bot ?? (module ? await loadBot(module) : undefined),
    });
    try {
      await bot.receive();
    } catch (error) {
      await bot.abandon();
      throw error;
    }
    return createHookHandler(bot.space);
  };
  // A start that failed (a bad setting, a bot module that does not load)
  // is said once, answered 503 without internals, and tried again at most
  // every RETRY_MS: each request must not cost a start and a stack trace.
  let failure: { message: string; until: number } | undefined;
  const serve: Deno.ServeDefaultExport = {
    async fetch(request: Request): Promise<Response> {
      if (failure && Date.now() < failure.until) return unavailable(failure);
      lazy ??= start().catch((error) => {
        lazy = undefined;
        const message = messageOf(error);
        if (failure?.message !== message) {
          console.error(`The bot could not start: ${message}`);
        }
        failure = { message, until: Date.now() + RETRY_MS };
        throw error;
      });
      let handler;
      try {
        handler = await lazy;
      } catch {
        return unavailable(failure!);
      }
      failure = undefined;
      return await handler(request);
    },
    onListen(address: Deno.Addr) {
      listening = true;
      // Defining onListen replaces the line deno serve prints: print it.
      console.error(`deno serve: Listening on ${describe(address)}`);
    },
  };
  return { serve, listening: () => listening };
}

/** An address as deno serve prints it. */
/** How long a failed start is answered 503 before the next try. */
const RETRY_MS = 10_000;

function unavailable(failure: { message: string; until: number }): Response {
  const seconds = Math.max(1, Math.ceil((failure.until - Date.now()) / 1000));
  return Response.json(
    { error: "The bot is not running: see the server's log", retryIn: seconds },
    { status: 503, headers: { "retry-after": String(seconds) } },
  );
}

function describe(address: Deno.Addr): string {
  switch (address.transport) {
    case "tcp":
    case "udp": {
      const host = address.hostname.includes(":")
        ? `[${address.hostname}]`
        : address.hostname;
      return `http://${host}:${address.port}/`;
    }
    case "unix":
    case "unixpacket":
      return address.path;
    default:
      return JSON.stringify(address);
  }
}

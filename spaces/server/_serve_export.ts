import { type BotHandler, type BotLike, loadBot } from "../bot.ts";
import { createHookHandler } from "./hook_handler.ts";
import { prepareBot } from "./_prepare_bot.ts";

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
  const serve: Deno.ServeDefaultExport = {
    async fetch(request: Request): Promise<Response> {
      lazy ??= start().catch((error) => {
        // The next request tries again, rather than failing for ever.
        lazy = undefined;
        throw error;
      });
      return await (await lazy)(request);
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

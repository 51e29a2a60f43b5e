/**
 * A small cluster for the KV tests and benchmark: `server.ts` instances as
 * subprocesses, and a round-robin proxy in front of them that skips an
 * instance that is down, standing for a load balancer.
 *
 * @module
 */

import { listeningUrl } from "./_ports.ts";

const ROOT = new URL("..", import.meta.url).pathname;

/** One `server.ts` subprocess. */
export interface Instance {
  name: string;
  url: string;
  /** Every line it wrote, stdout and stderr, for diagnosis. */
  lines: string[];
  /** Resolves with the exit code once it ended. */
  status: Promise<Deno.CommandStatus>;
  kill(signal: Deno.Signal): void;
}

/** What `server.ts` needs: the fake, the room, and where Webex delivers. */
export interface InstanceOptions {
  name: string;
  apiUrl: string;
  token: string;
  secret: string;
  room: string;
  /** The public URL: the proxy's. */
  serverUrl: string;
  /** The KV file; `:memory:` when absent. */
  kv?: string;
  /** The bot module, from the root. @default "tests/_cluster_bot.ts" */
  bot?: string;
  /** More environment, such as `SPACE_KV_LEASE`. */
  env?: Record<string, string>;
  /** Give up waiting for "Listening on" after this many ms. @default 20_000 */
  timeout?: number;
  /** Called with each line it writes, such as the bot's "replied: ...". */
  onLine?: (line: string) => void;
}

/**
 * Starts `server.ts` on port 0 and waits until it listens and registered
 * its webhooks; its address is the one it prints.
 */
export async function startInstance(
  options: InstanceOptions,
): Promise<Instance> {
  const args = [
    "run",
    "-A",
    "server.ts",
    "--port",
    "0",
    "--hostname",
    "127.0.0.1",
    "--bot",
    options.bot ?? "tests/_cluster_bot.ts",
    "--purge",
    "own",
  ];
  args.push("--kv", options.kv ?? ":memory:");
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: ROOT,
    env: {
      NO_COLOR: "1",
      WEBEX_BOT_TOKEN: options.token,
      WEBEX_API_URL: options.apiUrl,
      WEBEX_WEBHOOK_SECRET: options.secret,
      SPACE_ROOM: options.room,
      SERVER_URL: options.serverUrl,
      ...options.env,
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const listening = Promise.withResolvers<string>();
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    let rest = "";
    for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(`${options.name}: ${line}`);
        const url = listeningUrl(line);
        if (url !== undefined) listening.resolve(url);
        options.onLine?.(line);
      }
    }
    if (rest) lines.push(`${options.name}: ${rest}`);
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const status = drained.then(() => child.status);
  const kill = (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // It ended already.
    }
  };
  const timeout = options.timeout ?? 20_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let url: string;
  try {
    url = await Promise.race([
      listening.promise,
      status.then((end) => {
        throw new Error(
          `${options.name} ended with ${end.code} before listening`,
        );
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`${options.name} did not listen in ${timeout} ms`),
            ),
          timeout,
        );
      }),
    ]);
  } catch (error) {
    kill("SIGKILL");
    await status;
    console.error(lines.join("\n"));
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return { name: options.name, url, lines, status, kill };
}

/** Where the proxy sends a request: an instance's URL, or a handler in this process. */
export type Backend = string | ((request: Request) => Promise<Response>);

/** The load balancer in front of the instances. */
export interface Proxy extends AsyncDisposable {
  url: string;
  /** Requests answered by each backend, by index in the current list. */
  served: Map<string, number>;
  /** How long each answered request took through the proxy, in ms. */
  timings: number[];
  /** Replaces the backends. */
  use(backends: Backend[]): void;
}

/**
 * Starts a round-robin proxy: each request goes to the next backend; when
 * that one cannot be reached (down, or killed mid-request), to the next.
 */
export function startProxy(): Proxy {
  const client = Deno.createHttpClient({});
  let backends: Backend[] = [];
  let turn = 0;
  const served = new Map<string, number>();
  const timings: number[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const begin = performance.now();
      const body = new Uint8Array(await request.arrayBuffer());
      const path = new URL(request.url).pathname;
      const start = turn++;
      for (let offset = 0; offset < backends.length; offset++) {
        const backend = backends[(start + offset) % backends.length];
        const name = typeof backend === "string" ? backend : "local";
        try {
          const forwarded = new Request(
            typeof backend === "string" ? backend + path : request.url,
            { method: request.method, headers: request.headers, body },
          );
          const answer = typeof backend === "string"
            ? await fetch(forwarded, { client })
            : await backend(forwarded);
          const bytes = await answer.arrayBuffer();
          served.set(name, (served.get(name) ?? 0) + 1);
          timings.push(performance.now() - begin);
          return new Response(bytes, {
            status: answer.status,
            headers: answer.headers,
          });
        } catch {
          // Down: try the next one.
        }
      }
      return Response.json({ error: "No instance is up" }, { status: 502 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    served,
    timings,
    use(list) {
      backends = list;
    },
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      client.close();
    },
  };
}

/**
 * Something that happens again and again, such as "an instance wrote a
 * line": `next()` resolves at the next `fire()`.
 */
export class Pulse {
  #next = Promise.withResolvers<void>();

  /** Resolves at the next `fire()`. */
  next(): Promise<void> {
    return this.#next.promise;
  }

  /** Wakes everyone waiting on `next()`. */
  fire(): void {
    this.#next.resolve();
    this.#next = Promise.withResolvers<void>();
  }
}

/**
 * Waits until `condition()` holds, looking again each time `wake()`
 * resolves (such as a {@linkcode Pulse} fired by each line the instances
 * write); throws after `timeout` ms, a bound for a failing run, not a wait.
 */
export async function waitFor(
  what: string,
  condition: () => boolean,
  wake: () => Promise<void>,
  timeout: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`Timed out after ${timeout} ms waiting for ${what}`)),
      timeout,
    );
  });
  try {
    // condition() and wake() run in one turn, so no event falls between.
    while (!condition()) await Promise.race([wake(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

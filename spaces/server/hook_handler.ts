/**
 * The HTTP handler of the hook route, for any space: what `server.ts`
 * serves, and what an integrator mounts in a server of their own.
 *
 * @module
 */

import type { Space } from "../base.ts";
import { ConfigurationError } from "../errors.ts";
import { buildHookHandler, type HookConfig } from "./_hook_app.ts";

/**
 * Options of {@linkcode createHookHandler} and `createHookApp`. The limits
 * hold memory bounded before a delivery's signature is checked, that is,
 * before anyone is authenticated: at most `maxReadingBytes` of bodies are
 * being read at any time, whatever the number of connections.
 */
export interface HookHandlerOptions {
  /** Path of the hook route. @default `server.hook` of the space's settings, else "/hook" */
  path?: string;
  /**
   * Largest delivery accepted, in bytes; larger ones get 413, unread when
   * their Content-Length says so. Webex deliveries carry ids, not message
   * text: about 1 KiB.
   * @default `server.body_limit` of the space's settings, else 65_536
   */
  maxBodyBytes?: number;
  /**
   * Bytes being read at once over all requests. A request reserves each
   * chunk of its body as it arrives, so a stalled client holds only what
   * it sent; one whose next chunk does not fit gets 503 with
   * `Retry-After: 1`, and what it read is given back.
   * @default `server.reading_limit` of the space's settings, else 16_777_216
   */
  maxReadingBytes?: number;
  /**
   * Milliseconds a body has to arrive in; a later one gets 408 and its
   * connection is closed.
   * @default `server.body_timeout` (seconds) of the space's settings, else 10_000
   */
  bodyTimeout?: number;
  /**
   * Milliseconds between two log lines about refused deliveries (bad
   * signature, malformed, too large, too slow, busy): they are counted per
   * reason in between, so that no one can flood the logs.
   * @default 10_000
   */
  refusalLogInterval?: number;
}

/**
 * Builds the HTTP handler of the webhook server for a space: `POST` on the
 * hook path calls `space.webhook(request)` once the body is in under the
 * limits (a `WebexSpace` that keeps its own `webhook` gets the bytes read
 * and the signature without a second request: the same checks and
 * answers), `GET /health` answers `{"status":"ok"}`, and errors never leak
 * internals. It answers as the `fetch` of the Hono app of `createHookApp`
 * does, and sends a delivery to the hook path straight to the intake.
 *
 * `Deno.serve` itself bounds neither the number of connections nor how
 * long a client may take to send its headers or to read the answer: put
 * a reverse proxy with connection limits and timeouts in front of a server
 * open to the internet.
 *
 * @param space The space that processes deliveries.
 * @param options Path, limits and log interval.
 * @returns A `fetch`-style handler, for `Deno.serve` or any web server.
 * @throws {RangeError} When a limit is not a number above 0.
 * @throws {ConfigurationError} When a `server.*` setting is not.
 *
 * @example Serve the hook route
 * ```ts
 * import { EventQueue, Context, WebexSpace, type SpaceEvent } from "@shellbot/spaces";
 * import { createHookHandler } from "@shellbot/spaces/server";
 *
 * const space = new WebexSpace({
 *   context: new Context({ space: { room: "Ops", token: "t" } }),
 *   ears: new EventQueue<SpaceEvent>(),
 * });
 * const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, createHookHandler(space));
 * await server.shutdown();
 * ```
 */
export function createHookHandler(
  space: Space,
  options: HookHandlerOptions = {},
): (request: Request) => Promise<Response> {
  return buildHookHandler(space, hookConfig(space, options));
}

/** The options resolved against the space's settings. */
export function hookConfig(
  space: Space,
  options: HookHandlerOptions,
): HookConfig {
  const setting = (key: string, scale: number, fallback: number) => {
    const value = space.context.get<unknown>(key);
    if (value === undefined || value === "") return fallback;
    const number = Number(value);
    if (!(number > 0) || !Number.isFinite(number)) {
      throw new ConfigurationError(
        `'${key}' (or ${
          key.replaceAll(".", "_").toUpperCase()
        }) must be a number above 0, not '${value}'`,
        { key },
      );
    }
    return Math.ceil(number * scale);
  };
  const option = (name: keyof HookHandlerOptions, value: number) => {
    if (!(value > 0) || !Number.isFinite(value)) {
      throw new RangeError(
        `createHookHandler: '${name}' must be a number above 0, not ${value}`,
      );
    }
    return value;
  };
  return {
    path: options.path ?? space.context.get<string>("server.hook", "/hook"),
    limits: {
      bodyLimit: option(
        "maxBodyBytes",
        options.maxBodyBytes ?? setting("server.body_limit", 1, 65_536),
      ),
      readingLimit: option(
        "maxReadingBytes",
        options.maxReadingBytes ??
          setting("server.reading_limit", 1, 16_777_216),
      ),
      bodyTimeout: option(
        "bodyTimeout",
        options.bodyTimeout ?? setting("server.body_timeout", 1000, 10_000),
      ),
    },
    refusalLogInterval: option(
      "refusalLogInterval",
      options.refusalLogInterval ?? 10_000,
    ),
  };
}

/**
 * The checked settings of a Webex client, with their defaults. Durations
 * are in milliseconds.
 *
 * @module
 */

import { type Logger, quietLogger } from "../log.ts";
import { type Backoff, MAX_RETRY_DELAY } from "../retry.ts";
import { ApiUrl } from "./_api_url.ts";
import type { WebexClientOptions } from "./client_options.ts";

/** What a client runs on, every default filled in. */
export interface ClientConfig {
  token: string;
  api: ApiUrl;
  fetch: typeof fetch;
  logger: Logger;
  maxAttempts: number;
  maxRetryAfter: number;
  backoff: Backoff;
  timeout: number;
  bodyTimeout: number;
  random: () => number;
}

/**
 * Checks the options of a client and fills in the defaults.
 *
 * @throws {TypeError} When the token is empty or not usable in a header,
 * or the API URL is not an http(s) URL.
 * @throws {RangeError} When a number setting is out of range.
 */
export function clientConfig(
  options: WebexClientOptions,
  defaultApiUrl: string,
): ClientConfig {
  const token = String(options.token ?? "").trim();
  if (!token) {
    throw new TypeError("Cannot make a Webex client: the token is empty");
  }
  if (/[^\x21-\x7e]/.test(token)) {
    throw new TypeError(
      "Cannot make a Webex client: the token holds characters that are not allowed in an HTTP header",
    );
  }
  const maxAttempts = checkNumber("maxAttempts", options.maxAttempts, 5, 1);
  if (!Number.isInteger(maxAttempts)) {
    throw new RangeError(
      `Cannot make a Webex client: maxAttempts must be a whole number, not ${maxAttempts}`,
    );
  }
  return {
    token,
    api: new ApiUrl(options.apiUrl ?? defaultApiUrl),
    fetch: options.fetch ?? globalThis.fetch,
    logger: options.logger ?? quietLogger,
    maxAttempts,
    maxRetryAfter: checkNumber(
      "maxRetryAfter",
      options.maxRetryAfter,
      MAX_RETRY_DELAY,
      0,
    ),
    backoff: {
      base: checkNumber("backoff.base", options.backoff?.base, 500, 0),
      max: checkNumber("backoff.max", options.backoff?.max, 30_000, 0),
    },
    timeout: checkNumber("timeout", options.timeout, 60_000, 1),
    bodyTimeout: checkNumber("bodyTimeout", options.bodyTimeout, 30_000, 1),
    random: options.random ?? Math.random,
  };
}

function checkNumber(
  name: string,
  value: number | undefined,
  fallback: number,
  min: number,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `Cannot make a Webex client: ${name} must be a number of at least ${min}, not ${value}`,
    );
  }
  return value;
}

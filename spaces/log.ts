/**
 * Where the library writes what it has to say.
 *
 * @module
 */

/**
 * A sink for log lines. `console` fits, and so does any logger with these
 * four methods. The library never passes a token or a secret to it.
 *
 * @example Collect log lines in a test
 * ```ts
 * import { Context, LocalSpace, type Logger } from "@shellbot/spaces";
 *
 * const lines: string[] = [];
 * const logger: Logger = {
 *   debug: (message) => lines.push(message),
 *   info: (message) => lines.push(message),
 *   warn: (message) => lines.push(message),
 *   error: (message) => lines.push(message),
 * };
 * const space = new LocalSpace({ context: new Context(), logger, input: [] });
 * console.log(space.logger === logger); // true
 * ```
 */
export interface Logger {
  /** Details useful when debugging. */
  debug(message: string, ...data: unknown[]): void;
  /** Normal operation worth knowing about. */
  info(message: string, ...data: unknown[]): void;
  /** Something failed and was handled. */
  warn(message: string, ...data: unknown[]): void;
  /** Something failed and was not handled. */
  error(message: string, ...data: unknown[]): void;
}

/**
 * The default logger: warnings and errors go to `console`, debug and info
 * are dropped so a bot's own output stays readable.
 *
 * @example Use the default logger
 * ```ts
 * import { quietLogger } from "@shellbot/spaces";
 *
 * quietLogger.warn("A pull failed; trying again in 1 s");
 * ```
 */
export const quietLogger: Logger = {
  debug() {},
  info() {},
  warn: (message, ...data) => console.warn(message, ...data),
  error: (message, ...data) => console.error(message, ...data),
};

import type { Logger } from "../log.ts";

/**
 * The logger of `server.ts`: what a server does at start (where it keeps
 * its state, which secret it uses, where it receives) matters to whoever
 * runs it, so info is printed too; debug is dropped.
 */
export const serverLogger: Logger = {
  debug() {},
  info: (message, ...data) => console.log(message, ...data),
  warn: (message, ...data) => console.warn(message, ...data),
  error: (message, ...data) => console.error(message, ...data),
};

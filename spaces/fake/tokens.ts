/**
 * The shape of FakeWebex bearer tokens.
 *
 * @module
 */

/**
 * What every FakeWebex token starts with, so a test or CI can scan its
 * output for leaked tokens without knowing them.
 *
 * @example Scan a log line for a leaked token
 * ```ts
 * import { FAKE_TOKEN_PREFIX } from "@shellbot/spaces/testing";
 *
 * const line = "Refused a webhook delivery: wrong X-Spark-Signature";
 * console.log(line.includes(FAKE_TOKEN_PREFIX)); // false
 * ```
 */
export const FAKE_TOKEN_PREFIX = "fake-token-";

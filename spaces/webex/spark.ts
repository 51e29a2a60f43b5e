/**
 * `SparkSpace`: the former name of `WebexSpace`, kept for the type `spark`.
 *
 * @module
 */

import { WebexSpace } from "./space.ts";

/**
 * The former name of {@linkcode WebexSpace}, kept for the type `spark`.
 *
 * @example Build a space of type spark
 * ```ts
 * import { SparkSpace, WebexSpace } from "@shellbot/spaces";
 *
 * console.log(SparkSpace === WebexSpace); // true
 * ```
 */
export const SparkSpace: typeof WebexSpace = WebexSpace;
/** The former name of {@linkcode WebexSpace}. */
export type SparkSpace = WebexSpace;

/**
 * The plural participant methods of the {@linkcode Space} base: one action
 * per person, going on past a person that fails.
 *
 * @module
 */

import { listOf } from "./_arguments.ts";
import { messageOf } from "./_objects.ts";
import type { Logger } from "./log.ts";
import type { ParticipantsReport } from "./space_options.ts";

/**
 * Runs `action` for each person, one at a time, and reports who succeeded
 * and who failed; each failure is logged at `warn`.
 *
 * @param verb What the action does, for the log: `add`, `remove`.
 * @param persons E-mail addresses, as a list or a comma-separated string.
 */
export async function forEachPerson(
  verb: string,
  persons: Iterable<string> | string,
  logger: Logger,
  action: (person: string) => Promise<void>,
): Promise<ParticipantsReport> {
  const report: ParticipantsReport = { succeeded: [], failed: [] };
  const list = typeof persons === "string" ? listOf(persons) : [...persons];
  for (const person of list) {
    try {
      await action(person);
      report.succeeded.push(person);
    } catch (error) {
      report.failed.push({ person, error });
      logger.warn(
        `Could not ${verb} participant ${person}: ${messageOf(error)}`,
      );
    }
  }
  return report;
}

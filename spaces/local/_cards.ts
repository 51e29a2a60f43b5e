/**
 * Cards on the terminal: a card shows as its fallback text plus a line of
 * its inputs and one of its buttons, and the person at the terminal submits
 * it with `/submit [button] name=value ...` (a value with spaces in double
 * quotes). The result has the shape of a Webex submission: every input with
 * its value (its default when not given), and the `data` of the button.
 *
 * @module
 */

import type { AdaptiveCard } from "../cards.ts";

/** An input of a card, as the terminal shows it. */
interface CardInput {
  id: string;
  type: string;
  value?: unknown;
  choices?: string[];
}

/** A submit button of a card. */
interface CardButton {
  title: string;
  data: Record<string, unknown>;
}

/** The prefix of the line that submits the last card. */
export const SUBMIT_COMMAND = "/submit";

/** The lines that show a card's inputs and buttons under its fallback text. */
export function cardLines(card: AdaptiveCard): string[] {
  const { inputs, buttons } = walk(card);
  const lines: string[] = [];
  if (inputs.length > 0) {
    lines.push(
      `[card] inputs: ${
        inputs.map((input) =>
          input.choices
            ? `${input.id} (${input.choices.join(" | ")})`
            : `${input.id} (${
              input.type.replace(/^Input\./, "").toLowerCase()
            })`
        ).join(", ")
      }`,
    );
  }
  const titles = buttons.map((button) => button.title).filter(Boolean);
  lines.push(
    `[card] ${
      titles.length > 0 ? `buttons: ${titles.join(" | ")}; ` : ""
    }answer with ${SUBMIT_COMMAND} [button] name=value ...`,
  );
  return lines;
}

/**
 * Reads a `/submit` line against a card.
 *
 * @returns The submitted inputs, or a sentence saying what was wrong.
 */
export function submittedInputs(
  line: string,
  card: AdaptiveCard,
): Record<string, unknown> | string {
  const { inputs, buttons } = walk(card);
  const words = splitWords(line.trim().slice(SUBMIT_COMMAND.length));
  const values: Record<string, unknown> = {};
  for (const input of inputs) values[input.id] = input.value ?? "";
  let button = buttons[0];
  for (const [index, word] of words.entries()) {
    const at = word.indexOf("=");
    if (at < 0) {
      const wanted = word.toLowerCase();
      const found = buttons.find((item) => item.title.toLowerCase() === wanted);
      if (index > 0 || !found) {
        return `No button "${word}" on the card: use one of ${
          buttons.map((item) => `"${item.title}"`).join(", ") || "(none)"
        }, then name=value pairs`;
      }
      button = found;
      continue;
    }
    const name = word.slice(0, at);
    if (!inputs.some((input) => input.id === name)) {
      return `No input "${name}" on the card: its inputs are ${
        inputs.map((input) => input.id).join(", ") || "(none)"
      }`;
    }
    values[name] = word.slice(at + 1);
  }
  return { ...values, ...button?.data };
}

function walk(
  card: AdaptiveCard,
): { inputs: CardInput[]; buttons: CardButton[] } {
  const inputs: CardInput[] = [];
  const buttons: CardButton[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    const element = node as Record<string, unknown>;
    const type = typeof element.type === "string" ? element.type : "";
    if (type.startsWith("Input.") && typeof element.id === "string") {
      const choices = Array.isArray(element.choices)
        ? element.choices.map((choice) =>
          String((choice as Record<string, unknown>)?.value ?? "")
        )
        : undefined;
      inputs.push({ id: element.id, type, value: element.value, choices });
    } else if (type === "Action.Submit") {
      const data = element.data;
      buttons.push({
        title: String(element.title ?? ""),
        data: typeof data === "object" && data !== null && !Array.isArray(data)
          ? data as Record<string, unknown>
          : {},
      });
    }
    for (const key of ["body", "items", "columns", "actions", "card"]) {
      if (key in element) visit(element[key]);
    }
  };
  visit(card.body);
  visit(card.actions);
  return { inputs, buttons };
}

/** Splits on blanks, keeping `name="two words"` as one word without quotes. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const match of text.matchAll(/(?:[^\s"]+|"[^"]*")+/g)) {
    words.push(match[0].replace(/"([^"]*)"/g, "$1"));
  }
  return words;
}

/**
 * Parsing of the text addressed to a bot: the leading mention of the bot,
 * and a command with its arguments.
 *
 * @module
 */

/** A command line: the command, its words, and the rest as typed. */
export interface ParsedCommand {
  /** The first word, lower-cased, without a leading `/`. */
  command: string;
  /** The words after the command. */
  args: string[];
  /** Everything after the command, trimmed, spacing kept. */
  rest: string;
}

const SPACE = /\s/;

/**
 * Splits `text` into a command and its arguments; `undefined` when the text
 * is empty or only a `/`.
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const line = text.trim();
  let end = 0;
  while (end < line.length && !SPACE.test(line[end])) end++;
  const word = line.slice(line.startsWith("/") ? 1 : 0, end);
  if (!word) return undefined;
  const rest = line.slice(end).trim();
  return {
    command: word.toLowerCase(),
    args: rest ? rest.split(/\s+/) : [],
    rest,
  };
}

/**
 * The name a command is registered under: lower-cased, without a leading
 * `/`.
 *
 * @throws {TypeError} When the name is empty or holds a space.
 */
export function commandName(name: string): string {
  const bare = name.startsWith("/") ? name.slice(1) : name;
  if (!bare || SPACE.test(bare)) {
    throw new TypeError(
      `Bot.command(): a command name is one word, not '${name}'`,
    );
  }
  return bare.toLowerCase();
}

/**
 * The text without a leading mention of the bot: in Webex group rooms the
 * text of a message to the bot starts with the bot's name.
 */
export function withoutMention(text: string, botName: string): string {
  const trimmed = text.trim();
  if (
    botName && trimmed.length >= botName.length &&
    trimmed.slice(0, botName.length).toLowerCase() === botName.toLowerCase() &&
    (trimmed.length === botName.length ||
      SPACE.test(trimmed[botName.length]))
  ) {
    return trimmed.slice(botName.length).trim();
  }
  return trimmed;
}

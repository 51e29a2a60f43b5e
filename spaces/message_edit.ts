/**
 * What `Space.editMessage` takes.
 *
 * @module
 */

/**
 * The new content of an edited message: text, markdown, or both.
 *
 * @example Edit with markdown
 * ```ts
 * import type { MessageEdit } from "@shellbot/spaces";
 *
 * const edit: MessageEdit = { markdown: "**Done**", text: "Done" };
 * console.log(edit.markdown);
 * ```
 */
export interface MessageEdit {
  /** The new plain text. */
  text?: string;
  /** The new markdown. */
  markdown?: string;
}

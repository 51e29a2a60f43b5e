import { requireText } from "./_arguments.ts";
import type { MessageEdit } from "./message_edit.ts";

/**
 * Checks the arguments of `editMessage` and gives the edit as an object.
 *
 * @throws {TypeError} When the id is empty or the change has no text and no
 * markdown.
 */
export function checkEdit(
  messageId: string,
  change: string | MessageEdit,
): MessageEdit {
  requireText(messageId, "editMessage", "messageId");
  const edit = typeof change === "string"
    ? { text: change }
    : typeof change === "object" && change !== null
    ? { text: change.text, markdown: change.markdown }
    : {};
  if (!edit.text && !edit.markdown) {
    throw new TypeError(
      "editMessage() needs the new text, or { text?, markdown? } with one of them",
    );
  }
  return edit;
}

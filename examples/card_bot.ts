/**
 * A bot that asks with an Adaptive Card and answers the submission.
 *
 * Say `card` and it posts a card with a text input and two buttons (any
 * other message gets that hint); the person who submits it is greeted with
 * what they typed. On the terminal,
 * submit with `/submit name=Alice` (or `/submit Cancel`).
 *
 * ```sh
 * deno run -A jsr:@shellbot/spaces/cli --bot examples/card_bot.ts
 * ```
 *
 * @module
 */

import type { AdaptiveCard, BotHandler } from "@shellbot/spaces";

/** The card: one input, and a button to send it or cancel. */
export const NAME_CARD: AdaptiveCard = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [
    { type: "TextBlock", text: "Who are you?", weight: "Bolder" },
    { type: "Input.Text", id: "name", label: "Your name", isRequired: true },
  ],
  actions: [
    { type: "Action.Submit", title: "Send", data: { choice: "send" } },
    { type: "Action.Submit", title: "Cancel", data: { choice: "cancel" } },
  ],
};

/**
 * Posts the card on `card`, and answers each submission.
 *
 * @example Try it on a scripted terminal
 * ```ts
 * import { botSink, LocalSpace, type Space } from "@shellbot/spaces";
 * import cardBot from "./card_bot.ts";
 *
 * const space: Space = new LocalSpace({
 *   input: ["card", "/submit name=Alice"],
 *   ears: botSink(cardBot, () => space),
 * });
 * await space.run();
 * ```
 */
const cardBot: BotHandler = async (event, space) => {
  if (event.type === "message" && event.channelId && event.text === "card") {
    await space.postMessage({
      id: event.channelId,
      text: "Who are you? (your client cannot show cards)",
      card: NAME_CARD,
    });
  } else if (event.type === "action") {
    const answer = event.inputs.choice === "cancel"
      ? "Maybe another time."
      : `Nice to meet you, ${String(event.inputs.name || "stranger")}!`;
    await space.postMessage({
      id: event.channelId,
      text: answer,
      parentId: event.messageId,
    });
  } else if (event.type === "message" && event.channelId) {
    await space.postMessage(event.channelId, "Say 'card' and I show a card.");
  }
};

export default cardBot;

// Adaptive Cards in the page, with the official renderer's browser bundle
// (the global AdaptiveCards, loaded before this module). A submit calls
// back with the values of the card's inputs merged with the action's data,
// as Webex sends them in an attachment action.

import { markdownHtml } from "./markdown.js";

const HOST_CONFIG = {
  fontFamily: "system-ui, sans-serif",
  spacing: {
    small: 4,
    default: 8,
    medium: 16,
    large: 24,
    extraLarge: 32,
    padding: 12,
  },
  actions: {
    actionsOrientation: "horizontal",
    buttonSpacing: 8,
    maxActions: 6,
  },
};

/**
 * Renders a card.
 * @param {Record<string, unknown>} content The card JSON.
 * @param {(inputs: Record<string, unknown>) => void} onSubmit Called on Action.Submit.
 * @returns {HTMLElement} The card, or a note when it cannot be shown.
 */
export function renderCard(content, onSubmit) {
  const AC = globalThis.AdaptiveCards;
  if (!AC) return note("(the Adaptive Cards renderer did not load)");
  // Webex renders markdown in a card's text; without this the renderer
  // shows it raw.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = markdownHtml(text);
    result.didProcess = true;
  };
  try {
    const card = new AC.AdaptiveCard();
    card.hostConfig = new AC.HostConfig(HOST_CONFIG);
    card.onExecuteAction = (action) => {
      if (action instanceof AC.SubmitAction) {
        onSubmit({ ...(action.data ?? {}) });
      } else if (
        action instanceof AC.OpenUrlAction && /^https?:/.test(action.url)
      ) {
        globalThis.open(action.url, "_blank", "noopener,noreferrer");
      }
    };
    card.parse(content);
    return card.render() ?? note("(empty card)");
  } catch (error) {
    return note(`(this card cannot be shown: ${error})`);
  }
}

function note(text) {
  const element = document.createElement("p");
  element.className = "note";
  element.textContent = text;
  return element;
}

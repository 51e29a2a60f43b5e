// A message as a Webex client shows it: author and time, the service's
// html (sanitised) or the plain text, files, a card, and its thread.

import { renderCard } from "./cards.js";
import { element } from "./dom.js";
import { sanitise } from "./markdown.js";

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function messageBody(message) {
  const body = element("div", {
    className: message.html ? "body" : "body plain",
  });
  body.append(message.html ? sanitise(message.html) : message.text);
  return body;
}

export function renderMessage(message, actions) {
  const time = new Date(message.created);
  const item = element("li", {
    className: message.author.isBot ? "message from-bot" : "message",
  });
  item.dataset.id = message.id;
  item.append(
    element(
      "div",
      { className: "meta" },
      element("strong", { textContent: message.author.name }),
      " ",
      element("time", {
        dateTime: message.created,
        textContent: time.toLocaleTimeString(),
      }),
      message.updated ? " (edited)" : "",
    ),
  );
  // Webex clients show a card instead of its fallback text.
  if (!message.card) item.append(messageBody(message));
  if (message.files.length > 0) {
    item.append(
      element(
        "ul",
        { className: "files", ariaLabel: "Files" },
        ...message.files.map((file) =>
          element(
            "li",
            {},
            "File: ",
            element("a", {
              href: `/api/files/${encodeURIComponent(file.id)}`,
              download: file.name,
              textContent: file.name,
            }),
            ` (${size(file.size)}, ${file.type})`,
          )
        ),
      ),
    );
  }
  if (message.card) {
    const status = element("p", { className: "card-status", role: "status" });
    const card = element(
      "div",
      { className: "card" },
      renderCard(message.card, async (inputs) => {
        status.textContent = await actions.submit(message, inputs);
      }),
    );
    item.append(card, status);
  }
  if (!message.parentId) {
    item.append(element("button", {
      type: "button",
      className: "link-button reply",
      textContent: "Reply in thread",
      ariaLabel: `Reply to ${message.author.name} in a thread`,
      onclick: () => actions.reply(message),
    }));
    item.append(element("ol", { className: "thread", ariaLabel: "Thread" }));
  }
  return item;
}

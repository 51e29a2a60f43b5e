// Small DOM helpers of the page, and the lines of the wire panel.

/** Makes an element with properties and children. */
export function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

/** One line of the wire panel: a delivery or an API call, with its status. */
export function renderWire(entry) {
  const ok = entry.status < 400;
  const item = element(
    "li",
    {},
    element("span", {
      textContent: entry.kind === "event" ? "event " : "api ",
    }),
    element("code", { textContent: `${entry.method} ${entry.path}` }),
    " ",
    element("span", {
      className: ok ? "status" : "status bad",
      textContent: entry.status ? String(entry.status) : "…",
    }),
  );
  item.dataset.seq = String(entry.seq);
  if (entry.summary) {
    item.append(" ", element("em", { textContent: entry.summary }));
  }
  if (entry.body) {
    let pretty = entry.body;
    try {
      pretty = JSON.stringify(JSON.parse(entry.body), null, 2);
    } catch { /* shown as received */ }
    item.append(
      element(
        "details",
        {},
        element("summary", { textContent: "Body" }),
        element("pre", { textContent: pretty }),
      ),
    );
  }
  return item;
}

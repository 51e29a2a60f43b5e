// The playground page: act as a person on the fake Webex, and see the
// bot's answers live. Plain DOM, no framework; the server pushes "changed"
// and "wire" notices over server-sent events and the page re-reads.

import { renderCard } from "./cards.js";

const $ = (id) => document.getElementById(id);
const state = {
  world: undefined, // { bot, people, rooms }
  me: undefined, // a person id
  roomId: undefined,
  parentId: undefined,
  shown: new Map(), // message id -> { element, stamp }
};

async function api(path, init = {}) {
  const response = await fetch(path, {
    ...init,
    headers: { "x-playground": "1", ...(init.headers ?? {}) },
  });
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    throw new Error(
      body.message ?? `${response.status} ${response.statusText}`,
    );
  }
  return response.status === 204 ? undefined : await response.json();
}

const json = (body) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

function showError(error) {
  $("error").textContent = error ? String(error.message ?? error) : "";
}

function element(tag, properties = {}, ...children) {
  const node = Object.assign(document.createElement(tag), properties);
  node.append(...children);
  return node;
}

const room = () => state.world?.rooms.find((item) => item.id === state.roomId);
const nameOf = (id) =>
  [state.world.bot, ...state.world.people].find((person) => person.id === id)
    ?.name ?? "?";

// --- the world: people, rooms, members ---

async function loadWorld() {
  state.world = await api("/api/state");
  const { people, bot, rooms } = state.world;
  state.me ??= people[0].id;
  const me = $("me");
  me.replaceChildren(
    ...people.map((person) =>
      element("option", {
        value: person.id,
        textContent: person.name,
        selected: person.id === state.me,
      })
    ),
  );
  // A direct room gets its id with its first message.
  const current = room();
  if (!current) {
    const mine = rooms.find((item) =>
      item.personId && state.roomId?.endsWith(item.personId)
    );
    state.roomId = mine?.id ?? rooms[0].id;
  }
  $("rooms").replaceChildren(
    ...rooms.map((item) =>
      element(
        "li",
        {},
        element("button", {
          type: "button",
          textContent: item.type === "group" ? `# ${item.title}` : item.title,
          onclick: () => selectRoom(item.id),
        }),
      )
    ),
  );
  [...$("rooms").querySelectorAll("button")].forEach((button, index) =>
    button.setAttribute(
      "aria-current",
      String(rooms[index].id === state.roomId),
    )
  );
  $("mention-text").textContent = `Mention ${bot.name}`;
  renderMembers();
}

function renderMembers() {
  const current = room();
  const group = current.type === "group";
  $("room-title").textContent = group ? `# ${current.title}` : current.title;
  $("members").replaceChildren(...current.members.map((person) => {
    const item = element(
      "li",
      {},
      element("span", {
        textContent: person.isBot ? `${person.name} (bot)` : person.name,
      }),
    );
    if (group) {
      item.append(element("button", {
        type: "button",
        textContent: person.id === state.me ? "Leave" : "Remove",
        ariaLabel: person.id === state.me
          ? `Leave ${current.title}`
          : `Remove ${person.name}`,
        onclick: () => removeMember(person.id),
      }));
    }
    return item;
  }));
  const outside = state.world.people.filter((person) =>
    !current.members.some((member) => member.id === person.id)
  );
  $("add-person").hidden = !group || outside.length === 0;
  $("add-who").replaceChildren(
    ...outside.map((person) =>
      element("option", { value: person.id, textContent: person.name })
    ),
  );
  $("mention-label").hidden = !group;
}

async function selectRoom(id) {
  if (id !== state.roomId) {
    state.roomId = id;
    state.parentId = undefined;
    state.shown.clear();
    $("timeline").replaceChildren();
    $("wire").replaceChildren();
    $("replying").hidden = true;
  }
  const current = room();
  // A direct room is one person's: write in it as them.
  if (current?.personId && current.personId !== state.me) {
    state.me = current.personId;
  }
  await loadWorld();
  await Promise.all([loadTimeline(), loadWire()]);
  $("text").focus();
}

async function removeMember(personId) {
  try {
    await api(
      `/api/rooms/${encodeURIComponent(state.roomId)}/members/${
        encodeURIComponent(personId)
      }?by=${encodeURIComponent(state.me)}`,
      { method: "DELETE" },
    );
    showError();
    await loadWorld();
  } catch (error) {
    showError(error);
  }
}

$("add-person").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    await api(
      `/api/rooms/${encodeURIComponent(state.roomId)}/members`,
      json({ person: $("add-who").value, by: state.me }),
    );
    showError();
    await loadWorld();
  } catch (error) {
    showError(error);
  }
});

$("me").addEventListener("change", async () => {
  state.me = $("me").value;
  const current = room();
  // Someone else's direct room is not yours: go to your own.
  if (current?.personId && current.personId !== state.me) {
    const mine = state.world.rooms.find((item) => item.personId === state.me);
    await selectRoom(mine.id);
  } else {
    renderMembers();
  }
});

// --- the timeline ---

const ALLOWED = new Set([
  "P",
  "BR",
  "STRONG",
  "B",
  "EM",
  "I",
  "CODE",
  "PRE",
  "A",
  "UL",
  "OL",
  "LI",
  "BLOCKQUOTE",
  "H1",
  "H2",
  "H3",
  "SPARK-MENTION",
]);

// Copies the allowed tags of the service's html into fresh elements: no
// attribute comes along but a link's http(s) address.
function sanitise(html) {
  const source = new DOMParser().parseFromString(html, "text/html").body;
  const out = document.createDocumentFragment();
  const walk = (from, into) => {
    for (const child of from.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        into.append(child.textContent);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED.has(child.tagName)) {
          walk(child, into);
          continue;
        }
        let copy;
        if (child.tagName === "SPARK-MENTION") {
          copy = element("span", { className: "mention" });
        } else if (child.tagName === "A") {
          copy = element("a", {
            rel: "noopener noreferrer nofollow",
            target: "_blank",
          });
          const href = child.getAttribute("href") ?? "";
          if (/^https?:\/\//i.test(href)) copy.href = href;
        } else {
          copy = document.createElement(child.tagName.toLowerCase());
        }
        walk(child, copy);
        into.append(copy);
      }
    }
  };
  walk(source, out);
  return out;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function messageBody(message) {
  const body = element("div", {
    className: message.html ? "body" : "body plain",
  });
  body.append(message.html ? sanitise(message.html) : message.text);
  return body;
}

function renderMessage(message) {
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
        try {
          await api(
            "/api/actions",
            json({ from: state.me, messageId: message.id, inputs }),
          );
          status.textContent = `Submitted as ${nameOf(state.me)}`;
        } catch (error) {
          status.textContent = `Not submitted: ${error.message}`;
        }
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
      onclick: () => {
        state.parentId = message.id;
        $("replying-text").textContent =
          `Replying to ${message.author.name} in a thread`;
        $("replying").hidden = false;
        $("text").focus();
      },
    }));
    item.append(element("ol", { className: "thread", ariaLabel: "Thread" }));
  }
  return item;
}

// One reading at a time, so that a message is never shown twice.
let reading = Promise.resolve();
function loadTimeline() {
  reading = reading.then(readTimeline, readTimeline);
  return reading;
}

async function readTimeline() {
  const roomId = state.roomId;
  const messages = await api(
    `/api/rooms/${encodeURIComponent(roomId)}/messages`,
  );
  if (roomId !== state.roomId) return;
  const timeline = $("timeline");
  const seen = new Set();
  let added = false;
  for (const message of messages) {
    seen.add(message.id);
    const stamp = message.updated ?? message.created;
    const known = state.shown.get(message.id);
    if (known && known.stamp === stamp) continue;
    if (known) {
      known.element.querySelector(".body")?.replaceWith(messageBody(message));
      known.stamp = stamp;
      continue;
    }
    const item = renderMessage(message);
    const parent = message.parentId && state.shown.get(message.parentId);
    (parent ? parent.element.querySelector(".thread") : timeline).append(item);
    state.shown.set(message.id, { element: item, stamp });
    added = true;
  }
  for (const [id, known] of state.shown) {
    if (!seen.has(id)) {
      known.element.remove();
      state.shown.delete(id);
    }
  }
  if (added) timeline.scrollTop = timeline.scrollHeight;
}

// --- writing ---

$("text").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});

$("cancel-reply").addEventListener("click", () => {
  state.parentId = undefined;
  $("replying").hidden = true;
  $("text").focus();
});

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const current = room();
  const form = new FormData();
  form.set("from", state.me);
  form.set("roomId", state.roomId);
  form.set("text", $("text").value.trim());
  if (current.type === "group" && $("mention").checked) {
    form.set("mention", "bot");
  }
  if (state.parentId) form.set("parentId", state.parentId);
  const file = $("file").files[0];
  if (file) form.set("file", file);
  try {
    const sent = await api("/api/messages", { method: "POST", body: form });
    showError();
    $("text").value = "";
    $("file").value = "";
    state.parentId = undefined;
    $("replying").hidden = true;
    if (sent.roomId !== state.roomId) {
      state.roomId = sent.roomId;
      await loadWorld();
    }
    await loadTimeline();
  } catch (error) {
    showError(error);
  }
  $("text").focus();
});

// --- the wire ---

function renderWire(entry) {
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

async function loadWire() {
  const roomId = state.roomId;
  const entries = await api(`/api/wire?roomId=${encodeURIComponent(roomId)}`);
  if (roomId !== state.roomId) return;
  $("wire").replaceChildren(...entries.reverse().map(renderWire));
}

// --- live ---

let pending;
function refresh() {
  // Notices come in bursts: one reload per burst.
  pending ??= Promise.resolve().then(async () => {
    pending = undefined;
    try {
      await loadWorld();
      await loadTimeline();
    } catch (error) {
      showError(error);
    }
  });
}

function listen() {
  const source = new EventSource("/api/stream");
  source.onmessage = (event) => {
    const notice = JSON.parse(event.data);
    if (notice.type === "changed") refresh();
    if (notice.type === "wire") {
      const entry = notice.entry;
      if (entry.roomId === undefined || entry.roomId === state.roomId) {
        const known = $("wire").querySelector(`[data-seq="${entry.seq}"]`);
        if (known) known.replaceWith(renderWire(entry));
        else $("wire").prepend(renderWire(entry));
      }
    }
  };
}

await loadWorld();
await selectRoom(state.roomId);
listen();
document.body.dataset.ready = "true";

// The playground page: act as a person on the fake Webex, and see the
// bot's answers live. Plain DOM, no framework; the server pushes "changed"
// and "wire" notices over server-sent events and the page re-reads.

import { element, renderWire } from "./dom.js";
import { messageBody, renderMessage } from "./messages.js";

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

async function submitCard(message, inputs) {
  try {
    await api(
      "/api/actions",
      json({ from: state.me, messageId: message.id, inputs }),
    );
    return `Submitted as ${nameOf(state.me)}`;
  } catch (error) {
    return `Not submitted: ${error.message}`;
  }
}

function replyTo(message) {
  state.parentId = message.id;
  $("replying-text").textContent =
    `Replying to ${message.author.name} in a thread`;
  $("replying").hidden = false;
  $("text").focus();
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
    const item = renderMessage(message, {
      submit: submitCard,
      reply: replyTo,
    });
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
  // After a reconnection, what was missed is read again.
  source.onopen = refresh;
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

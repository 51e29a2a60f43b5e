import assert from "node:assert/strict";
import {
  createChannel,
  createJoin,
  createLeave,
  createMessage,
  isSpaceEvent,
  type SpaceEvent,
} from "../mod.ts";

Deno.test("createMessage fills defaults and leaves out empty fields", () => {
  const message = createMessage({
    text: "hi",
    channelId: "c1",
    url: undefined,
  });
  assert.deepEqual(message, {
    type: "message",
    text: "hi",
    content: "hi",
    channelId: "c1",
    isDirect: false,
    mentionedIds: [],
  });
  assert.equal("url" in message, false);
  assert.equal(
    createMessage({ text: "a", content: "<b>a</b>" }).content,
    "<b>a</b>",
  );
  assert.equal(createMessage().text, "");
});

Deno.test("events survive a JSON round trip unchanged", () => {
  const events: SpaceEvent[] = [
    createMessage({
      id: "m1",
      text: "hello",
      content: "<p>hello</p>",
      fromId: "p1",
      fromLabel: "a@acme.com",
      isDirect: true,
      mentionedIds: ["bot"],
      channelId: "r1",
      stamp: "2026-11-27T10:00:00.000Z",
      url: "https://webexapis.com/v1/contents/x",
      attachment: "report.pdf",
      hook: "shellbot-messages",
      raw: { id: "m1", nested: { list: [1, 2] } },
    }),
    createJoin({
      actorId: "p1",
      actorAddress: "a@acme.com",
      channelId: "r1",
      actorLabel: undefined,
    }),
    createLeave({
      actorId: "p2",
      channelId: "r2",
      stamp: "2026-11-27T10:00:00Z",
    }),
  ];
  for (const event of events) {
    const copy = JSON.parse(JSON.stringify(event));
    assert.deepEqual(copy, event);
    assert.equal(isSpaceEvent(copy), true);
  }
  assert.equal("actorLabel" in events[1], false);
});

Deno.test("isSpaceEvent refuses what is not an event", () => {
  for (
    const value of [null, 1, "x", {}, { type: "message" }, {
      type: "join",
      actorId: 1,
    }, { type: "other" }]
  ) {
    assert.equal(isSpaceEvent(value), false, JSON.stringify(value));
  }
});

Deno.test("createChannel derives the flags from type and team", () => {
  assert.deepEqual(createChannel({ id: "r1", title: "Ops" }), {
    id: "r1",
    title: "Ops",
    type: "group",
    isGroup: true,
    isTeam: false,
    isDirect: false,
    isModerated: false,
  });
  const direct = createChannel({ id: "r2", title: "Alice", type: "direct" });
  assert.equal(direct.isDirect, true);
  assert.equal(direct.isGroup, false);
  const team = createChannel({
    id: "r3",
    title: "T",
    teamId: "t1",
    isModerated: true,
  });
  assert.equal(team.isTeam, true);
  assert.equal(team.isModerated, true);
  assert.deepEqual(JSON.parse(JSON.stringify(team)), team);
});

import assert from "node:assert/strict";
import { ApiError } from "../mod.ts";
import { webexFixture } from "./_webex.ts";

Deno.test("a reply by e-mail to a parent in a group room is refused before anything is sent", async () => {
  await using f = await webexFixture();
  const first = f.webex.simulateMessage({
    from: f.alice,
    roomId: f.roomId,
    text: "start",
    mentions: [f.webex.bot],
  });
  await f.webex.settled();
  const posted = f.webex.requestCount("POST /messages");
  await assert.rejects(
    f.space.postMessage({
      person: "alice@acme.com",
      text: "x",
      parentId: String(first.id),
    }),
    (error: Error) =>
      error instanceof TypeError &&
      /group room, not of the direct room with alice@acme.com/.test(
        error.message,
      ),
  );
  assert.equal(f.webex.requestCount("POST /messages"), posted, "nothing sent");
});

Deno.test("a reply by e-mail in the direct room goes out; one to another direct room is Webex's 400", async () => {
  await using f = await webexFixture();
  const fromAlice = f.webex.simulateMessage({
    from: f.alice,
    toPersonEmail: f.webex.bot.emails[0],
    text: "hi",
  });
  const fromBob = f.webex.simulateMessage({
    from: f.bob,
    toPersonEmail: f.webex.bot.emails[0],
    text: "hello",
  });
  await f.webex.settled();
  const answer = await f.space.postMessage({
    person: "Alice@acme.com",
    text: "answer",
    parentId: String(fromAlice.id),
  });
  assert.ok(f.space.isSameId(answer.parentId!, String(fromAlice.id)));
  // Which direct room holds a parent is not checked here (see _threads.ts).
  await assert.rejects(
    f.space.postMessage({
      person: "alice@acme.com",
      text: "x",
      parentId: String(fromBob.id),
    }),
    (error: Error) => error instanceof ApiError && error.status === 400,
  );
});

// FakeWebex mentions and people: what Webex sends for a message that mentions the bot, and person lookups.
import assert from "node:assert/strict";
import { unpadded } from "../testing.ts";
import { assertErrorBody, call, setup } from "./_fake_webex_calls.ts";

Deno.test("a group message mentioning the bot reads as Webex sends it: name first, spark-mention, mentionedPeople", async () => {
  const { webex, alice, bob, roomId } = await setup();
  await using _ = webex;
  const sent = webex.simulateMessage({
    from: alice,
    roomId,
    text: "ping & <go>",
    mentions: [webex.bot, bob],
  });
  const got = (await call(webex, "GET", `/messages/${sent.id}`)).body;
  assert.equal(got.text, "Shelly Bob ping & <go>");
  assert.equal(
    got.html,
    `<p><spark-mention data-object-type="person" data-object-id="${
      unpadded(webex.bot.id)
    }">Shelly</spark-mention> <spark-mention data-object-type="person" data-object-id="${
      unpadded(bob.id)
    }">Bob</spark-mention> ping &amp; &lt;go&gt;</p>`,
  );
  assert.deepEqual(got.mentionedPeople, [
    unpadded(webex.bot.id),
    unpadded(bob.id),
  ]);
  assert.equal(got.markdown, undefined);
  const listed = await call(
    webex,
    "GET",
    `/messages?roomId=${roomId}&mentionedPeople=me`,
  );
  assert.deepEqual(listed.body.items.map((m: { id: string }) => m.id), [
    sent.id,
  ]);
  // In a direct room nothing is added.
  const direct = webex.simulateMessage({
    from: alice,
    toPersonEmail: webex.bot.emails[0],
    text: "ping",
  });
  assert.deepEqual(
    [direct.text, direct.html, direct.mentionedPeople],
    ["ping", undefined, undefined],
  );
});

Deno.test("FakeWebex finds people by id, padded or not, and by e-mail", async () => {
  const { webex, alice } = await setup();
  await using _ = webex;
  for (const id of [alice.id, unpadded(alice.id)]) {
    const answer = await call(webex, "GET", `/people/${id}`);
    assert.equal(answer.status, 200);
    assert.deepEqual(
      [answer.body.id, answer.body.emails, answer.body.displayName],
      [alice.id, ["alice@example.com"], "Alice"],
    );
  }
  const byEmail = await call(webex, "GET", "/people?email=ALICE@example.com");
  assert.deepEqual(byEmail.body.items.map((p: { id: string }) => p.id), [
    alice.id,
  ]);
  const none = await call(webex, "GET", "/people?email=nobody@example.com");
  assert.deepEqual(none.body.items, []);
  assertErrorBody(await call(webex, "GET", "/people/unknown"), 404);
});

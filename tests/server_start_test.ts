import assert from "node:assert/strict";
import { ApiError, Context, WebexSpace } from "../mod.ts";
import { FakeWebex } from "../testing.ts";
import { connectAndBond } from "../spaces/server/_bond.ts";
import { webexFixture } from "./_webex.ts";

function spaceOn(
  webex: FakeWebex,
  options: { room?: string; token?: string; fetch?: typeof fetch } = {},
) {
  return new WebexSpace({
    context: new Context({
      space: {
        room: options.room ?? "New room",
        participants: "alice@acme.com",
      },
    }, { env: () => undefined }),
    token: options.token ?? webex.bot.token,
    apiUrl: webex.url,
    fetch: options.fetch,
    clientOptions: { backoff: { base: 1, max: 10 } },
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
}

Deno.test("the start asks /people/me and looks the room up at once, then creates the room once the KV steps succeed", async () => {
  await using webex = await FakeWebex.start();
  webex.addUser({ email: "alice@acme.com" });
  // /people/me is answered only once the room lookup was asked too: in
  // turn, the two reads would never end.
  const lookedUp = Promise.withResolvers<void>();
  const fetching: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.includes("/rooms?")) lookedUp.resolve();
    if (url.endsWith("/people/me")) await lookedUp.promise;
    return await fetch(input, init);
  };
  const space = spaceOn(webex, { fetch: fetching });
  const ready = Promise.withResolvers<void>();
  const bonded = connectAndBond(space, ready.promise);
  await lookedUp.promise;
  assert.equal(webex.requestCount("POST /rooms"), 0);
  ready.resolve();
  await bonded;
  const room = webex.rooms().find((item) => item.title === "New room");
  assert.ok(room);
  assert.equal(space.context.get("space.id"), room.id);
  assert.equal(space.context.get("bot.id"), webex.bot.id);
  assert.ok(
    webex.memberships(String(room.id)).some((item) =>
      item.personEmail === "alice@acme.com"
    ),
  );
});

Deno.test("a start whose KV steps fail writes nothing to Webex and says the KV's failure", async () => {
  await using webex = await FakeWebex.start();
  const space = spaceOn(webex);
  const failure = new Error("the KV failed");
  await assert.rejects(
    () => connectAndBond(space, Promise.reject(failure)),
    (error) => error === failure,
  );
  assert.equal(webex.requestCount("POST /rooms"), 0);
  assert.ok(!webex.rooms().some((item) => item.title === "New room"));
});

Deno.test("with a bad token the start says /people/me failed, as when the reads went in turn", async () => {
  await using webex = await FakeWebex.start();
  const space = spaceOn(webex, { token: "not-a-token" });
  await assert.rejects(
    () => connectAndBond(space, Promise.resolve()),
    (error) =>
      error instanceof ApiError && error.path.includes("/people/me") &&
      error.status === 401,
  );
});

Deno.test("register sends the webhooks' calls at once: one that fails leaves the others in place, and the next register completes them", async () => {
  await using f = await webexFixture();
  const hook = "https://bot.example.com/hook";
  // A POST is not retried on 503: that creation fails, the other two go on.
  f.webex.injectFault({ endpoint: "POST /webhooks", status: 503, times: 1 });
  await assert.rejects(
    () => f.space.register(hook),
    (error) => error instanceof ApiError && error.status === 503,
  );
  assert.equal(f.webex.webhooks().length, 2);
  await f.space.register(hook);
  assert.deepEqual(
    f.webex.webhooks().map((item) => String(item.name)).sort(),
    ["shellbot-actions", "shellbot-memberships", "shellbot-messages"],
  );
});

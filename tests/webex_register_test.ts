import assert from "node:assert/strict";
import { webexFixture } from "./_webex.ts";
import { PartialFailureError } from "../mod.ts";

const HOOK = "https://bot.example.com/hook";

async function createWebhook(
  url: string,
  token: string,
  body: Record<string, unknown>,
) {
  const response = await fetch(`${url}/webhooks`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify(body),
  });
  assert.equal(response.status, 200);
  return await response.json();
}

async function setStatus(
  url: string,
  token: string,
  hook: Record<string, unknown>,
  status: string,
) {
  const response = await fetch(`${url}/webhooks/${hook.id}`, {
    method: "PUT",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
    },
    body: JSON.stringify({
      name: hook.name,
      targetUrl: hook.targetUrl,
      status,
    }),
  });
  assert.equal(response.status, 200);
  await response.body?.cancel();
}

const names = (hooks: Record<string, unknown>[]) =>
  hooks.map((hook) => String(hook.name)).sort();

Deno.test("register creates the bot's three webhooks with the secret, and deregister removes them", async () => {
  await using f = await webexFixture({ webhook_secret: "test-secret-s3" });
  await f.space.register(HOOK);
  const hooks = f.webex.webhooks();
  assert.deepEqual(names(hooks), [
    "shellbot-actions",
    "shellbot-memberships",
    "shellbot-messages",
  ]);
  const messages = hooks.find((hook) => hook.name === "shellbot-messages")!;
  assert.equal(messages.resource, "messages");
  assert.equal(messages.event, "all"); // created and deleted
  const actions = hooks.find((hook) => hook.name === "shellbot-actions")!;
  assert.equal(actions.resource, "attachmentActions");
  assert.equal(actions.event, "created");
  assert.equal(messages.targetUrl, HOOK);
  assert.equal(
    hooks.find((hook) => hook.name === "shellbot-memberships")!.event,
    "all",
  );
  assert.equal(JSON.stringify(hooks).includes("test-secret-s3"), false);
  await f.space.deregister();
  assert.deepEqual(f.webex.webhooks(), []);
  await f.space.deregister();
});

Deno.test("register with an audit token adds shellbot-audit for the auditor", async () => {
  await using f = await webexFixture({}, { auditToken: true });
  await f.space.register(HOOK);
  const hooks = f.webex.webhooks();
  assert.deepEqual(names(hooks), [
    "shellbot-actions",
    "shellbot-audit",
    "shellbot-memberships",
    "shellbot-messages",
  ]);
  const audit = hooks.find((hook) => hook.name === "shellbot-audit")!;
  assert.ok(f.space.isSameId(String(audit.createdBy), f.auditor.id));
  await f.space.onStop();
  assert.deepEqual(f.webex.webhooks(), []);
});

Deno.test("purge all removes every earlier webhook of the token; purge own only shellbot-*", async () => {
  await using f = await webexFixture();
  const token = f.webex.bot.token;
  await createWebhook(f.webex.url, token, {
    name: "other-app",
    targetUrl: "https://other.example.com/x",
    resource: "messages",
    event: "created",
  });
  await createWebhook(f.webex.url, token, {
    name: "shellbot-messages",
    targetUrl: "https://old.example.com/hook",
    resource: "messages",
    event: "created",
  });
  await f.space.register(HOOK, { purge: "own" });
  assert.deepEqual(names(f.webex.webhooks()), [
    "other-app",
    "shellbot-actions",
    "shellbot-memberships",
    "shellbot-messages",
  ]);
  assert.equal(
    f.webex.webhooks().find((hook) => hook.name === "shellbot-messages")!
      .targetUrl,
    HOOK,
  );

  await f.space.register(HOOK);
  assert.deepEqual(names(f.webex.webhooks()), [
    "shellbot-actions",
    "shellbot-memberships",
    "shellbot-messages",
  ]);
});

Deno.test("an inactive webhook of ours is re-activated in place", async () => {
  await using f = await webexFixture();
  await f.space.register(HOOK);
  const before = f.webex.webhooks().find((hook) =>
    hook.name === "shellbot-messages"
  )!;
  await setStatus(f.webex.url, f.webex.bot.token, before, "inactive");
  assert.equal(
    f.webex.webhooks().find((hook) => hook.id === before.id)!.status,
    "inactive",
  );
  await f.space.register(HOOK);
  const after = f.webex.webhooks().find((hook) =>
    hook.name === "shellbot-messages"
  )!;
  assert.equal(after.id, before.id);
  assert.equal(after.status, "active");
  assert.equal(f.webex.webhooks().length, 3);
});

Deno.test("deregister keeps the webhooks it could not remove, so a second call removes them", async () => {
  await using f = await webexFixture();
  await f.space.register(HOOK);
  f.webex.injectFault({
    endpoint: "DELETE /webhooks/{id}",
    status: 429,
    retryAfter: 3600,
    times: 1,
  });
  await assert.rejects(
    () => f.space.deregister(),
    (error) =>
      error instanceof PartialFailureError && error.errors.length === 1,
  );
  assert.equal(f.webex.webhooks().length, 1);
  await f.space.deregister();
  assert.deepEqual(f.webex.webhooks(), []);
});

import assert from "node:assert/strict";
import { Hono } from "hono";
import {
  Context,
  EventQueue,
  type Message,
  type SpaceEvent,
  WebexSpace,
} from "../mod.ts";
import { createHookApp } from "../server.ts";
import { myApp } from "../examples/hono_app.ts";
import { deliveryRequest, messageDelivery, webexFixture } from "./_webex.ts";

const SECRET = "test-secret-hook-app";

Deno.test("a user's Hono app with the hook route under /bot takes signed deliveries over real HTTP", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
  // The user's own app: a route of theirs, the bot under a prefix.
  const app = new Hono();
  app.get("/", (c) => c.text("my app"));
  app.route("/bot", createHookApp(f.space));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    app.fetch,
  );
  const base = `http://127.0.0.1:${server.addr.port}`;
  const get = async (path: string) => {
    const response = await fetch(base + path);
    return [response.status, await response.text()] as const;
  };
  try {
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: "through hono",
      mentions: [f.webex.bot],
    });
    const request = await deliveryRequest(messageDelivery(sent), SECRET);
    const ok = await fetch(`${base}/bot/hook`, {
      method: "POST",
      headers: request.headers,
      body: await request.text(),
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: "queued" });
    assert.equal(((await ears.get()) as Message).text, "through hono");

    const unsigned = await fetch(`${base}/bot/hook`, {
      method: "POST",
      body: JSON.stringify(messageDelivery(sent)),
    });
    assert.equal(unsigned.status, 401);
    await unsigned.body?.cancel();
    assert.equal(ears.size, 0);

    assert.deepEqual(await get("/bot/health"), [200, '{"status":"ok"}']);
    assert.deepEqual(await get("/"), [200, "my app"]);
    // Outside the prefix, and unknown paths under it, are the user's app's
    // 404s; the hook path answers POST only, and 405 to other methods.
    assert.equal((await get("/hook"))[0], 404);
    assert.equal((await get("/health"))[0], 404);
    assert.equal((await get("/bot/nope"))[0], 404);
    const get405 = await fetch(`${base}/bot/hook`);
    assert.equal(get405.status, 405);
    assert.equal(get405.headers.get("allow"), "POST");
    await get405.body?.cancel();
  } finally {
    await server.shutdown();
  }
});

Deno.test("a parent middleware that reads c.req.json() leaves the signed delivery readable by the hook route", async () => {
  const ears = new EventQueue<SpaceEvent>();
  await using f = await webexFixture({ webhook_secret: SECRET }, { ears });
  const audited: unknown[] = [];
  const app = new Hono();
  app.use(async (c, next) => {
    if (c.req.method === "POST") audited.push(await c.req.json());
    await next();
  });
  app.route("/bot", createHookApp(f.space));
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    app.fetch,
  );
  try {
    const sent = f.webex.simulateMessage({
      from: f.alice,
      roomId: f.roomId,
      text: "read twice",
      mentions: [f.webex.bot],
    });
    const request = await deliveryRequest(messageDelivery(sent), SECRET);
    const ok = await fetch(`http://127.0.0.1:${server.addr.port}/bot/hook`, {
      method: "POST",
      headers: request.headers,
      body: await request.text(),
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { status: "queued" });
    assert.equal(((await ears.get()) as Message).text, "read twice");
    assert.equal(audited.length, 1);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a parent middleware that consumed the raw body gets a 500 and a log line that says so", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET });
  const app = new Hono();
  app.use(async (c, next) => {
    await c.req.raw.text();
    await next();
  });
  app.route("/bot", createHookApp(f.space));
  const response = await app.request("/bot/hook", {
    method: "POST",
    body: "{}",
  });
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: "Internal error" });
  assert.ok(
    f.logs.some((line) => /a middleware consumed the request body/.test(line)),
    f.logs.join("\n"),
  );
});

Deno.test("under a mount, the hook app's error handler answers its own routes without internals", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET });
  f.space.webhook = () => Promise.reject(new Error("internal detail"));
  const app = new Hono();
  app.route("/bot", createHookApp(f.space, { path: "/events" }));
  const response = await app.request("/bot/events", {
    method: "POST",
    body: "{}",
  });
  assert.equal(response.status, 500);
  assert.deepEqual(await response.json(), { error: "Internal error" });
  assert.ok(
    f.logs.some((line) =>
      /failed on POST \/bot\/events: internal detail/.test(line)
    ),
    f.logs.join("\n"),
  );
});

Deno.test("createHookApp alone is the app server.ts serves: health, JSON 404, hook path", async () => {
  await using f = await webexFixture({ webhook_secret: SECRET });
  const app = createHookApp(f.space);
  const health = await app.request("/health");
  assert.deepEqual(await health.json(), { status: "ok" });
  const missing = await app.request("/nope");
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: "Not found" });
  const unsigned = await app.request("/hook", { method: "POST", body: "{}" });
  assert.equal(unsigned.status, 401);
  await unsigned.body?.cancel();
  for (const method of ["GET", "PUT", "DELETE", "OPTIONS"]) {
    const other = await app.request("/hook", { method });
    assert.equal(other.status, 405, method);
    assert.equal(other.headers.get("allow"), "POST");
    assert.deepEqual(await other.json(), { error: "Method not allowed" });
  }
});

Deno.test("examples/hono_app.ts mounts the bot under /bot beside its own routes", async () => {
  const exampleApp = myApp(
    new WebexSpace({
      context: new Context({ space: { room: "Ops" } }),
      token: "not used",
    }),
  );
  const health = await exampleApp.request("/bot/health");
  assert.deepEqual(await health.json(), { status: "ok" });
  const home = await exampleApp.request("/");
  assert.match(await home.text(), /My app/);
});

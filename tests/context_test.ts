import assert from "node:assert/strict";
import { ConfigurationError, Context, WebexSpace } from "../mod.ts";

const noEnv = () => undefined;

Deno.test("Context flattens nested settings and keeps arrays as values", () => {
  const context = new Context(
    {
      space: {
        room: "Ops",
        participants: ["a@x.com", "b@x.com"],
        deep: { er: 1 },
      },
    },
    { env: noEnv },
  );
  assert.equal(context.get("space.room"), "Ops");
  assert.deepEqual(context.get("space.participants"), ["a@x.com", "b@x.com"]);
  assert.equal(context.get("space.deep.er"), 1);
  context.apply({ "space.room": "Dev" });
  assert.equal(context.get("space.room"), "Dev");
  assert.deepEqual(
    new Context({ "space.room": "x" }, { env: noEnv }).get("space"),
    new Context({ space: { room: "x" } }, { env: noEnv }).get("space"),
  );
});

Deno.test("Context.get returns a sub-tree, a default, or the value", () => {
  const context = new Context({
    space: { room: "Ops", team: "T" },
    server: { port: 80 },
  }, {
    env: noEnv,
  });
  assert.deepEqual(context.get("space"), { room: "Ops", team: "T" });
  assert.equal(context.get("missing", "fallback"), "fallback");
  assert.equal(context.get("missing"), undefined);
  context.set("nothing", undefined);
  context.set("nil", null);
  assert.equal(context.get("nothing", 7), 7);
  assert.equal(context.get("nil", 8), 8);
  context.set("zero", 0);
  assert.equal(context.get("zero", 5), 0);
  context.set("empty", "");
  assert.equal(context.get("empty", "x"), "");
});

Deno.test("Context.has, clear and isEmpty", () => {
  const context = new Context({ space: { room: "Ops" } }, { env: noEnv });
  assert.equal(context.has("space"), true);
  assert.equal(context.has("space.room"), true);
  assert.equal(context.has("spa"), false);
  assert.equal(context.has("server"), false);
  assert.equal(context.isEmpty, false);
  context.clear();
  assert.equal(context.isEmpty, true);
  assert.equal(context.has("space"), false);
});

Deno.test("Context counters treat non-numbers as 0", () => {
  const context = new Context({ label: "text" }, { env: noEnv });
  assert.equal(context.increment("count"), 1);
  assert.equal(context.increment("count", 5), 6);
  assert.equal(context.decrement("count"), 5);
  assert.equal(context.decrement("count", 10), -5);
  assert.equal(context.increment("label"), 1);
  assert.equal(context.decrement("other", 2), -2);
  assert.equal(context.get("count"), -5);
});

Deno.test("Context.check stores the default of an absent key", () => {
  const context = new Context({}, { env: noEnv });
  context.check("space.title", { default: "Hello" });
  assert.equal(context.get("space.title"), "Hello");
  context.set("space.room", "Kept");
  context.check("space.room", { default: "Other" });
  assert.equal(context.get("space.room"), "Kept");
  context.check("optional");
  assert.equal(context.has("optional"), false);
});

Deno.test("Context.check refuses a missing mandatory key, naming it", () => {
  const context = new Context({}, { env: noEnv });
  assert.throws(
    () => context.check("space.room", { isMandatory: true }),
    (error: unknown) =>
      error instanceof ConfigurationError && error.key === "space.room" &&
      error.message.includes("'space.room'"),
  );
});

Deno.test("Context.check validates values", () => {
  const context = new Context({ server: { port: "eighty" } }, { env: noEnv });
  assert.throws(
    () =>
      context.check("server.port", {
        validate: (value) => typeof value === "number",
      }),
    (error: unknown) =>
      error instanceof ConfigurationError &&
      error.message.includes("server.port") &&
      !error.message.includes("eighty"),
  );
  context.set("server.port", 80);
  context.check("server.port", {
    validate: (value) => typeof value === "number",
  });
  assert.equal(context.get("server.port"), 80);
  context.check("server.hook", {
    default: "/hook",
    validate: (value) => String(value).startsWith("/"),
  });
  assert.equal(context.get("server.hook"), "/hook");
});

Deno.test("Context.check with filter resolves $NAME from the injected env", () => {
  const env: Record<string, string> = {
    TOKEN: "abc",
    EMPTY: "",
    BACKUP: "from-backup",
  };
  const context = new Context(
    {
      a: "$TOKEN",
      b: "$UNSET",
      c: "$UNSET",
      d: "$EMPTY",
      e: "plain",
      f: "$UNSET",
    },
    { env: (name) => env[name] },
  );
  context.check("a", { filter: true });
  assert.equal(context.get("a"), "abc");
  context.check("b", { filter: true, default: "fallback" });
  assert.equal(context.get("b"), "fallback");
  context.check("c", { filter: true });
  assert.equal(context.get("c"), undefined);
  assert.equal(context.has("c"), false);
  context.check("d", { filter: true });
  assert.equal(context.get("d", "default"), "");
  context.check("e", { filter: true });
  assert.equal(context.get("e"), "plain");
  context.check("f", { filter: true, default: "$BACKUP" });
  assert.equal(context.get("f"), "from-backup");
  context.check("g", { filter: true, default: "$TOKEN" });
  assert.equal(context.get("g"), "abc");
  context.check("h", { filter: true, default: "$UNSET" });
  assert.equal(context.has("h"), false);
});

Deno.test("Context.check names the variable when a mandatory $NAME is unset", () => {
  const context = new Context({ space: { token: "$MY_TOKEN" } }, {
    env: noEnv,
  });
  assert.throws(
    () => context.check("space.token", { filter: true, isMandatory: true }),
    (error: unknown) =>
      error instanceof ConfigurationError &&
      error.message.includes("space.token") &&
      error.message.includes("MY_TOKEN"),
  );
});

Deno.test("Context reads Deno.env by default", () => {
  const name = `SPACES_TEST_${crypto.randomUUID().replaceAll("-", "")}`;
  Deno.env.set(name, "from-env");
  try {
    const context = new Context({ key: `$${name}` });
    context.check("key", { filter: true });
    assert.equal(context.get("key"), "from-env");
    assert.equal(context.env(name), "from-env");
  } finally {
    Deno.env.delete(name);
  }
});

Deno.test("an empty object adds nothing and hides nothing set later", () => {
  const context = new Context({ space: {} }, { env: noEnv });
  assert.equal(context.isEmpty, true);
  context.set("space.room", "x");
  assert.deepEqual(context.get("space"), { room: "x" });
});

Deno.test("A missing room or token names the environment variable to set", () => {
  const noRoom = new WebexSpace({
    context: new Context({ space: { token: "t" } }, { env: noEnv }),
  });
  assert.throws(
    () => noRoom.check(),
    (error: unknown) =>
      error instanceof ConfigurationError && error.key === "space.room" &&
      /^Missing setting 'space\.room': set SPACE_ROOM /.test(error.message),
  );
  const noToken = new WebexSpace({
    context: new Context({ space: { room: "Ops" } }, { env: noEnv }),
  });
  assert.throws(
    () => noToken.check(),
    (error: unknown) =>
      error instanceof ConfigurationError && error.key === "space.token" &&
      /^Missing setting 'space\.token': set WEBEX_BOT_TOKEN /.test(
        error.message,
      ),
  );
});

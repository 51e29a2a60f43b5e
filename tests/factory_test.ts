import assert from "node:assert/strict";
import {
  ConfigurationError,
  Context,
  LocalSpace,
  Space,
  SpaceFactory,
} from "../mod.ts";

Deno.test("SpaceFactory knows the built-in types", () => {
  for (const type of ["space", "local"]) {
    assert.ok(SpaceFactory.types.has(type), type);
  }
  assert.equal(SpaceFactory.types.get("local"), LocalSpace);
});

Deno.test("SpaceFactory senses, gets and builds each type", () => {
  for (const [type, spaceClass] of SpaceFactory.types) {
    const context = new Context({ space: { type, room: "Ops", token: "t" } });
    assert.equal(SpaceFactory.sense(context), type);
    const got = SpaceFactory.get(type, { context });
    assert.ok(got instanceof spaceClass);
    const built = SpaceFactory.build(context);
    assert.ok(built instanceof spaceClass);
    assert.equal(built.context, context);
  }
});

Deno.test("SpaceFactory refuses missing, empty and unknown types, listing the known ones", () => {
  const isConfiguration = (pattern: RegExp) => (error: unknown) =>
    error instanceof ConfigurationError && pattern.test(error.message) &&
    /'local'/.test(error.message);
  assert.throws(
    () => SpaceFactory.sense(new Context()),
    isConfiguration(/Missing setting 'space.type'/),
  );
  assert.throws(
    () => SpaceFactory.sense(new Context({ space: { type: "" } })),
    isConfiguration(/space.type/),
  );
  assert.throws(
    () => SpaceFactory.sense(new Context({ space: { type: "irc" } })),
    isConfiguration(/Unknown space type 'irc'/),
  );
  assert.throws(() => SpaceFactory.get("irc"), isConfiguration(/irc/));
  assert.throws(
    () => SpaceFactory.build(new Context({ space: { type: "irc" } })),
    ConfigurationError,
  );
});

Deno.test("SpaceFactory.register adds a plugin type", () => {
  class PluginSpace extends Space {}
  SpaceFactory.register("plugin-test", PluginSpace);
  const space = SpaceFactory.build(
    new Context({ space: { type: "plugin-test" } }),
  );
  assert.ok(space instanceof PluginSpace);
  assert.throws(() => SpaceFactory.register("", PluginSpace), TypeError);
});

Deno.test("SpaceFactory.build passes options to the space", () => {
  const space = SpaceFactory.build(
    new Context({ space: { type: "local", title: "X" } }),
    {
      input: ["hi"],
    },
  );
  assert.ok(space instanceof LocalSpace);
  assert.equal(space.configuredTitle(), "X");
});

Deno.test("SpaceFactory.types is a copy: changing it changes nothing", () => {
  const types = SpaceFactory.types as Map<string, unknown>;
  types.set("sneaky", LocalSpace);
  assert.equal(SpaceFactory.types.has("sneaky"), false);
});

import assert from "node:assert/strict";
import {
  ApiError,
  Context,
  createMessage,
  EventQueue,
  type Message,
  type PostMessageRequest,
  Space,
  type SpaceEvent,
  type SpaceOptions,
  SpacesError,
} from "../mod.ts";

const START = Date.parse("2026-11-27T10:00:00.000Z");

/** A space with 30 known messages in channel "c1", m29 the newest. */
class ArchiveSpace extends Space {
  declare messages: Message[];
  declare pages: number;
  declare posted: PostMessageRequest[];
  declare pulls: number;
  declare failPulls: number;
  declare failing: Set<string>;
  declare initOptions: SpaceOptions;

  override onInit(options: SpaceOptions): void {
    this.initOptions = options;
    this.messages = Array.from({ length: 30 }, (_, index) =>
      createMessage({
        id: `m${index}`,
        text: `message ${index}`,
        channelId: "c1",
        stamp: new Date(START + index * 60_000).toISOString(),
        url: index % 5 === 0 ? `https://files/${index}` : undefined,
      }));
    this.pages = 0;
    this.posted = [];
    this.pulls = 0;
    this.failPulls = 0;
    this.failing = new Set();
  }

  override async *walkMessages(id: string): AsyncIterable<Message> {
    if (id !== "c1") return;
    for (let end = this.messages.length; end > 0; end -= 10) {
      this.pages++;
      yield* this.messages.slice(Math.max(0, end - 10), end).reverse();
    }
  }

  protected override sendMessage(
    request: PostMessageRequest,
  ): Promise<Message> {
    this.posted.push(request);
    return Promise.resolve(
      createMessage({ text: request.text ?? "", channelId: request.id }),
    );
  }

  override addParticipant(_id: string, person: string): Promise<void> {
    if (this.failing.has(person)) {
      return Promise.reject(new Error(`no ${person}`));
    }
    return Promise.resolve();
  }

  override removeParticipant(id: string, person: string): Promise<void> {
    return this.addParticipant(id, person);
  }

  override pull(): Promise<void> {
    this.pulls++;
    if (this.pulls <= this.failPulls) {
      return Promise.reject(
        new ApiError({ status: 429, method: "GET", path: "/x", retryAfter: 0 }),
      );
    }
    if (this.pulls >= 5) this.context.set("general.switch", "off");
    return Promise.resolve();
  }

  override register(): Promise<void> {
    this.context.set("registered", true);
    return Promise.resolve();
  }
}

const ids = (messages: Message[]) => messages.map((message) => message.id);

Deno.test("Space stores its options and calls onInit", () => {
  const context = new Context({ space: { title: "T" } });
  const ears = new EventQueue<SpaceEvent>();
  const space = new ArchiveSpace({ context, ears, extra: 1 });
  assert.equal(space.context, context);
  assert.equal(space.ears, ears);
  assert.ok(space.fan instanceof EventQueue);
  assert.equal(space.initOptions.extra, 1);
  assert.equal(space.configuredTitle(), "T");
  assert.equal(new Space().configuredTitle(), Space.DEFAULT_SPACE_TITLE);
  assert.equal(Space.DEFAULT_SPACE_TITLE, "Collaboration space");
  assert.equal(Space.PULL_INTERVAL, 0.05);
});

Deno.test("configure applies settings and runs check", () => {
  class Checked extends Space {
    override check() {
      this.context.check("space.room", { isMandatory: true });
    }
  }
  const space = new Checked();
  assert.throws(() => space.configure({}), /space\.room/);
  space.configure({ space: { room: "Ops" } });
  assert.equal(space.context.get("space.room"), "Ops");
});

Deno.test("listMessages takes the newest quantity, lazily", async () => {
  const space = new ArchiveSpace();
  assert.deepEqual(ids(await space.listMessages({ id: "c1", quantity: 3 })), [
    "m29",
    "m28",
    "m27",
  ]);
  assert.equal(space.pages, 1);
  assert.equal((await space.listMessages({ id: "c1" })).length, 10);
  assert.equal(
    (await space.listMessages({ id: "c1", quantity: 100 })).length,
    30,
  );
  assert.deepEqual(await space.listMessages({ id: "other" }), []);
});

Deno.test("listMessages stops before stopId", async () => {
  const space = new ArchiveSpace();
  assert.deepEqual(ids(await space.listMessages({ id: "c1", stopId: "m26" })), [
    "m29",
    "m28",
    "m27",
  ]);
  assert.deepEqual(await space.listMessages({ id: "c1", stopId: "m29" }), []);
});

Deno.test("listMessages stops at the first message older than upTo, keeping equal stamps", async () => {
  const space = new ArchiveSpace();
  const upTo = new Date(START + 25 * 60_000);
  assert.deepEqual(ids(await space.listMessages({ id: "c1", upTo })), [
    "m29",
    "m28",
    "m27",
    "m26",
    "m25",
  ]);
  assert.deepEqual(
    ids(
      await space.listMessages({
        id: "c1",
        upTo: upTo.toISOString(),
        quantity: 2,
      }),
    ),
    ["m29", "m28"],
  );
  await assert.rejects(
    () => space.listMessages({ id: "c1", upTo: "not a date" }),
    RangeError,
  );
});

Deno.test("listMessages withAttachment skips at most 10 x quantity messages", async () => {
  const space = new ArchiveSpace();
  assert.deepEqual(
    ids(
      await space.listMessages({ id: "c1", quantity: 3, withAttachment: true }),
    ),
    ["m25", "m20", "m15"],
  );
  // Only m15 keeps its attachment: 14 newer messages lack one.
  space.messages = space.messages.map((message, index) =>
    index === 15 ? message : createMessage({ ...message, url: undefined })
  );
  assert.deepEqual(
    ids(
      await space.listMessages({ id: "c1", quantity: 1, withAttachment: true }),
    ),
    [],
  );
  assert.deepEqual(
    ids(
      await space.listMessages({ id: "c1", quantity: 2, withAttachment: true }),
    ),
    ["m15"],
  );
});

Deno.test("listMessages combines quantity, stopId, upTo and withAttachment", async () => {
  const space = new ArchiveSpace();
  const found = await space.listMessages({
    id: "c1",
    quantity: 5,
    stopId: "m9",
    upTo: new Date(START),
    withAttachment: true,
  });
  assert.deepEqual(ids(found), ["m25", "m20", "m15", "m10"]);
  await assert.rejects(
    () => space.listMessages({ id: "", quantity: 1 }),
    TypeError,
  );
  await assert.rejects(
    () => space.listMessages({ id: "c1", quantity: 0 }),
    RangeError,
  );
});

Deno.test("postMessage needs exactly one destination and something to post", async () => {
  const space = new ArchiveSpace();
  await space.postMessage("c1", "to a channel");
  await space.postMessage("a@acme.com", "to a person");
  await space.postMessage({ id: "c1", content: "**rich**" });
  await space.postMessage({ person: "b@acme.com", file: new Blob(["x"]) });
  assert.deepEqual(
    space.posted.map((request) => [request.id, request.person]),
    [
      ["c1", undefined],
      [undefined, "a@acme.com"],
      ["c1", undefined],
      [undefined, "b@acme.com"],
    ],
  );
  assert.throws(
    () => space.postMessage({ id: "c1", person: "a@acme.com", text: "x" }),
    TypeError,
  );
  assert.throws(() => space.postMessage({ text: "nowhere" }), TypeError);
  assert.throws(() => space.postMessage("c1"), /nothing to post/);
  assert.throws(() => space.postMessage(""), TypeError);
});

Deno.test("the plural participant methods go on past a failure", async () => {
  const space = new ArchiveSpace();
  space.failing.add("bad@acme.com");
  const added = await space.addParticipants("c1", [
    "a@acme.com",
    "bad@acme.com",
    "c@acme.com",
  ]);
  assert.deepEqual(added.succeeded, ["a@acme.com", "c@acme.com"]);
  assert.deepEqual(added.failed.map((failure) => failure.person), [
    "bad@acme.com",
  ]);
  assert.match(String(added.failed[0].error), /no bad@acme.com/);
  const removed = await space.removeParticipants(
    "c1",
    "bad@acme.com, d@acme.com",
  );
  assert.deepEqual(removed.succeeded, ["d@acme.com"]);
  assert.deepEqual(removed.failed.map((failure) => failure.person), [
    "bad@acme.com",
  ]);
});

Deno.test("run stops when general.switch turns off", async () => {
  const space = new ArchiveSpace();
  await space.run();
  assert.equal(space.pulls, 5);
  assert.equal(space.context.get("general.switch"), "off");
});

Deno.test("run stops when the signal aborts, and resolves", async () => {
  const space = new ArchiveSpace();
  space.pull = function () {
    this.pulls++;
    if (this.pulls === 3) controller.abort();
    return Promise.resolve();
  };
  const controller = new AbortController();
  await space.run({ signal: controller.signal });
  assert.equal(space.pulls, 3);
  const aborted = new ArchiveSpace();
  await aborted.run({ signal: AbortSignal.abort() });
  assert.equal(aborted.pulls, 0);
});

Deno.test("run survives failing pulls and logs them", async () => {
  const warnings: string[] = [];
  const logger = {
    debug() {},
    info() {},
    error() {},
    warn: (line: string) => void warnings.push(line),
  };
  const space = new ArchiveSpace({ logger });
  space.failPulls = 2;
  await space.run();
  assert.equal(space.pulls, 5);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0], /pull\(\) failed/);
});

Deno.test("start registers a hook, or polls in the background", async () => {
  const hooked = new ArchiveSpace();
  assert.equal(
    await hooked.start({ hookUrl: "https://example.com/hook" }),
    undefined,
  );
  assert.equal(hooked.context.get("registered"), true);
  assert.equal(hooked.pulls, 0);

  const polling = new ArchiveSpace();
  let started = false;
  polling.onStart = () => void (started = true);
  const running = await polling.start();
  assert.ok(running);
  await running.done;
  assert.equal(started, true);
  assert.equal(polling.pulls, 5);

  const endless = new ArchiveSpace();
  endless.pull = function () {
    this.pulls++;
    return Promise.resolve();
  };
  const handle = await endless.start();
  await handle?.stop();
  assert.ok(endless.pulls >= 1);
});

Deno.test("methods a subclass must provide name themselves and the class", async () => {
  const space = new Space();
  await assert.rejects(
    () => space.create("x"),
    (error: unknown) =>
      error instanceof SpacesError &&
      /Space does not implement create\(\)/.test(error.message),
  );
  await assert.rejects(() => space.pull(), /pull\(\)/);
  await assert.rejects(() => space.postMessage("c1", "x"), /postMessage\(\)/);
  assert.throws(() => space.walkMessages("c1"), /walkMessages\(\)/);
  await space.deregister();
});

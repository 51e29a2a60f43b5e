import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { FakeWebex } from "../testing.ts";
import { FileServer } from "./_fake_webex_calls.ts";

// The official OpenAPI file sits in ../shared beside the project root; a
// user's checkout lacks it, and then these checks show as ignored.
const SPEC_URL = new URL(
  "../../shared/webex/webex-messaging.json",
  import.meta.url,
);

// deno-lint-ignore no-explicit-any
type Json = any;

async function loadSpec(): Promise<Json | undefined> {
  try {
    return JSON.parse(await Deno.readTextFile(SPEC_URL));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

const spec = await loadSpec();

// ajv-formats is CommonJS: its plugin is the module's `default` export.
const addFormats = addFormatsModule.default;

/**
 * Fields the fake sends that a schema does not declare but the real service
 * returns: FACTS.md lists these webhook fields, teams carry their creator, and
 * a created message carries the `html` and `parentId` that `ListMessage`
 * declares.
 */
const UNDECLARED_BUT_REAL: Record<string, string[]> = {
  Team: ["creatorId"],
  Webhook: ["orgId", "createdBy", "appId"],
  Message: ["html", "parentId"],
};

/**
 * The spec's `Attachment` declares `content` as an `ECM` `File`, while its
 * own examples (and the real service) carry `{ contentType, content }` with
 * an Adaptive Card: check the card against `AdaptiveCard`, then the message
 * without it.
 */
function withoutCards(
  validateCard: (value: Json) => boolean,
  body: Json,
): Json {
  if (Array.isArray(body.items)) {
    return {
      ...body,
      items: body.items.map((item: Json) => withoutCards(validateCard, item)),
    };
  }
  if (!Array.isArray(body.attachments)) return body;
  for (const attachment of body.attachments) {
    assert.deepEqual(Object.keys(attachment).sort(), [
      "content",
      "contentType",
    ]);
    assert.equal(
      attachment.contentType,
      "application/vnd.microsoft.card.adaptive",
    );
    assert.ok(validateCard(attachment.content), "the card is an AdaptiveCard");
  }
  const { attachments: _, ...rest } = body;
  return rest;
}

/** The `$ref` of the JSON schema of a path's 200 answer, as the spec gives it. */
function responseRef(path: string, method: string): string {
  const responses = spec.paths[path][method].responses;
  // The spec answers a created attachment action with 202.
  const ref = (responses["200"] ?? responses["202"]).content["application/json"]
    .schema.$ref;
  assert.ok(ref, `the spec gives a schema for ${method.toUpperCase()} ${path}`);
  return ref;
}

function schemaAt(ref: string): Json {
  return ref.replace(/^#\//, "").split("/").reduce(
    (node: Json, key: string) => node[key],
    spec,
  );
}

/** Every key of `value` must be a declared property of the schema at `ref` (for lists, of its items). */
function assertDeclared(ref: string, value: Json): void {
  const schema = schemaAt(ref);
  const itemRef = schema.properties?.items?.items?.$ref;
  if (itemRef && Array.isArray(value.items)) {
    for (const item of value.items) assertDeclared(itemRef, item);
    return;
  }
  const name = ref.slice(ref.lastIndexOf("/") + 1);
  const allowed = new Set([
    ...Object.keys(schema.properties ?? {}),
    ...(UNDECLARED_BUT_REAL[name] ?? []),
  ]);
  const extra = Object.keys(value).filter((key) => !allowed.has(key));
  assert.deepEqual(
    extra,
    [],
    `fields of ${name} that the spec does not declare`,
  );
}

interface Sample {
  kind: string;
  /** Spec path and method whose 200 schema applies. */
  path: string;
  method: string;
  body: Json;
}

async function collectSamples(): Promise<
  { samples: Sample[]; errors: Json[] }
> {
  await using webex = await FakeWebex.start();
  await using files = new FileServer({
    "/a.pdf": { body: "%PDF", headers: { "content-type": "application/pdf" } },
  });
  const alice = webex.addUser({
    email: "alice@example.com",
    displayName: "Alice Liddell",
  });
  const auth = (token = webex.bot.token) => ({
    authorization: `Bearer ${token}`,
  });
  const samples: Sample[] = [];
  const errors: Json[] = [];
  const call = async (
    method: string,
    path: string,
    init: { json?: unknown; form?: FormData; token?: string } = {},
  ) => {
    const headers: Record<string, string> = auth(init.token);
    if (init.json !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${webex.url}${path}`, {
      method,
      headers,
      body: init.form ??
        (init.json === undefined ? undefined : JSON.stringify(init.json)),
    });
    const body = await response.json();
    if (response.status >= 400) errors.push(body);
    return body;
  };
  const sample = async (
    kind: string,
    specPath: string,
    specMethod: string,
    path: string,
    init = {},
  ) => {
    const body = await call(specMethod.toUpperCase(), path, init);
    samples.push({ kind, path: specPath, method: specMethod, body });
    return body;
  };

  await sample("person", "/people/me", "get", "/people/me");
  await sample("person", "/people/{personId}", "get", `/people/${alice.id}`);
  await sample(
    "person list",
    "/people",
    "get",
    "/people?email=alice@example.com",
  );
  const team = await sample("team", "/teams", "post", "/teams", {
    json: { name: "Crew" },
  });
  await sample("team", "/teams/{teamId}", "get", `/teams/${team.id}`);
  await sample("team list", "/teams", "get", "/teams");
  const room = await sample("room", "/rooms", "post", "/rooms", {
    json: { title: "Ops", teamId: team.id },
  });
  await sample("room", "/rooms/{roomId}", "put", `/rooms/${room.id}`, {
    json: { title: "Ops", isLocked: true },
  });
  const membership = await sample(
    "membership",
    "/memberships",
    "post",
    "/memberships",
    {
      json: { roomId: room.id, personId: alice.id },
    },
  );
  await sample(
    "membership",
    "/memberships/{membershipId}",
    "get",
    `/memberships/${membership.id}`,
  );
  await sample(
    "membership list",
    "/memberships",
    "get",
    `/memberships?roomId=${room.id}`,
  );
  const parent = await sample("message", "/messages", "post", "/messages", {
    json: {
      roomId: room.id,
      markdown: "<@personEmail:alice@example.com|Alice> **see**",
    },
  });
  await sample("message", "/messages", "post", "/messages", {
    json: {
      roomId: room.id,
      parentId: parent.id,
      text: "reply",
      files: [`${files.origin}/a.pdf`],
    },
  });
  await sample("card message", "/messages", "post", "/messages", {
    json: {
      roomId: room.id,
      text: "fallback",
      attachments: [{
        contentType: "application/vnd.microsoft.card.adaptive",
        content: {
          type: "AdaptiveCard",
          version: "1.3",
          body: [{ type: "TextBlock", text: "hi" }],
        },
      }],
    },
  });
  await sample(
    "message edit",
    "/messages/{messageId}",
    "put",
    `/messages/${parent.id}`,
    { json: { roomId: room.id, markdown: "edited **now**" } },
  );
  const cardMessage = await call("POST", "/messages", {
    json: {
      roomId: room.id,
      text: "form",
      attachments: [{
        contentType: "application/vnd.microsoft.card.adaptive",
        content: { type: "AdaptiveCard", version: "1.3", body: [] },
      }],
    },
  });
  const action = await sample(
    "attachment action",
    "/attachment/actions",
    "post",
    "/attachment/actions",
    {
      json: { type: "submit", messageId: cardMessage.id, inputs: { a: "1" } },
      token: alice.token,
    },
  );
  await sample(
    "attachment action",
    "/attachment/actions/{id}",
    "get",
    `/attachment/actions/${action.id}`,
  );
  const form = new FormData();
  form.set("roomId", room.id);
  form.set("text", "a file");
  form.set("files", new File(["bytes"], "notes.txt", { type: "text/plain" }));
  await sample("message", "/messages", "post", "/messages", { form });
  const direct = await sample("message", "/messages", "post", "/messages", {
    json: { toPersonEmail: "alice@example.com", text: "hello" },
  });
  await sample("room", "/rooms/{roomId}", "get", `/rooms/${direct.roomId}`);
  webex.simulateMessage({
    from: alice,
    roomId: room.id,
    text: "ping",
    mentions: [webex.bot],
  });
  await sample(
    "message",
    "/messages/{messageId}",
    "get",
    `/messages/${parent.id}`,
  );
  await sample(
    "message list",
    "/messages",
    "get",
    `/messages?roomId=${room.id}&mentionedPeople=me`,
  );
  await sample(
    "message list",
    "/messages",
    "get",
    `/messages?roomId=${room.id}`,
    { token: alice.token },
  );
  await sample("room list", "/rooms", "get", "/rooms");
  const hook = {
    name: "hook",
    targetUrl: "https://example.com/hook",
    resource: "messages",
    event: "created",
    filter: `roomId=${room.id}`,
    secret: "s3cr3t",
  };
  const webhook = await sample("webhook", "/webhooks", "post", "/webhooks", {
    json: hook,
  });
  await sample(
    "webhook",
    "/webhooks/{webhookId}",
    "get",
    `/webhooks/${webhook.id}`,
  );
  await sample(
    "webhook",
    "/webhooks/{webhookId}",
    "put",
    `/webhooks/${webhook.id}`,
    {
      json: {
        name: "hook",
        targetUrl: "https://example.com/other",
        status: "active",
      },
    },
  );
  await sample("webhook list", "/webhooks", "get", "/webhooks");

  await call("GET", "/messages");
  await call("GET", `/messages?roomId=${room.id}`);
  await call("POST", "/memberships", {
    json: { roomId: room.id, personId: alice.id },
  });
  await call("GET", "/rooms/unknown");
  webex.injectFault({ status: 429, retryAfter: 1, times: 1 });
  await call("GET", "/rooms");
  assert.deepEqual(
    errors.map((error) => error.errors.length),
    [1, 1, 1, 1, 1],
    "every refusal above produced an error body",
  );
  return { samples, errors };
}

Deno.test({
  name:
    "FakeWebex answers match the schemas of the official Webex OpenAPI spec",
  ignore: spec === undefined,
  async fn(t) {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema(spec, "spec");
    const errorSchema = ajv.compile({
      type: "object",
      required: ["message", "errors", "trackingId"],
      properties: {
        message: { type: "string", minLength: 1 },
        errors: {
          type: "array",
          minItems: 1,
          items: { $ref: "spec#/components/schemas/ErrorMessageObject" },
        },
        trackingId: { type: "string", minLength: 1 },
      },
    });
    const validateCard = ajv.getSchema("spec#/components/schemas/AdaptiveCard");
    assert.ok(validateCard);
    const { samples, errors } = await collectSamples();
    const kinds = new Set(samples.map((sample) => sample.kind));
    assert.equal(kinds.size, 15);
    for (const kind of kinds) {
      await t.step(kind, () => {
        for (const sample of samples.filter((sample) => sample.kind === kind)) {
          const ref = responseRef(sample.path, sample.method);
          const validate = ajv.getSchema(`spec${ref}`);
          assert.ok(validate, `spec${ref} resolves`);
          const where =
            `${sample.method.toUpperCase()} ${sample.path} (${ref})`;
          const body = withoutCards(validateCard, sample.body);
          assert.ok(
            validate(body),
            `${where}: ${ajv.errorsText(validate.errors)}`,
          );
          assertDeclared(ref, body);
        }
      });
    }
    await t.step("error body", () => {
      for (const error of errors) {
        assert.ok(errorSchema(error), ajv.errorsText(errorSchema.errors));
      }
    });
  },
});

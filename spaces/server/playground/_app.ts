/**
 * The playground's HTTP routes: the page and its assets, the JSON API the
 * page uses to act as people, the live feed, the bot's way to the fake
 * API, and the front door of the bot's hook route.
 *
 * @module
 */

import { Hono } from "hono";
import { messageOf } from "../../_objects.ts";
import { proxyApi } from "./_proxy.ts";
import { ASSETS } from "./_assets.ts";
import { forwardDelivery, type HookFrontOptions } from "./_hook_front.ts";
import { refuseForeign } from "./_local_only.ts";
import {
  DIRECT_PREFIX,
  messageViews,
  personView,
  roomViews,
  type World,
} from "./_views.ts";

/** What the routes work on. */
export interface AppOptions extends World, HookFrontOptions {
  /** The port the page listens on, for the Host check (0 before it listens). */
  port(): number;
}

// A page on another site may post forms to 127.0.0.1, but cannot set this
// header without the browser asking first: writes require it.
const WRITE_HEADER = "x-playground";

/** Builds the playground's request handler. */
export function buildApp(
  options: AppOptions,
): (request: Request) => Promise<Response> {
  const { webex, wire } = options;
  const app = new Hono();

  app.onError((error, c) => {
    const status = error instanceof TypeError ? 400 : 500;
    return c.json({ message: messageOf(error) }, status);
  });
  // Every route, the hook and the bot's API included: their callers (the
  // fake, the bot) address the page as 127.0.0.1 too.
  app.use(async (c, next) => {
    const refused = refuseForeign(c.req.raw, options.port());
    if (refused) return c.json({ message: refused }, 403);
    await next();
  });
  app.use("/api/*", async (c, next) => {
    if (c.req.method !== "GET" && !c.req.header(WRITE_HEADER)) {
      return c.json({ message: `Missing the ${WRITE_HEADER} header` }, 403);
    }
    await next();
  });

  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => {
      c.header("content-type", asset.type);
      c.header("cache-control", "no-cache");
      return c.body(asset.body);
    });
  }

  app.get("/api/state", (c) =>
    c.json({
      bot: personView(webex, webex.bot.id),
      people: options.people.map((person) => personView(webex, person.id)),
      rooms: roomViews(options),
    }));
  app.get(
    "/api/rooms/:id/messages",
    (c) => c.json(messageViews(options, c.req.param("id"))),
  );
  app.get("/api/wire", (c) => c.json(wire.entries(c.req.query("roomId"))));
  app.get("/api/stream", () => wire.stream());

  app.post("/api/messages", async (c) => {
    const form = await c.req.formData();
    const field = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" && value !== "" ? value : undefined;
    };
    const from = field("from") ?? "";
    const roomId = field("roomId") ?? "";
    const text = field("text");
    const file = form.get("file");
    const attached = file instanceof File && file.size > 0
      ? {
        name: file.name,
        ...(file.type ? { type: file.type } : {}),
        bytes: new Uint8Array(await file.arrayBuffer()),
      }
      : undefined;
    if (!text && !attached) {
      throw new TypeError("Write something or attach a file");
    }
    const where = roomId.startsWith(DIRECT_PREFIX)
      ? directTarget(options, from, roomId)
      : { roomId };
    const mention = field("mention") === "bot";
    const message = webex.simulateMessage({
      from,
      ...where,
      // A file that mentions the bot says its name, as in a Webex client.
      ...(text || mention ? { markdown: text ?? "" } : {}),
      ...(field("parentId") ? { parentId: field("parentId") } : {}),
      ...(mention ? { mentions: [webex.bot.id] } : {}),
      ...(attached ? { file: attached } : {}),
    });
    wire.changed(message.roomId);
    return c.json({ id: message.id, roomId: message.roomId }, 201);
  });

  app.post("/api/actions", async (c) => {
    const body = await c.req.json();
    const action = webex.simulateAction({
      from: String(body.from),
      messageId: String(body.messageId),
      inputs: typeof body.inputs === "object" && body.inputs ? body.inputs : {},
    });
    wire.changed(action.roomId);
    return c.json({ id: action.id }, 201);
  });

  app.post("/api/rooms/:id/members", async (c) => {
    const body = await c.req.json();
    const membership = webex.simulateJoin({
      person: String(body.person),
      roomId: c.req.param("id"),
      ...(body.by ? { by: String(body.by) } : {}),
    });
    wire.changed(membership.roomId);
    return c.json({ id: membership.id }, 201);
  });

  app.delete("/api/rooms/:id/members/:person", (c) => {
    const by = c.req.query("by");
    const membership = webex.simulateLeave({
      person: c.req.param("person"),
      roomId: c.req.param("id"),
      ...(by ? { by } : {}),
    });
    wire.changed(membership.roomId);
    return c.body(null, 204);
  });

  app.get("/api/files/:id", (c) => {
    const content = webex.content(c.req.param("id"));
    if (!content) return c.json({ message: "No such file" }, 404);
    return new Response(content.bytes as Uint8Array<ArrayBuffer>, {
      headers: {
        "content-type": content.type || "application/octet-stream",
        "content-disposition": `attachment; filename*=UTF-8''${
          encodeURIComponent(content.name)
        }`,
      },
    });
  });

  app.all("/v1/*", (c) =>
    proxyApi(c.req.raw, {
      apiUrl: webex.url,
      wire,
      roomOfMessage: (id) =>
        webex.messages().find((message) => message.id === id)?.roomId,
    }));

  app.post(options.hookPath, (c) => forwardDelivery(c.req.raw, options));

  return async (request) => await app.fetch(request);
}

function directTarget(world: World, from: string, roomId: string) {
  const personId = roomId.slice(DIRECT_PREFIX.length);
  if (
    world.webex.findPerson(from)?.id !== world.webex.findPerson(personId)?.id
  ) {
    throw new TypeError(
      "Only the person of a direct room can open it: pick them first",
    );
  }
  return { toPersonEmail: world.webex.bot.emails[0] };
}

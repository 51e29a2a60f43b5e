import {
  Context,
  type DedupeStore,
  type EventQueue,
  type EventSink,
  type SpaceEvent,
  type WebexDelivery,
  WebexSpace,
} from "../mod.ts";
import { signBody } from "../spaces/webex/signature.ts";
import { FakeWebex } from "../testing.ts";

/** A FakeWebex with a user and a room, and a connected WebexSpace on it. */
export async function webexFixture(
  settings: Record<string, unknown> = {},
  options: {
    auditToken?: boolean;
    ears?: EventQueue<SpaceEvent>;
    dedupe?: DedupeStore;
    inbox?: EventSink<WebexDelivery>;
  } = {},
) {
  const webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@acme.com", displayName: "Bob" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const auditor = webex.addUser({
    email: "audit@acme.com",
    displayName: "Auditor",
  });
  const space = new WebexSpace({
    auditToken: options.auditToken ? auditor.token : undefined,
    ears: options.ears,
    inbox: options.inbox,
    clientOptions: { backoff: { base: 1, max: 10 } },
    dedupe: options.dedupe,
    context: new Context({ space: { room: "Ops", ...settings } }, {
      env: () => undefined,
    }),
    token: webex.bot.token,
    apiUrl: webex.url,
    logger: { debug: log, info: log, warn: log, error: log },
  });
  await space.connect();
  return {
    webex,
    space,
    alice,
    bob,
    auditor,
    roomId: String(room.id),
    logs,
    [Symbol.asyncDispose]: () => webex.close(),
  };
}

/** A webhook delivery as Webex POSTs it, signed when a secret is given. */
export async function deliveryRequest(
  payload: unknown,
  secret?: string,
  raw?: string,
): Promise<Request> {
  const body = raw ?? JSON.stringify(payload);
  const headers: Record<string, string> = {
    "content-type": "application/json",
  };
  if (secret) headers["x-spark-signature"] = await signBody(body, secret);
  return new Request("http://127.0.0.1/hook", {
    method: "POST",
    headers,
    body,
  });
}

/** The payload of a `messages`/`created` delivery for a stored message. */
export function messageDelivery(
  message: Record<string, unknown>,
  name = "shellbot-messages",
) {
  return {
    id: "WEBHOOK_ID",
    name,
    resource: "messages",
    event: "created",
    data: {
      id: message.id,
      roomId: message.roomId,
      roomType: message.roomType,
      personId: message.personId,
      personEmail: message.personEmail,
      created: message.created,
    },
  };
}

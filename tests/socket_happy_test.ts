import assert from "node:assert/strict";
import type {
  Action,
  AdaptiveCard,
  Deleted,
  Join,
  Leave,
  Message,
} from "../mod.ts";
import { parseFakeWebexId } from "../testing.ts";
import { socketFixture } from "./_socket_fixture.ts";

Deno.test("socket: a message comes over the websocket, is fetched by its REST id, and its envelope is acked", async () => {
  await using f = await socketFixture();
  await f.connected();
  const sent = f.say("status?");
  const event = await f.ears.get() as Message;
  assert.equal(event.type, "message");
  assert.equal(event.text, "status?");
  assert.equal(
    parseFakeWebexId(event.id ?? "")?.uuid,
    parseFakeWebexId(sent.id)?.uuid,
  );
  const envelope = f.webex.socket.sent.at(-1)!;
  assert.equal(envelope.data.activity?.verb, "post");
  await f.webex.socket.waitFor(() => f.webex.socket.acks.includes(envelope.id));
  assert.equal(f.webex.socket.devices()[0].unacked, 0);
});

const CARD: AdaptiveCard = {
  type: "AdaptiveCard",
  version: "1.3",
  body: [{ type: "Input.Text", id: "name", label: "Name" }],
  actions: [{ type: "Action.Submit", title: "Send" }],
};

Deno.test("socket: card submissions, deletions, joins and leaves become the same events as webhooks give", async () => {
  await using f = await socketFixture();
  await f.connected();
  const card = await f.space.postMessage({
    id: f.roomId,
    text: "Your name?",
    card: CARD,
  });
  f.webex.simulateAction({
    from: f.alice,
    messageId: card.id!,
    inputs: { name: "Alice" },
  });
  const action = await f.ears.get() as Action;
  assert.equal(action.type, "action");
  assert.deepEqual(action.inputs, { name: "Alice" });
  assert.ok(f.space.isSameId(action.messageId, card.id!));

  const said = f.say("oops");
  assert.equal(await f.nextText(), "oops");
  f.webex.simulateDelete({ from: f.alice, messageId: said.id });
  const deleted = await f.ears.get() as Deleted;
  assert.equal(deleted.type, "deleted");
  assert.ok(f.space.isSameId(deleted.id, said.id));
  assert.ok(f.space.isSameId(deleted.channelId, f.roomId));

  f.webex.simulateJoin({ person: "bob@acme.com", roomId: f.roomId });
  const join = await f.ears.get() as Join;
  assert.equal(join.type, "join");
  assert.equal(join.actorAddress, "bob@acme.com");
  assert.ok(f.space.isSameId(join.channelId, f.roomId));
  f.webex.simulateLeave({ person: "bob@acme.com", roomId: f.roomId });
  const leave = await f.ears.get() as Leave;
  assert.equal(leave.type, "leave");
  assert.equal(leave.actorAddress, "bob@acme.com");
  // The bot's own card and the edit-free rest made no event.
  assert.equal(f.ears.size, 0);
});

Deno.test("socket: REST ids carry the cluster of the catalog, never a guessed one", async () => {
  await using f = await socketFixture({
    before: (webex) => webex.socket.clusterId = "urn:TEAM:eu-central-1_k",
  });
  await f.connected();
  f.say("hallo");
  assert.equal(await f.nextText(), "hallo");
  const fetched = f.webex.requests.filter((request) =>
    request.endpoint === "GET /messages/{id}"
  );
  assert.equal(fetched.length, 1);
  const id = decodeURIComponent(fetched[0].path.split("/")[2]);
  const parts = parseFakeWebexId(id);
  assert.equal(parts?.cluster, "urn:TEAM:eu-central-1_k");
  assert.equal(parts?.type, "MESSAGE");
});

Deno.test("socket: the device is deleted when the space stops", async () => {
  await using f = await socketFixture();
  await f.connected();
  assert.equal(f.webex.socket.devices().length, 1);
  await f.stop();
  assert.equal(f.webex.socket.devices().length, 0);
  assert.equal(f.webex.socket.connections, 0);
  assert.ok(
    f.webex.socket.requests.some((request) =>
      request.method === "DELETE" && request.status === 204
    ),
  );
});

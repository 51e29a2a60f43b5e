import assert from "node:assert/strict";
import {
  clusterOf,
  deliveryOf,
  restId,
} from "../spaces/webex/socket/_activities.ts";
import { parseWebexId } from "../spaces/webex/ids.ts";

const CATALOG = {
  "conv-a.wbx2.com": [{
    host: "conv-a.wbx2.com",
    id: "urn:TEAM:us-east-2_a:conversation",
  }],
  "conv-r.wbx2.com": [{
    host: "conv-r.wbx2.com",
    id: "urn:TEAM:us-west-2_r:conversation",
  }],
};

const activity = (verb: string, host = "conv-r.wbx2.com") => ({
  id: "11111111-1111-1111-1111-111111111111",
  verb,
  actor: {
    entryUUID: "22222222-2222-2222-2222-222222222222",
    emailAddress: "a@b.c",
  },
  object: { objectType: "comment", id: "33333333-3333-3333-3333-333333333333" },
  target: {
    id: "44444444-4444-4444-4444-444444444444",
    url: `https://${host}/conversation/api/v1/conversations/x`,
  },
  published: "2026-01-01T00:00:00.000Z",
});

Deno.test("activities: the cluster comes from the catalog, us only for us-east-2_a and unknown hosts", () => {
  assert.equal(
    clusterOf("https://conv-r.wbx2.com/x", CATALOG),
    "urn:TEAM:us-west-2_r",
  );
  assert.equal(clusterOf("https://conv-a.wbx2.com/x", CATALOG), "us");
  assert.equal(clusterOf("https://elsewhere.example/x", CATALOG), "us");
  assert.equal(clusterOf(undefined, CATALOG), "us");
});

Deno.test("activities: REST ids are unpadded base64url and decode to cluster, type and uuid", () => {
  const id = restId("urn:TEAM:us-west-2_r", "MESSAGE", "abc");
  assert.doesNotMatch(id, /[=+/]/);
  assert.deepEqual(parseWebexId(id), {
    cluster: "urn:TEAM:us-west-2_r",
    type: "MESSAGE",
    uuid: "abc",
  });
});

Deno.test("activities: verbs become the deliveries a webhook would bring", () => {
  const context = { hostCatalog: CATALOG };
  const post = deliveryOf(activity("post"), context)!;
  assert.equal(post.resource, "messages");
  assert.equal(post.event, "created");
  assert.equal(
    parseWebexId(post.data.id)?.uuid,
    "11111111-1111-1111-1111-111111111111",
  );
  assert.equal(parseWebexId(String(post.data.personId))?.cluster, "us");
  assert.equal(
    parseWebexId(String(post.data.roomId))?.cluster,
    "urn:TEAM:us-west-2_r",
  );
  const deleted = deliveryOf(activity("delete"), context)!;
  assert.equal(deleted.event, "deleted");
  assert.equal(
    parseWebexId(deleted.data.id)?.uuid,
    "33333333-3333-3333-3333-333333333333",
  );
  const action = deliveryOf(activity("cardAction"), context)!;
  assert.equal(parseWebexId(action.data.id)?.type, "ATTACHMENT_ACTION");
  const left = deliveryOf({
    ...activity("leave"),
    object: {
      objectType: "person",
      entryUUID: "55555555-5555-5555-5555-555555555555",
    },
  }, context)!;
  assert.equal(left.resource, "memberships");
  assert.equal(
    parseWebexId(left.data.id)?.uuid,
    "55555555-5555-5555-5555-555555555555:44444444-4444-4444-4444-444444444444",
  );
  for (const verb of ["acknowledge", "update", "lock", "hide"]) {
    assert.equal(deliveryOf(activity(verb), context), undefined);
  }
  assert.equal(
    deliveryOf(activity("post"), {
      ...context,
      botUuid: "22222222-2222-2222-2222-222222222222",
    }),
    undefined,
  );
});

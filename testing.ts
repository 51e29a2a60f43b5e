/**
 * Test helpers of @shellbot/spaces: {@linkcode FakeWebex}, an in-process fake
 * of the Webex messaging API served over real HTTP, for your own tests.
 *
 * Point a `WebexSpace` (or any Webex client) at `webex.url` with
 * `webex.bot.token`, drive simulated users with `simulateMessage`, and
 * inspect what the bot did with `postedByBot()`, `requests` and
 * `requestCount()`. Simulated users also submit cards (`simulateAction`),
 * edit (`simulateEdit`) and delete (`simulateDelete`). Webhooks created
 * through the API receive signed deliveries of messages (created, updated,
 * deleted), card actions and membership changes; `settled()` waits for them
 * and `deliveries` logs them. Faults (429, 423, 5xx, with `Retry-After` in
 * seconds or as a date) and latency can be switched on per endpoint; like
 * Webex, the fake answers 429 to more than `roomReadConcurrency` concurrent
 * reads of one room (3 by default) and repeats deliveries at
 * `redeliveryRate`.
 *
 * Its methods return the Webex objects typed as the fake renders them
 * (`FakeRoom`, `FakeMessage`, `FakeMembership`...). To make or read ids in
 * a test, use the fake's own `fakeWebexId`, `parseFakeWebexId` and
 * `unpadded`: the fake shares no code with the library's client, so tests
 * against it check the client's reading of Webex rather than repeat it.
 *
 * @example Quick start
 * ```ts
 * import { type FakeRoom, FakeWebex } from "@shellbot/spaces/testing";
 *
 * await using webex = await FakeWebex.start();
 * const alice = webex.addUser({ email: "alice@example.com", displayName: "Alice" });
 * webex.simulateMessage({ from: alice, toPersonEmail: webex.bot.emails[0], text: "hi" });
 * const response = await fetch(`${webex.url}/rooms?type=direct`, {
 *   headers: { authorization: `Bearer ${webex.bot.token}` },
 * });
 * const { items }: { items: FakeRoom[] } = await response.json();
 * console.log(items[0].title); // "Alice"
 * ```
 *
 * @module
 */

export { FakeWebex } from "./spaces/fake/fake_webex.ts";
export type { FakeWebexActs } from "./spaces/fake/fake_webex_acts.ts";
export type { FakeWebexViews } from "./spaces/fake/fake_webex_views.ts";
export type { FakeWebexControls } from "./spaces/fake/fake_webex_controls.ts";
export type {
  FakeDevice,
  FakeEnvelope,
  FakeSocketRequest,
  FakeWebexSocket,
} from "./spaces/fake/_socket_types.ts";
export { FAKE_TOKEN_PREFIX } from "./spaces/fake/tokens.ts";
export type {
  AddRoomInit,
  ContentState,
  FakeContent,
  FakeDelivery,
  FakePerson,
  FakeWebexOptions,
  FaultRule,
  FaultStatus,
  PersonRef,
  RecordedRequest,
  SimulatedAction,
  SimulatedDelete,
  SimulatedEdit,
  SimulatedMembership,
  SimulatedMessage,
} from "./spaces/fake/types.ts";
export type {
  FakeAttachment,
  FakeAttachmentAction,
  FakeAttachmentActionEventData,
  FakeMembership,
  FakeMessage,
  FakeMessageEventData,
  FakeRoom,
  FakeTeam,
  FakeWebhook,
  FakeWebhookEvent,
} from "./spaces/fake/webex_types.ts";
export { fakeWebexId, parseFakeWebexId, unpadded } from "./spaces/fake/ids.ts";
export type { FakeWebexIdParts } from "./spaces/fake/ids.ts";

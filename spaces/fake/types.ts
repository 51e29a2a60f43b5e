/**
 * Public shapes of `FakeWebex`: its people, options, fault rules,
 * recorded requests and stored contents.
 *
 * @module
 */

import type { FakeAttachment } from "./webex_types.ts";

/**
 * A person known to the fake: the bot or a simulated user.
 *
 * Each has its own bearer token, so a test can call the API as any of them.
 */
export interface FakePerson {
  /** The person id, padded as `GET /people/me` gives it. */
  id: string;
  /** E-mail addresses; the first is the main one. */
  emails: string[];
  /** The full name shown in rooms and mentions. */
  displayName: string;
  /** `bot` for bots, `person` for humans. */
  type: "person" | "bot";
  /** The bearer token that authenticates as this person. */
  token: string;
  /** The id of the fake organisation. */
  orgId: string;
  /** When the person was created (ISO 8601). */
  created: string;
}

/** Who a test names: a {@linkcode FakePerson}, a person id or an e-mail address. */
export type PersonRef = FakePerson | string;

/** What `FakeWebex.addRoom` makes. */
export interface AddRoomInit {
  /** Title of the group room. */
  title: string;
  /** Team the room belongs to. */
  teamId?: string;
  /** Members besides the creator; unknown e-mail addresses become new users. */
  members?: PersonRef[];
  /** Moderators; they become members too, and the room becomes locked. */
  moderators?: PersonRef[];
  /**
   * Whether the room is moderated.
   *
   * @default {true when moderators are given}
   */
  isLocked?: boolean;
  /**
   * Whether the bot is a member.
   *
   * @default {true}
   */
  botIsMember?: boolean;
  /**
   * Who creates the room.
   *
   * @default {the bot, or the first member when the bot is not one}
   */
  creator?: PersonRef;
}

/** What `FakeWebex.simulateMessage` posts. */
export interface SimulatedMessage {
  /** The author. */
  from: PersonRef;
  /** The room, for a message in a room. */
  roomId?: string;
  /** The recipient's e-mail, for a direct message. */
  toPersonEmail?: string;
  /** The recipient's id, for a direct message. */
  toPersonId?: string;
  /** Plain text. */
  text?: string;
  /** Markdown; `html` is rendered from it. */
  markdown?: string;
  /** The message this one answers in a thread. */
  parentId?: string;
  /** People mentioned at the start of the message, as a Webex client writes it. */
  mentions?: PersonRef[];
  /** A file attached to the message. */
  file?: { name: string; type?: string; bytes: Uint8Array };
  /** A card, checked as `POST /messages` checks its `attachments`. */
  attachments?: FakeAttachment[];
}

/** What `FakeWebex.simulateAction` submits: a person fills in a card. */
export interface SimulatedAction {
  /** Who submits; must be a member of the card's room. */
  from: PersonRef;
  /** The message that carries the card. */
  messageId: string;
  /**
   * The values of the card's inputs, by input id.
   *
   * @default {{}}
   */
  inputs?: Record<string, unknown>;
}

/**
 * What `FakeWebex.simulateEdit` changes: give `text` for a text message,
 * `markdown` for a markdown one, as `PUT /messages/{id}` requires. In a
 * text message, the mentions a Webex client put first stay first.
 */
export interface SimulatedEdit {
  /** The author (only the author may edit). */
  from: PersonRef;
  /** The message to edit. */
  messageId: string;
  /** The new plain text. */
  text?: string;
  /** The new markdown. */
  markdown?: string;
}

/** What `FakeWebex.simulateDelete` removes. */
export interface SimulatedDelete {
  /**
   * Who deletes: the author, or a moderator of a moderated room.
   *
   * @default {the author}
   */
  from?: PersonRef;
  /** The message to delete. */
  messageId: string;
}

/** Options of `FakeWebex.start`. */
export interface FakeWebexOptions {
  /**
   * Display name of the bot.
   *
   * @default {"Shelly"}
   */
  botName?: string;
  /**
   * E-mail address of the bot.
   *
   * @default {"shelly@webex.bot"}
   */
  botEmail?: string;
  /**
   * Seed of the pseudo-random generator behind fault rules with a `rate`,
   * so that a run can be replayed.
   *
   * @default {1}
   */
  seed?: number;
  /** Stops the server when aborted, like `close()`. */
  signal?: AbortSignal;
  /**
   * How many failed deliveries in a row (non-2xx answers or network errors)
   * turn a webhook `inactive`; a 2xx answer starts the count again.
   *
   * @default {5}
   */
  inactiveAfter?: number;
  /**
   * Milliseconds a webhook's receiver has to answer a delivery before it
   * counts as failed.
   *
   * @default {10000}
   */
  deliveryTimeout?: number;
  /**
   * How many deliveries to one webhook may be in flight at once. With 1
   * they are POSTed one at a time, in order; with more they start in order
   * and may finish in any order, as Webex delivers under load.
   *
   * @default {1}
   */
  deliveryConcurrency?: number;
  /**
   * How many concurrent reads of one room (`GET /messages`, `GET
   * /messages/{id}`, `GET /rooms/{id}`, `GET /memberships?roomId=`) the fake
   * serves; one more is answered 429 with `Retry-After: 1`, as Webex does
   * (FACTS.md: about 3). `false` for no limit.
   *
   * @default {3}
   */
  roomReadConcurrency?: number | false;
  /**
   * Probability in 0..1 that a webhook delivery is POSTed once more, same
   * body and signature, as Webex's deliveries sometimes repeat; drawn from a
   * generator seeded by `seed`, so that a run can be replayed.
   *
   * @default {0}
   */
  redeliveryRate?: number;
}

/** What `FakeWebex.simulateJoin` and `FakeWebex.simulateLeave` change. */
export interface SimulatedMembership {
  /** Who joins or leaves. */
  person: PersonRef;
  /** The group room. */
  roomId: string;
  /**
   * Who adds or removes the person, the actor of the webhook event.
   *
   * @default {the person itself}
   */
  by?: PersonRef;
  /**
   * Whether the person joins as a moderator.
   *
   * @default {false}
   */
  isModerator?: boolean;
}

/** One webhook delivery the fake made (or tried to make). */
export interface FakeDelivery {
  /** Id of the webhook. */
  webhookId: string;
  /** Name of the webhook. */
  webhookName: string;
  /** Where the delivery was POSTed. */
  targetUrl: string;
  /** Resource of the event, such as `messages`. */
  resource: string;
  /** Event, such as `created`. */
  event: string;
  /** The exact JSON body sent; it parses to a `FakeWebhookEvent`. */
  body: string;
  /** `X-Spark-Signature` sent, when the webhook has a secret. */
  signature?: string;
  /** Status the receiver answered; 0 when it did not answer. */
  status: number;
  /** Whether the receiver answered 2xx. */
  ok: boolean;
  /** Why no answer came, for network errors, timeouts and `close()`. */
  error?: string;
}

/** The statuses a fault rule can answer. */
export type FaultStatus = 429 | 423 | 502 | 503 | 504;

/**
 * A fault rule: requests that match it are answered with an error status
 * before anything is processed.
 */
export interface FaultRule {
  /**
   * The endpoint key to fail, such as `POST /messages` or `GET /contents/{id}`;
   * every endpoint when absent.
   */
  endpoint?: string;
  /** The status to answer. */
  status: FaultStatus;
  /** Seconds sent as `Retry-After`; no header when absent. */
  retryAfter?: number;
  /**
   * How `Retry-After` is written: `seconds` (`"2"`) or `date`, an HTTP date
   * that many seconds ahead (`"Wed, 21 Oct 2026 07:28:02 GMT"`, rounded up
   * to the next whole second); Webex sends both.
   *
   * @default {"seconds"}
   */
  retryAfterFormat?: "seconds" | "date";
  /** How many requests to fail before the rule is spent; no limit when absent. */
  times?: number;
  /**
   * Probability in 0..1 that a matching request fails, drawn from the seeded
   * generator.
   *
   * @default {1}
   */
  rate?: number;
}

/** One request the fake answered. */
export interface RecordedRequest {
  /** HTTP method, such as `GET`. */
  method: string;
  /** Path below the API URL with its query string, such as `/rooms?max=10`. */
  path: string;
  /** Endpoint key, such as `GET /rooms/{id}`; `UNKNOWN` for unknown paths. */
  endpoint: string;
  /** Status answered. */
  status: number;
}

/** What a content (an uploaded file) holds. */
export interface FakeContent {
  /** Content id, as in the `/contents/{id}` URL. */
  id: string;
  /** File name. */
  name: string;
  /** Media type. */
  type: string;
  /** Size in bytes. */
  size: number;
  /** The bytes, copied out of the store. */
  bytes: Uint8Array;
}

/**
 * The scan state of a content: `ready` serves it, `scanning` answers 423,
 * `removed` answers 410 and `unscannable` answers 428.
 */
export type ContentState = "ready" | "scanning" | "removed" | "unscannable";

/**
 * Public shapes of {@linkcode FakeWebex}: its people, options, fault rules,
 * recorded requests and stored contents.
 *
 * @module
 */

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

/** Options of {@linkcode FakeWebex.start}. */
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

/**
 * The fake's records and their indexes: every lookup by id is a map access.
 *
 * @module
 */

import { HttpError, MESSAGES } from "./_http.ts";
import { fakeWebexId, parseFakeWebexId, unpadded } from "./ids.ts";
import type { ContentState, FakePerson } from "./types.ts";
import type {
  FakeAttachment,
  FakeAttachmentAction,
  FakeMembership,
  FakeMessage,
} from "./webex_types.ts";
import { FAKE_TOKEN_PREFIX } from "./tokens.ts";

/** A person with the fields only the fake needs. */
export interface PersonRecord extends FakePerson {
  uuid: string;
  seq: number;
}

/** A room, group or direct. */
export interface RoomRecord {
  uuid: string;
  id: string;
  title: string;
  type: "group" | "direct";
  isLocked: boolean;
  teamUuid?: string;
  /** The sorted pair of person uuids of a direct room. */
  directKey?: string;
  creatorUuid: string;
  created: string;
  lastActivity: string;
  seq: number;
  /** Grows with each message, to sort by last activity. */
  activitySeq: number;
}

/** A team and who belongs to it. */
export interface TeamRecord {
  uuid: string;
  id: string;
  name: string;
  creatorUuid: string;
  created: string;
  seq: number;
  members: Set<string>;
}

/** A membership; its uuid is `<personUuid>:<roomUuid>`, as on the real service. */
export interface MembershipRecord {
  uuid: string;
  id: string;
  roomUuid: string;
  personUuid: string;
  isModerator: boolean;
  created: string;
  seq: number;
}

/** A message; deleted ones stay as tombstones so that cursors still resolve. */
export interface MessageRecord {
  uuid: string;
  id: string;
  roomUuid: string;
  personUuid: string;
  text?: string;
  markdown?: string;
  html?: string;
  files?: string[];
  /** The card, as posted. */
  attachments?: FakeAttachment[];
  mentioned: string[];
  parentUuid?: string;
  created: string;
  /** When last edited, and how many times. */
  updated?: string;
  edits: number;
  /** Position in its room's list. */
  index: number;
  deleted: boolean;
}

/** An uploaded file, kept as the chunks it arrived in. */
export interface ContentRecord {
  uuid: string;
  id: string;
  name: string;
  type: string;
  chunks: Uint8Array[];
  size: number;
  roomUuid: string;
  state: ContentState;
  retryAfter: number;
}

/** A submitted card. */
export interface ActionRecord {
  uuid: string;
  id: string;
  messageUuid: string;
  personUuid: string;
  roomUuid: string;
  inputs: Record<string, unknown>;
  created: string;
}

/** A webhook, with what its deliveries need. */
export interface WebhookRecord {
  uuid: string;
  id: string;
  name: string;
  targetUrl: string;
  resource: string;
  event: string;
  filter?: string;
  secret?: string;
  status: "active" | "inactive";
  /** Failed deliveries in a row; enough of them make the webhook inactive. */
  failures: number;
  ownerUuid: string;
  created: string;
  seq: number;
}

/** Something that happened, as a webhook would report it. */
export type FakeEvent =
  & {
    event: "created" | "updated" | "deleted";
    actorUuid: string;
    /** The room the event belongs to, for filters. */
    roomUuid: string;
  }
  // The object, rendered as the API gives it.
  & (
    | { resource: "messages"; data: FakeMessage }
    | { resource: "memberships"; data: FakeMembership }
    | { resource: "attachmentActions"; data: FakeAttachmentAction }
  );

/** All the fake's state. */
export class State {
  readonly orgId: string = fakeWebexId("ORGANIZATION");
  readonly appId: string = fakeWebexId("APPLICATION");
  /** Base URL of the API, known once the server listens. */
  apiUrl = "";
  readonly people = new Map<string, PersonRecord>();
  readonly tokens = new Map<string, PersonRecord>();
  readonly emails = new Map<string, PersonRecord>();
  readonly rooms = new Map<string, RoomRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly memberships = new Map<string, MembershipRecord>();
  /** roomUuid → personUuid → membership. */
  readonly roomMembers = new Map<string, Map<string, MembershipRecord>>();
  /** personUuid → roomUuid → membership. */
  readonly personRooms = new Map<string, Map<string, MembershipRecord>>();
  readonly messages = new Map<string, MessageRecord>();
  /** roomUuid → its messages, oldest first. */
  readonly roomMessages = new Map<string, MessageRecord[]>();
  /** Sorted pair of person uuids → direct room uuid. */
  readonly directRooms = new Map<string, string>();
  readonly contents = new Map<string, ContentRecord>();
  readonly webhooks = new Map<string, WebhookRecord>();
  readonly actions = new Map<string, ActionRecord>();
  readonly listeners = new Set<(event: FakeEvent) => void>();
  #seq = 0;
  #lastTime = 0;

  /** A number that grows with every call, for stable ordering. */
  nextSeq(): number {
    return ++this.#seq;
  }

  /** The current time in ISO 8601, strictly later than the previous call's. */
  now(): string {
    this.#lastTime = Math.max(Date.now(), this.#lastTime + 1);
    return new Date(this.#lastTime).toISOString();
  }

  /** Tells listeners (the webhook deliveries) what happened. */
  emit(event: FakeEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  /** The record of an id of the given type, or 404. */
  find<T>(map: Map<string, T>, type: string, id: string | undefined): T {
    const parts = id ? parseFakeWebexId(id) : undefined;
    const record = parts?.type === type ? map.get(parts.uuid) : undefined;
    if (record === undefined) throw new HttpError(404, MESSAGES.notFound);
    return record;
  }

  /** A person by id or e-mail, or `undefined`. */
  lookupPerson(idOrEmail: string): PersonRecord | undefined {
    if (idOrEmail.includes("@")) {
      return this.emails.get(idOrEmail.toLowerCase());
    }
    const parts = parseFakeWebexId(idOrEmail);
    return parts?.type === "PEOPLE" ? this.people.get(parts.uuid) : undefined;
  }

  /** The membership of a person in a room, or `undefined`. */
  membership(
    roomUuid: string,
    personUuid: string,
  ): MembershipRecord | undefined {
    return this.roomMembers.get(roomUuid)?.get(personUuid);
  }

  /** A room the caller belongs to, or 404 as the real service answers for others. */
  memberRoom(id: string | undefined, caller: PersonRecord): RoomRecord {
    const room = this.find(this.rooms, "ROOM", id);
    if (!this.membership(room.uuid, caller.uuid)) {
      throw new HttpError(404, MESSAGES.notFound);
    }
    return room;
  }

  /** Adds a person and returns it. */
  addPerson(
    init: { email: string; displayName?: string; type?: "person" | "bot" },
  ): PersonRecord {
    const email = init.email.trim();
    if (!email.includes("@")) {
      throw new TypeError(
        `Cannot add a user: '${init.email}' is not an e-mail address`,
      );
    }
    if (this.emails.has(email.toLowerCase())) {
      throw new TypeError(`Cannot add a user: '${email}' is already known`);
    }
    const uuid = crypto.randomUUID();
    const person: PersonRecord = {
      id: fakeWebexId("PEOPLE", uuid),
      emails: [email],
      displayName: init.displayName ?? email.slice(0, email.indexOf("@")),
      type: init.type ?? "person",
      token: `${FAKE_TOKEN_PREFIX}${crypto.randomUUID()}`,
      orgId: this.orgId,
      created: this.now(),
      uuid,
      seq: this.nextSeq(),
    };
    this.people.set(uuid, person);
    this.tokens.set(person.token, person);
    this.emails.set(email.toLowerCase(), person);
    return person;
  }

  /** The person a test names by object, id or e-mail; unknown e-mails are added. */
  resolvePerson(
    ref: FakePerson | string,
    options: { create?: boolean } = {},
  ): PersonRecord {
    const key = typeof ref === "string" ? ref : ref.id;
    const person = this.lookupPerson(key) ??
      (typeof ref !== "string" ? this.lookupPerson(ref.emails[0]) : undefined);
    if (person) return person;
    if (options.create && typeof ref === "string" && ref.includes("@")) {
      return this.addPerson({ email: ref });
    }
    throw new TypeError(
      `Unknown person: '${typeof ref === "string" ? ref : ref.displayName}'`,
    );
  }

  /** The person id as found in messages, memberships and events: without padding. */
  personRef(uuid: string): string {
    return unpadded(fakeWebexId("PEOPLE", uuid));
  }
}

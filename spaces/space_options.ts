/**
 * The options and requests of the `Space` methods, shared by
 * every space.
 *
 * @module
 */

import type { AdaptiveCard } from "./cards.ts";
import type { Context } from "./context.ts";
import type { SpaceEvent } from "./events.ts";
import type { Logger } from "./log.ts";
import type { EventSink } from "./queue.ts";

/** Options of every space's constructor. */
export interface SpaceOptions {
  /** The settings. @default a new, empty Context */
  context?: Context;
  /** Where inbound events go. @default a new EventQueue */
  ears?: EventSink<SpaceEvent>;
  /** Where audit events go. @default a new EventQueue */
  fan?: EventSink<SpaceEvent>;
  /** Where log lines go. @default quietLogger */
  logger?: Logger;
  /** Options of subclasses, passed on to `onInit`. */
  [extra: string]: unknown;
}

/** The last argument of every async method: a way to cancel. */
export interface SignalOptions {
  /** Cancels the operation. */
  signal?: AbortSignal;
}

/** A file to attach to a message. */
export type FileInput =
  | string
  | URL
  | Blob
  | {
    /** File name shown to readers. */
    name: string;
    /** The bytes, read once. */
    stream: ReadableStream<Uint8Array>;
    /** Size in bytes, when known. */
    size?: number;
    /** Media type. @default "application/octet-stream" */
    type?: string;
  };

/** What `Space.postMessage` posts. */
export interface PostMessageRequest extends SignalOptions {
  /** Id of the channel; exactly one of `id` and `person` is given. */
  id?: string;
  /** E-mail address of a person, for a direct message. */
  person?: string;
  /** Plain text. */
  text?: string;
  /** Rich content: markdown on Webex. */
  content?: string;
  /** A local path, an `https:` URL, a Blob or File, or a named stream. */
  file?: FileInput;
  /** Markdown; the same as `content`, which it wins over. */
  markdown?: string;
  /** An Adaptive Card; `text` or `markdown` is then required, as its fallback. */
  card?: AdaptiveCard;
  /** Id of the message to reply to, in its thread (not itself a reply). */
  parentId?: string;
}

/** Options of `Space.listMessages`. */
export interface ListMessagesOptions extends SignalOptions {
  /** Id of the channel. */
  id: string;
  /** How many messages at most. @default 10 */
  quantity?: number;
  /** Stop before this message (it is not included). */
  stopId?: string;
  /** Stop at the first message strictly older than this ISO stamp or Date. */
  upTo?: string | Date;
  /** Keep only messages with an attachment. @default false */
  withAttachment?: boolean;
}

/** What the plural participant methods did, person by person. */
export interface ParticipantsReport {
  /** Persons added or removed. */
  succeeded: string[];
  /** Persons that failed, with the reason. */
  failed: { person: string; error: unknown }[];
}

/** What `Space.start` returns when it polls. */
export interface RunningSpace {
  /** Ends polling and resolves once the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when polling ends, whatever the reason. */
  done: Promise<void>;
}

/** Options of `Space.start`. */
export interface StartOptions extends SignalOptions {
  /** Public URL of the webhook; without it the space polls. */
  hookUrl?: string;
}

/**
 * **@shellbot/spaces** lets a chat bot live in a *space*: a terminal for
 * local work, or Webex for real teams. Write the bot handler once; run it
 * against stdin with `cli.ts`, and behind a webhook with `server.ts`.
 *
 * @example Quick start: a bot on a scripted local space
 * ```ts
 * import { botSink, LocalSpace, type BotHandler, type Space } from "@shellbot/spaces";
 *
 * const bot: BotHandler = async (event, space) => {
 *   if (event.type === "message" && event.channelId) {
 *     await space.postMessage(event.channelId, `You said: ${event.text}`);
 *   }
 * };
 *
 * const space: Space = new LocalSpace({
 *   input: ["hello", "how are you?"],
 *   ears: botSink(bot, () => space),
 * });
 * await space.connect();
 * await space.run(); // prints the transcript, then ends with the input
 * ```
 *
 * @module
 */

export {
  type FileInput,
  type ListMessagesOptions,
  type ParticipantsReport,
  type PostMessageRequest,
  type RunningSpace,
  type SignalOptions,
  Space,
  type SpaceOptions,
  type StartOptions,
} from "./spaces/base.ts";
export {
  type BotHandler,
  botSink,
  type BotSinkOptions,
  loadBot,
  runBot,
} from "./spaces/bot.ts";
export {
  type CursorStore,
  type DedupeStore,
  isCursorStore,
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from "./spaces/dedupe.ts";
export { signBody, verifySignature } from "./spaces/webex/signature.ts";
export {
  type Channel,
  type ChannelInit,
  createChannel,
} from "./spaces/channel.ts";
export {
  type CheckOptions,
  Context,
  type ContextOptions,
  type Settings,
} from "./spaces/context.ts";
export {
  ApiError,
  type ApiErrorDetails,
  ConfigurationError,
  NetworkError,
  SignatureError,
  SpacesError,
} from "./spaces/errors.ts";
export {
  type Action,
  type ActionInit,
  createAction,
  createDeleted,
  createJoin,
  createLeave,
  createMessage,
  type Deleted,
  type DeletedInit,
  isSpaceEvent,
  type Join,
  type Leave,
  type MembershipEvent,
  type Message,
  type MessageInit,
  type SpaceEvent,
} from "./spaces/events.ts";
export { type SpaceClass, SpaceFactory } from "./spaces/factory.ts";
export {
  type AdaptiveCard,
  CARD_CONTENT_TYPE,
  checkCard,
  MAX_CARD_BYTES,
  MAX_CARD_VERSION,
} from "./spaces/cards.ts";
export type { MessageEdit } from "./spaces/message_edit.ts";
export type { Person } from "./spaces/person.ts";
export {
  LOCAL_CHANNEL_ID,
  LOCAL_USER_ID,
  LocalSpace,
  type LocalSpaceOptions,
} from "./spaces/local.ts";
export {
  KvDedupeStore,
  type KvDedupeStoreOptions,
  KvQueue,
  type KvQueueOptions,
} from "./spaces/kv.ts";
export { type Logger, quietLogger } from "./spaces/log.ts";
export { EventQueue, type EventSink } from "./spaces/queue.ts";
export {
  downloadAttachment,
  type DownloadOptions,
  getAttachment,
  nameAttachment,
} from "./spaces/webex/attachments.ts";
export type { WebexDelivery } from "./spaces/webex/delivery.ts";
export {
  DEFAULT_API_URL,
  WebexClient,
  type WebexClientOptions,
  type WebexRequestOptions,
} from "./spaces/webex/client.ts";
export {
  parseWebexId,
  sameWebexId,
  uuidOf,
  webexId,
  type WebexIdParts,
} from "./spaces/webex/ids.ts";
export {
  actionFromWebex,
  channelFromRoom,
  deletedFromWebex,
  membershipEvent,
  messageFromWebex,
  type MessageFromWebexOptions,
} from "./spaces/webex/normalise.ts";
export { MAX_TEXT_BYTES, outgoingMessage } from "./spaces/webex/outgoing.ts";
export {
  type RegisterOptions,
  type WebexCreateOptions,
  WebexSpace,
  type WebexSpaceOptions,
} from "./spaces/webex/space.ts";
export { SparkSpace } from "./spaces/webex/spark.ts";

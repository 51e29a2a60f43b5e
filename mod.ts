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
  type BotLike,
  botSink,
  type BotSinkOptions,
  loadBot,
  runBot,
} from "./spaces/bot.ts";
export {
  Bot,
  type BotOptions,
  type CommandContext,
  type CommandOptions,
  type ErrorHandler,
  type EventContext,
  type HearsContext,
} from "./spaces/toolkit/bot.ts";
export {
  BotContext,
  type BotContextOptions,
  type ReplyRequest,
  type Sender,
} from "./spaces/toolkit/context.ts";
export {
  type Handler,
  type Middleware,
  type NextFunction,
} from "./spaces/toolkit/compose.ts";
export {
  MemorySessionStorage,
  type MemorySessionStorageOptions,
  session,
  type SessionFlavor,
  type SessionKey,
  type SessionOptions,
  type SessionStorage,
} from "./spaces/toolkit/session.ts";
export {
  type CursorStore,
  type DedupeStore,
  MemoryDedupeStore,
  type MemoryDedupeStoreOptions,
} from "./spaces/dedupe.ts";
export { assertSignature, verifySignature } from "./spaces/webex/signature.ts";
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
  type NetworkErrorDetails,
  PartialFailureError,
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
export { type Logger, quietLogger } from "./spaces/log.ts";
export { EventQueue, type EventSink } from "./spaces/queue.ts";
export type { DownloadOptions } from "./spaces/webex/attachments.ts";
export type { WebexDelivery } from "./spaces/webex/delivery.ts";
export {
  DEFAULT_API_URL,
  WebexClient,
  type WebexClientOptions,
  type WebexRequestOptions,
} from "./spaces/webex/client.ts";
export {
  type RegisterOptions,
  type WebexCreateOptions,
  type WebexSocketOptions,
  WebexSpace,
  type WebexSpaceOptions,
} from "./spaces/webex/space.ts";
export { SparkSpace } from "./spaces/webex/spark.ts";

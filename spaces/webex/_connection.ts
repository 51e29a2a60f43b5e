/**
 * What a `WebexSpace` keeps per connection: its clients, its identity, the
 * dependencies of the inbound paths (webhooks and polling), and the
 * webhooks it registered.
 *
 * @module
 */

import type { Context } from "../context.ts";
import {
  type DedupeStore,
  isCursorStore,
  MemoryDedupeStore,
} from "../dedupe.ts";
import type { Message, SpaceEvent } from "../events.ts";
import type { Logger } from "../log.ts";
import type { EventSink } from "../queue.ts";
import { messageOf } from "../_objects.ts";
import { getMe } from "./api/people.ts";
import { listWebhooks } from "./api/webhooks.ts";
import type { CallOptions } from "./api/types.ts";
import { WebexClient } from "./client.ts";
import type { WebexDelivery } from "./delivery.ts";
import {
  checkedBeforeConnect,
  type InboundDeps,
  processDelivery,
  receiveBody,
  receiveDelivery,
  signedBeforeConnect,
} from "./_inbound.ts";
import { attachmentNamer, AUDIT_HOOK } from "./_pipeline.ts";
import { Prefetches } from "./_prefetch.ts";
import { Poller } from "./_polling.ts";
import { reportPullActivity } from "../_run_loop.ts";
import { AUDIT_HOOKS, BOT_HOOKS, WebhookRegistry } from "./_webhooks.ts";
import type { RegisterOptions, WebexSpaceOptions } from "./space_options.ts";

/** The connection of each space, for the hook route's intake. */
const connections = new WeakMap<object, WebexConnection>();

/**
 * The connection of a `WebexSpace`: the hook route's intake hands it the
 * bodies it read (see `WebexConnection.receiveBody`); undefined for any
 * other space.
 */
export function connectionOf(space: object): WebexConnection | undefined {
  return connections.get(space);
}

/** The members of the space that a connection uses. */
export interface ConnectionHost {
  readonly context: Context;
  readonly logger: Logger;
  readonly ears: EventSink<SpaceEvent>;
  readonly fan: EventSink<SpaceEvent>;
  readonly isSwitchedOn: boolean;
  check(): void;
  connect(options?: CallOptions): Promise<void>;
  pull(options?: CallOptions): Promise<void>;
}

/** Clients, identity, inbound dependencies and webhooks of one space. */
export class WebexConnection {
  #host: ConnectionHost;
  #options: WebexSpaceOptions;
  /** The options of the space: their tokens and URL win over the settings. */
  readonly options: WebexSpaceOptions;
  #client?: WebexClient;
  #auditClient?: WebexClient;
  #dedupe: DedupeStore;
  #poller: Poller;
  #inbound?: InboundDeps;
  #prefetches = new Prefetches();
  #hooks = new WebhookRegistry();
  #registered?: { hookUrl: string; options: RegisterOptions };

  constructor(host: ConnectionHost, options: WebexSpaceOptions) {
    connections.set(host, this);
    this.#host = host;
    this.#options = this.options = options;
    this.#dedupe = options.dedupe ?? new MemoryDedupeStore();
    const poller = this.#poller = new Poller(
      isCursorStore(this.#dedupe) ? this.#dedupe : undefined,
    );
    // Polling answers in seconds while a conversation goes on.
    reportPullActivity(host, () => poller.activity);
  }

  /** The client for the bot token, made on first use (settings checked first). */
  get client(): WebexClient {
    if (!this.#client) {
      this.#host.check();
      this.#client = this.#newClient(
        this.#host.context.get<string>("space.token"),
      );
    }
    return this.#client;
  }

  /** The client for the audit token, when one is set. */
  get auditClient(): WebexClient | undefined {
    if (!this.#auditClient) {
      const token = this.client &&
        this.#host.context.get<string>("space.audit_token");
      if (token) this.#auditClient = this.#newClient(token);
    }
    return this.#auditClient;
  }

  /** Reads `/people/me` into `bot.*` (and `audit.id` with an audit token). */
  async identify(options: CallOptions): Promise<void> {
    this.#inbound = undefined;
    const { context } = this.#host;
    const me = await getMe(this.client, options);
    context.set("bot.id", me.id);
    context.set("bot.name", me.displayName);
    context.set("bot.type", me.type);
    const emails = Array.isArray(me.emails) ? me.emails : [];
    if (emails[0]) context.set("bot.address", emails[0]);
    const audit = this.auditClient;
    if (audit) {
      const auditor = await getMe(audit, options);
      context.set("audit.id", auditor.id);
    }
  }

  /**
   * Processes one webhook delivery. Before the space is connected, a
   * request's signature is checked first, so that a forged delivery costs
   * no call to Webex (connecting asks `/people/me`).
   */
  async receive(input: Request | Record<string, unknown>): Promise<Response> {
    if (input instanceof Request && !this.#host.context.get("bot.id")) {
      this.#host.check();
      const secret = this.#host.context.get<string>("space.webhook_secret");
      const checked = await checkedBeforeConnect(input, secret);
      if (checked instanceof Response) return checked;
      input = checked;
    }
    return await receiveDelivery(await this.inbound(), input);
  }

  /**
   * Processes one webhook delivery whose body the hook route read already,
   * as `receive` does a POST request with that body and that
   * `X-Spark-Signature`: no second request, no second read.
   */
  async receiveBody(
    body: Uint8Array,
    signature: string | null,
  ): Promise<Response> {
    if (!this.#host.context.get("bot.id")) {
      this.#host.check();
      const refused = await signedBeforeConnect(
        body,
        signature,
        this.#host.context.get<string>("space.webhook_secret"),
      );
      if (refused) return refused;
    }
    return await receiveBody(await this.inbound(), body, signature);
  }

  /** The inbound dependencies, connecting first when the bot is unknown. */
  async inbound(options: CallOptions = {}): Promise<InboundDeps> {
    if (!this.#host.context.get("bot.id")) await this.#host.connect(options);
    // Built once per connection: the hook route calls this for every delivery.
    return this.#inbound ??= this.#buildInbound();
  }

  /** Names the attachments of messages, one HEAD each; never throws. */
  async nameAttachments(
    messages: Message[],
    options: CallOptions,
  ): Promise<void> {
    const deps = await this.inbound(options);
    await Promise.all(
      messages.map((message) => deps.nameAttachment(message, this.client)),
    );
  }

  /** Fetches the messages that are new since the previous pull. */
  async pull(options: CallOptions): Promise<void> {
    const deps = await this.inbound(options);
    await this.#poller.pull({
      ...deps,
      isBot: this.#host.context.get("bot.type", "bot") === "bot",
    }, options.signal);
  }

  /**
   * Polls with `poll`, or with `space.events` "websocket" listens on the
   * Webex websocket, polling only while the socket is unavailable.
   */
  async run(
    poll: (signal: AbortSignal | undefined) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<void> {
    const { context, logger } = this.#host;
    if (this.client && context.get("space.events") !== "websocket") {
      return await poll(signal);
    }
    await this.inbound({ signal });
    // Loaded only in this mode: webhooks and polling never need it.
    const [{ runSocket }, { DEFAULT_U2C_URL }] = await Promise.all([
      import("./socket/_runner.ts"),
      import("./socket/options.ts"),
    ]);
    await runSocket(
      {
        client: this.client,
        token: context.get<string>("space.token"),
        u2cUrl: this.#options.socket?.u2cUrl ??
          context.get<string>("space.u2c_url", DEFAULT_U2C_URL),
        botId: context.get<string | undefined>("bot.id"),
        logger,
        isSwitchedOn: () => this.#host.isSwitchedOn,
        accept: async (delivery: WebexDelivery) => {
          const deps = await this.inbound();
          if (deps.inbox) await deps.inbox.put(delivery);
          else await processDelivery(deps, delivery);
        },
        pull: (signal) => this.#host.pull({ signal }),
        poll: (signal) => poll(signal),
      },
      this.#options.socket,
      signal,
    );
  }

  /** Syncs the webhooks of both tokens, then catches up with one pull. */
  async register(hookUrl: string, options: RegisterOptions): Promise<void> {
    this.#registered = { hookUrl, options: { purge: options.purge } };
    const sync = {
      targetUrl: hookUrl,
      secret: this.#host.context.get<string | undefined>(
        "space.webhook_secret",
      ),
      purge: options.purge ?? "all",
      logger: this.#host.logger,
      signal: options.signal,
    };
    // The two tokens' webhooks at once; the bot token's failure is said first.
    const audit = this.auditClient;
    const auditing = audit &&
      this.#hooks.sync({ ...sync, client: audit, specs: AUDIT_HOOKS });
    auditing?.catch(() => {}); // awaited below
    await this.#hooks.sync({ ...sync, client: this.client, specs: BOT_HOOKS });
    await auditing;
    if (options.catchUp === false) return;
    // Catch up on what was posted while no webhook reached this bot.
    try {
      await this.#host.pull({ signal: options.signal });
    } catch (error) {
      this.#host.logger.warn(
        `Could not catch up on missed messages: ${messageOf(error)}`,
      );
    }
  }

  /**
   * Registers again when a webhook of the bot token that `register` put
   * in place is inactive or gone; true when it did.
   */
  async reviveWebhooks(options: CallOptions): Promise<boolean> {
    const registered = this.#registered;
    if (!registered) return false;
    const found = new Map<string, string>();
    for await (
      const hook of listWebhooks(this.client, {}, { signal: options.signal })
    ) {
      if (hook.targetUrl !== registered.hookUrl) continue;
      found.set(String(hook.name ?? ""), String(hook.status ?? "active"));
    }
    const lame = BOT_HOOKS.filter((spec) => found.get(spec.name) !== "active");
    if (lame.length === 0) return false;
    this.#host.logger.info(
      `Webhook ${
        lame.map((spec) => spec.name).join(", ")
      } was inactive or gone: registering again and catching up`,
    );
    await this.register(registered.hookUrl, {
      ...registered.options,
      signal: options.signal,
    });
    return true;
  }

  /** Removes the webhooks that `register` put in place. */
  async deregister(options: CallOptions): Promise<void> {
    await this.#hooks.removeAll(options.signal);
  }

  #buildInbound(): InboundDeps {
    const { context, logger } = this.#host;
    return {
      secret: context.get<string | undefined>("space.webhook_secret"),
      botId: context.get<string | undefined>("bot.id"),
      client: this.client,
      auditClient: this.auditClient,
      ears: this.#host.ears,
      fan: this.#host.fan,
      dedupe: this.#dedupe,
      logger,
      inbox: this.#options.inbox,
      requireSignature: this.#options.requireSignature,
      replayWindow: this.#options.replayWindow,
      noteHandled: (message) => this.#poller.noteHandled(message),
      isBehind: (roomId, stamp) => this.#poller.isBehind(roomId, stamp),
      nameAttachment: attachmentNamer(logger),
      prefetched: this.#prefetches,
    };
  }

  /**
   * Begins fetching the message of a queued delivery, for its handling to
   * take (a queue calls it while it writes the delivery's claim).
   */
  prefetch(delivery: WebexDelivery): void {
    if (
      delivery.resource !== "messages" || delivery.event !== "created" ||
      delivery.hook === AUDIT_HOOK || !this.#inbound
    ) return;
    this.#prefetches.start(this.client, delivery.data.id);
  }

  #newClient(token: string): WebexClient {
    return new WebexClient({
      ...this.#options.clientOptions,
      token,
      apiUrl: this.#host.context.get<string>("space.api_url"),
      fetch: this.#options.fetch,
      logger: this.#host.logger,
    });
  }
}

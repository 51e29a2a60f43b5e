/**
 * The local space: a terminal where you talk to your bot.
 *
 * @module
 */

import { requireText } from "./_arguments.ts";
import {
  type PostMessageRequest,
  type SignalOptions,
  Space,
  type SpaceOptions,
} from "./base.ts";
import { type Channel, createChannel } from "./channel.ts";
import { createMessage, type Message } from "./events.ts";
import type { MessageEdit } from "./message_edit.ts";
import type { Person } from "./person.ts";
import { checkEdit } from "./_edit.ts";
import { cardLines, SUBMIT_COMMAND } from "./local/_cards.ts";
import { postedLines } from "./local/_render.ts";
import { StdinBatches } from "./local/_stdin.ts";
import { localPerson, Transcript } from "./local/_transcript.ts";

/** Options of {@linkcode LocalSpace}. */
export interface LocalSpaceOptions extends SpaceOptions {
  /** Scripted user lines; a string is split on line breaks. */
  input?: string | string[];
  /** Where user lines come from without input. @default Deno.stdin.readable */
  stdin?: ReadableStream<Uint8Array>;
  /** Where the transcript goes. @default Deno.stdout.writable */
  stdout?: WritableStream<Uint8Array>;
}

/**
 * Id of the one channel of a local space.
 *
 * @example Reply in the local channel
 * ```ts
 * import { LOCAL_CHANNEL_ID, LocalSpace } from "@shellbot/spaces";
 *
 * const space = new LocalSpace({ input: [], stdout: new WritableStream() });
 * await space.postMessage(LOCAL_CHANNEL_ID, "Hello from the bot");
 * ```
 */
export const LOCAL_CHANNEL_ID = "*local";

/**
 * Sender id of the lines typed by the local user.
 *
 * @example Tell the user's lines from the bot's
 * ```ts
 * import { LOCAL_USER_ID, type SpaceEvent } from "@shellbot/spaces";
 *
 * const fromUser = (event: SpaceEvent) => event.type === "message" && event.fromId === LOCAL_USER_ID;
 * console.log(fromUser({ type: "message", text: "hi", content: "hi", fromId: "*user", isDirect: false, mentionedIds: [] })); // true
 * ```
 */
export const LOCAL_USER_ID = "*user";

/**
 * A space on the terminal: user lines come from scripted input or stdin,
 * the bot's messages go to stdout.
 *
 * With scripted input, each line is echoed after the prompt (`space.prompt`,
 * default `> `); when all of it was consumed the space prints `^C` and sets
 * `general.switch` to `"off"`, so `run()` ends. Without input, lines are
 * read from stdin until its end, which also switches the space off. The
 * title is `space.title`, where `$NAME` is read from the environment.
 *
 * Messages get ids `*m1`, `*m2`, ... so a bot can reply in a thread
 * (`postMessage({ id, text, parentId })`, shown after `↳ `; a reply to a
 * reply is refused as on Webex), edit (`editMessage`, shown after
 * `[edited] `) and delete (`deleteMessage`, shown as `[deleted] ...`).
 *
 * A card (`postMessage({ id, text, card })`) shows as its fallback text,
 * then a line of its inputs and one of its buttons. The person at the
 * terminal submits the last card with
 * `/submit [button] name=value name2="two words"`: `button` is the title of
 * a submit button (the first one when left out), every input not named
 * keeps its default value, and the button's `data` is merged in, as Webex
 * does. The bot receives an `action` event (`fromId` `*user`,
 * `messageId` the card's message). A wrong name is answered on the
 * terminal, and nothing is sent.
 *
 * @example Script a conversation
 * ```ts
 * import { EventQueue, LocalSpace, type SpaceEvent } from "@shellbot/spaces";
 *
 * const ears = new EventQueue<SpaceEvent>();
 * const space = new LocalSpace({ ears, input: "hello\nhow are you?", stdout: new WritableStream() });
 * await space.run();
 * console.log(ears.size); // 2
 * ```
 */
export class LocalSpace extends Space {
  #script: string[] = [];
  #head = 0;
  #scripted = false;
  #stdin!: StdinBatches;
  #stdout?: WritableStream<Uint8Array>;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #encoder = new TextEncoder();
  // Transcript written during a pull is joined into few writes: one write
  // per line costs a system call each and made piped input 15 times slower.
  #pending = "";
  #batching = 0;
  #participants = new Map<string, Set<string>>();
  #transcript = new Transcript();

  /**
   * Makes a local space.
   *
   * @param options Scripted input, streams, and the options of every space.
   */
  constructor(options: LocalSpaceOptions = {}) {
    super(options);
    this.#stdin = new StdinBatches(options.stdin, this.logger);
    this.#stdout = options.stdout;
    if (options.input !== undefined) this.push(options.input);
  }

  /**
   * Adds simulated user lines; once called, stdin is not read.
   *
   * @param input One or more lines, as a string or a list.
   */
  push(input: string | string[]): void {
    this.#scripted = true;
    const lines = typeof input === "string" ? input.split(/\r?\n/) : input;
    for (const line of lines) this.#script.push(line);
  }

  /** Sets `bot.id` and `bot.name` when they are not set. */
  override async connect(_options: SignalOptions = {}): Promise<void> {
    if (!this.context.has("bot.id")) this.context.set("bot.id", "*bot");
    if (!this.context.has("bot.name")) this.context.set("bot.name", "Shelly");
  }

  /** `space.title` with `$NAME` read from the environment, else the default. */
  override configuredTitle(): string {
    const title = super.configuredTitle();
    const name = /^\$([A-Za-z_][A-Za-z0-9_]*)$/.exec(title)?.[1];
    if (name === undefined) return title;
    return this.context.env(name) ??
      (this.constructor as typeof Space).DEFAULT_SPACE_TITLE;
  }

  /** Resolves `$NAME` in `space.title`. */
  override check(): void {
    super.check();
    this.context.check("space.title", { filter: true });
  }

  /** Renames the one channel. */
  override async create(title: string): Promise<Channel> {
    this.context.set("space.title", requireText(title, "create", "title"));
    return this.#channel();
  }

  /** The one channel when `id` is `*local`. */
  override async getById(id: string): Promise<Channel | undefined> {
    requireText(id, "getById", "id");
    return id === LOCAL_CHANNEL_ID ? this.#channel() : undefined;
  }

  /** The one channel when `title` is its title. */
  override async getByTitle(title: string): Promise<Channel | undefined> {
    requireText(title, "getByTitle", "title");
    const channel = this.#channel();
    return channel.title === title ? channel : undefined;
  }

  /** Always `undefined`: a local space has no direct channels. */
  override async getByPerson(label: string): Promise<Channel | undefined> {
    requireText(label, "getByPerson", "label");
    return undefined;
  }

  /** Saves the title of the one channel. */
  override async update(channel: Channel): Promise<void> {
    if (channel.id === LOCAL_CHANNEL_ID) {
      this.context.set("space.title", channel.title);
    }
  }

  /** Forgets the messages and participants of the channel. */
  override async delete(id: string): Promise<void> {
    requireText(id, "delete", "id");
    this.#transcript.forget(id);
    this.#participants.delete(id);
  }

  /** The one channel. */
  override async listGroupChannels(): Promise<Channel[]> {
    return [this.#channel()];
  }

  /** The latest messages of the channel, newest first. */
  override async *walkMessages(id: string): AsyncIterable<Message> {
    requireText(id, "walkMessages", "id");
    yield* this.#transcript.walk(id);
  }

  /** Writes the text (or the content), the file name and the card to stdout. */
  protected override async sendMessage(
    request: PostMessageRequest,
  ): Promise<Message> {
    const text = request.text || request.content || "";
    if (request.parentId) this.#transcript.checkParent(request.parentId);
    const lines = postedLines(request, text);
    if (request.card) lines.push(...cardLines(request.card));
    await this.#write(lines.join("\n") + "\n");
    const botId = this.context.get<string | undefined>("bot.id");
    const message = createMessage({
      id: this.#transcript.newId(),
      text,
      content: request.content || text,
      fromId: botId,
      channelId: request.id ?? request.person,
      isDirect: request.person !== undefined,
      parentId: request.parentId,
    });
    this.#transcript.remember(message, request.card);
    return message;
  }

  /** Changes a message of the transcript, and shows it after `[edited] `. */
  override async editMessage(
    messageId: string,
    change: string | MessageEdit,
  ): Promise<Message> {
    const message = this.#transcript.edit(
      messageId,
      checkEdit(messageId, change),
    );
    await this.#write(`[edited] ${message.text}\n`);
    return message;
  }

  /** Removes a message from the transcript, and says so. */
  override async deleteMessage(messageId: string): Promise<void> {
    const message = this.#transcript.delete(messageId);
    await this.#write(`[deleted] ${message.text}\n`);
  }

  /** The local user (`*user`) or the bot (`bot.id`); anyone else is unknown. */
  override async getPerson(idOrEmail: string): Promise<Person | undefined> {
    requireText(idOrEmail, "getPerson", "idOrEmail");
    return localPerson(idOrEmail, LOCAL_USER_ID, this.context);
  }

  /** The participants kept in memory for the channel. */
  override async listParticipants(id: string): Promise<string[]> {
    requireText(id, "listParticipants", "id");
    return [...(this.#participants.get(id) ?? [])];
  }

  /** Adds a participant in memory. */
  override async addParticipant(id: string, person: string): Promise<void> {
    requireText(id, "addParticipant", "id");
    requireText(person, "addParticipant", "person");
    let persons = this.#participants.get(id);
    if (!persons) this.#participants.set(id, persons = new Set());
    persons.add(person);
  }

  /** Removes a participant from memory. */
  override async removeParticipant(id: string, person: string): Promise<void> {
    requireText(id, "removeParticipant", "id");
    requireText(person, "removeParticipant", "person");
    this.#participants.get(id)?.delete(person);
  }

  /**
   * Takes the user lines available now: every scripted line, or the next
   * batch from stdin (waiting for it), and puts them on `ears`.
   */
  override async pull(options: SignalOptions = {}): Promise<void> {
    this.#batching++;
    try {
      if (this.#scripted) return await this.#pullScript(options.signal);
      const batch = await this.#stdin.read(async () => {
        if (this.#stdin.isTerminal) await this.#write(this.#prompt);
        await this.#flush();
      }, options.signal);
      if (batch === undefined) return;
      if (batch === null) {
        this.context.set("general.switch", "off");
        return;
      }
      const echo = !this.#stdin.isTerminal;
      for (const line of batch) {
        if (echo && line.trim()) await this.#write(`${this.#prompt}${line}\n`);
        await this.#hear(line);
      }
    } finally {
      this.#batching--;
      await this.#flush();
    }
  }

  async #pullScript(signal?: AbortSignal): Promise<void> {
    while (this.#head < this.#script.length) {
      if (signal?.aborted) return;
      const line = this.#script[this.#head];
      this.#script[this.#head++] = "";
      if (!line.trim()) continue;
      await this.#write(`${this.#prompt}${line}\n`);
      await this.#hear(line);
    }
    this.#script = [];
    this.#head = 0;
    if (this.isSwitchedOn) {
      await this.#write("^C\n");
      this.context.set("general.switch", "off");
    }
  }

  async #hear(line: string): Promise<void> {
    if (!line.trim()) return;
    if (line.trim().split(/\s/)[0] === SUBMIT_COMMAND) {
      return this.#submit(line);
    }
    const botId = this.context.get<string | undefined>("bot.id");
    const message = createMessage({
      id: this.#transcript.newId(),
      text: line,
      content: line,
      fromId: LOCAL_USER_ID,
      channelId: LOCAL_CHANNEL_ID,
      mentionedIds: botId ? [botId] : [],
      isDirect: false,
    });
    this.#transcript.remember(message);
    await this.ears.put(message);
  }

  async #submit(line: string): Promise<void> {
    const action = this.#transcript.submit(
      line,
      LOCAL_CHANNEL_ID,
      LOCAL_USER_ID,
    );
    if (typeof action === "string") return await this.#write(`${action}\n`);
    await this.ears.put(action);
  }

  get #prompt(): string {
    return String(this.context.get("space.prompt", "> "));
  }

  async #write(text: string): Promise<void> {
    this.#pending += text;
    if (this.#batching === 0 || this.#pending.length >= 65_536) {
      await this.#flush();
    }
  }

  async #flush(): Promise<void> {
    if (this.#pending === "") return;
    const text = this.#pending;
    this.#pending = "";
    this.#writer ??= (this.#stdout ?? Deno.stdout.writable).getWriter();
    await this.#writer.write(this.#encoder.encode(text));
  }

  #channel(): Channel {
    return createChannel({
      id: LOCAL_CHANNEL_ID,
      title: this.configuredTitle(),
      type: "group",
    });
  }
}

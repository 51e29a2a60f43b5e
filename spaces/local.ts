/**
 * The local space: a terminal where you talk to your bot.
 *
 * @module
 */

import { requireText } from "./_arguments.ts";
import { LineBatchStream } from "./_lines.ts";
import {
  type FileInput,
  type PostMessageRequest,
  type SignalOptions,
  Space,
  type SpaceOptions,
} from "./base.ts";
import { type Channel, createChannel } from "./channel.ts";
import { createMessage, type Message } from "./events.ts";
import { raceAbort } from "./retry.ts";

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

// Only the latest messages are kept for walkMessages(), so a long session
// does not grow without bound.
const HISTORY_LIMIT = 1000;

/**
 * A space on the terminal: user lines come from scripted input or stdin,
 * the bot's messages go to stdout.
 *
 * With scripted input, each line is echoed after the prompt `> `; when all
 * of it was consumed the space prints `^C` and sets `general.switch` to
 * `"off"`, so `run()` ends. Without input, lines are read from stdin until
 * its end, which also switches the space off.
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
  #stdin?: ReadableStream<Uint8Array>;
  #stdout?: WritableStream<Uint8Array>;
  #writer?: WritableStreamDefaultWriter<Uint8Array>;
  #lines?: ReadableStreamDefaultReader<string[]>;
  #pendingRead?: Promise<ReadableStreamReadResult<string[]>>;
  #encoder = new TextEncoder();
  // Transcript written during a pull is joined into few writes: one write
  // per line costs a system call each and made piped input 15 times slower.
  #pending = "";
  #batching = 0;
  #participants = new Map<string, Set<string>>();
  #history: Message[] = [];

  /**
   * Makes a local space.
   *
   * @param options Scripted input, streams, and the options of every space.
   */
  constructor(options: LocalSpaceOptions = {}) {
    super(options);
    this.#stdin = options.stdin;
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
    this.#history = this.#history.filter((message) => message.channelId !== id);
    this.#participants.delete(id);
  }

  /** The one channel. */
  override async listGroupChannels(): Promise<Channel[]> {
    return [this.#channel()];
  }

  /** The latest messages of the channel, newest first. */
  override async *walkMessages(id: string): AsyncIterable<Message> {
    requireText(id, "walkMessages", "id");
    for (let index = this.#history.length - 1; index >= 0; index--) {
      const message = this.#history[index];
      if (message.channelId === id) yield message;
    }
  }

  /** Writes the text (or the content) and the file name to stdout. */
  protected override async sendMessage(
    request: PostMessageRequest,
  ): Promise<Message> {
    const text = request.text || request.content || "";
    const lines = text ? [text] : [];
    if (request.file !== undefined) lines.push(`[${fileName(request.file)}]`);
    await this.#write(lines.join("\n") + "\n");
    const botId = this.context.get<string | undefined>("bot.id");
    const message = createMessage({
      text,
      content: request.content || text,
      fromId: botId,
      channelId: request.id ?? request.person,
      isDirect: request.person !== undefined,
    });
    this.#remember(message);
    return message;
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
      const batch = await this.#readBatch(options.signal);
      if (batch === undefined) return;
      if (batch === null) {
        this.context.set("general.switch", "off");
        return;
      }
      const echo = this.#stdin !== undefined || !Deno.stdin.isTerminal();
      for (const line of batch) {
        if (echo && line.trim()) await this.#write(`> ${line}\n`);
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
      await this.#write(`> ${line}\n`);
      await this.#hear(line);
    }
    this.#script = [];
    this.#head = 0;
    if (this.isSwitchedOn) {
      await this.#write("^C\n");
      this.context.set("general.switch", "off");
    }
  }

  /** @returns a batch of lines, `null` at the end of stdin, `undefined` on abort. */
  async #readBatch(
    signal?: AbortSignal,
  ): Promise<string[] | null | undefined> {
    if (signal?.aborted) return undefined;
    if (!this.#lines) {
      const stdin = this.#stdin ?? Deno.stdin.readable;
      this.#lines = stdin
        .pipeThrough(new TextDecoderStream())
        .pipeThrough(new LineBatchStream())
        .getReader();
    }
    if (!this.#pendingRead) {
      if (this.#stdin === undefined && Deno.stdin.isTerminal()) {
        await this.#write("> ");
      }
      await this.#flush();
      this.#pendingRead = this.#lines.read();
    }
    // An abort leaves the read pending, to be taken by the next pull.
    const result = await raceAbort(this.#pendingRead, signal);
    if (result === undefined) return undefined;
    this.#pendingRead = undefined;
    return result.done ? null : result.value;
  }

  async #hear(line: string): Promise<void> {
    if (!line.trim()) return;
    const botId = this.context.get<string | undefined>("bot.id");
    const message = createMessage({
      text: line,
      content: line,
      fromId: LOCAL_USER_ID,
      channelId: LOCAL_CHANNEL_ID,
      mentionedIds: botId ? [botId] : [],
      isDirect: false,
    });
    this.#remember(message);
    await this.ears.put(message);
  }

  #remember(message: Message): void {
    this.#history.push(message);
    if (this.#history.length > 2 * HISTORY_LIMIT) {
      this.#history = this.#history.slice(-HISTORY_LIMIT);
    }
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

function fileName(file: FileInput): string {
  if (typeof file === "string") return file.split(/[\\/]/).pop() || file;
  if (file instanceof URL) return file.pathname.split("/").pop() || file.href;
  if (file instanceof File) return file.name;
  if (file instanceof Blob) return "file";
  return file.name;
}

import {
  Context,
  createMessage,
  LocalSpace,
  type Message,
  type MessageInit,
  type PostMessageRequest,
  type Space,
} from "../mod.ts";

/** A local space whose posts are recorded instead of printed. */
export function recordingSpace(settings: Record<string, unknown> = {}) {
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const space = new LocalSpace({
    input: [],
    stdout: new WritableStream(),
    context: new Context(settings, { env: () => undefined }),
    logger: { debug: log, info: log, warn: log, error: log },
  });
  const posted: PostMessageRequest[] = [];
  space.postMessage = ((request: PostMessageRequest) => {
    posted.push(request);
    return Promise.resolve(createMessage({ text: request.text }));
  }) as Space["postMessage"];
  /** The texts posted so far. */
  const texts = () => posted.map((request) => request.text);
  return { space, posted, texts, logs };
}

/** A message from alice in channel c1. */
export function said(text: string, init: MessageInit = {}): Message {
  return createMessage({
    text,
    channelId: "c1",
    fromId: "p-alice",
    fromLabel: "alice@acme.com",
    ...init,
  });
}

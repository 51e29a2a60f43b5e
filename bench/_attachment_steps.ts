/**
 * The steps of the attachment benchmark: each moves one file through the
 * fake Webex, up or down, by the library's path or a plain `fetch`
 * baseline. A step runs in a process of its own (see `attachments.ts`).
 *
 * @module
 */

import { Context, quietLogger, WebexSpace } from "../mod.ts";

/** What a step process is given, as JSON after `--step`. */
export interface StepInput {
  step: string;
  fake: { url: string; token: string; roomId: string };
  warmUp: { path: string; url: string };
  source: { path: string; url: string };
  dir: string;
}

/** What a step process prints, as one JSON line. */
export interface StepOutput {
  bytes: number;
  seconds: number;
  rssBefore: number;
  peak: number;
  /** V8's `external` memory (array buffers) when the step ended. */
  externalAfter: number;
  method: string;
  gc: boolean;
  /** The content URL of an upload. */
  url?: string;
  /** The file a download saved. */
  path?: string;
}

export interface Moved {
  bytes: number;
  url?: string;
  path?: string;
}

export type Mover = (
  input: StepInput,
  space: WebexSpace,
  file: { path: string; url: string },
  dir: string,
) => Promise<Moved>;

export interface Step {
  id: string;
  name: string;
  direction: "upload" | "download";
  kind: "library" | "baseline";
  move: Mover;
}

export const STEPS: Step[] = [
  {
    id: "upload",
    name: "postMessage({ file })",
    direction: "upload",
    kind: "library",
    async move({ fake }, space, file) {
      const message = await space.postMessage({
        id: fake.roomId,
        file: file.path,
      });
      return { bytes: (await Deno.stat(file.path)).size, url: message.url };
    },
  },
  {
    id: "fetch-post",
    name: "fetch POST multipart",
    direction: "upload",
    kind: "baseline",
    async move({ fake }, _space, file) {
      // The fewest bytes around the file's own stream that make a message.
      const boundary = "bench-boundary";
      const encoder = new TextEncoder();
      const head = encoder.encode(
        `--${boundary}\r\nContent-Disposition: form-data; name="roomId"\r\n\r\n${fake.roomId}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="baseline.bin"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\n`,
      );
      const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
      const readable = (await Deno.open(file.path)).readable;
      const response = await fetch(`${fake.url}/messages`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${fake.token}`,
          "content-type": `multipart/form-data; boundary=${boundary}`,
        },
        body: ReadableStream.from((async function* () {
          yield head;
          yield* readable;
          yield tail;
        })()),
      });
      const json = await response.json();
      return { bytes: (await Deno.stat(file.path)).size, url: json.files?.[0] };
    },
  },
  {
    id: "download",
    name: "downloadAttachment()",
    direction: "download",
    kind: "library",
    async move(_input, space, file, dir) {
      const path = await space.downloadAttachment(file.url, { dir });
      return { bytes: (await Deno.stat(path)).size, path };
    },
  },
  {
    id: "get-read",
    name: "getAttachment() read",
    direction: "download",
    kind: "library",
    async move(_input, space, file) {
      let bytes = 0;
      for await (const chunk of await space.getAttachment(file.url)) {
        bytes += chunk.byteLength;
      }
      return { bytes };
    },
  },
  {
    id: "fetch-get-file",
    name: "fetch GET to file",
    direction: "download",
    kind: "baseline",
    async move({ fake }, _space, file, dir) {
      const path = `${dir}/baseline.bin`;
      const response = await fetch(file.url, {
        headers: { authorization: `Bearer ${fake.token}` },
      });
      const out = await Deno.open(path, { write: true, createNew: true });
      await response.body!.pipeTo(out.writable);
      return { bytes: (await Deno.stat(path)).size, path };
    },
  },
  {
    id: "fetch-get-read",
    name: "fetch GET read",
    direction: "download",
    kind: "baseline",
    async move({ fake }, _space, file) {
      const response = await fetch(file.url, {
        headers: { authorization: `Bearer ${fake.token}` },
      });
      let bytes = 0;
      for await (const chunk of response.body!) bytes += chunk.byteLength;
      return { bytes };
    },
  },
];

/** A space on the fake, connected. */
export async function connect(fake: StepInput["fake"]): Promise<WebexSpace> {
  const space = new WebexSpace({
    context: new Context({ space: { room: "Bench" } }, {
      env: () => undefined,
    }),
    token: fake.token,
    apiUrl: fake.url,
    logger: quietLogger,
  });
  await space.connect();
  return space;
}

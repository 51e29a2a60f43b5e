/**
 * Contents (uploaded files) and the `/contents/{id}` endpoint, which streams
 * the stored chunks without joining them.
 *
 * @module
 */

import { create } from "content-disposition";
import { HttpError, MESSAGES } from "./_http.ts";
import type { Handler } from "./_router.ts";
import type { ContentRecord, State } from "./_state.ts";
import { fakeWebexId, parseFakeWebexId } from "./ids.ts";

/** Stores a file for a room and returns its record. */
export function storeContent(
  state: State,
  init: {
    name: string;
    type: string;
    chunks: Uint8Array[];
    size: number;
    roomUuid: string;
  },
): ContentRecord {
  const uuid = crypto.randomUUID();
  const content: ContentRecord = {
    uuid,
    id: fakeWebexId("CONTENT", uuid),
    ...init,
    state: "ready",
    retryAfter: 0,
  };
  state.contents.set(uuid, content);
  return content;
}

/** The URL of a content, as found in `message.files`. */
export function contentUrl(state: State, content: ContentRecord): string {
  return `${state.apiUrl}/contents/${content.id}`;
}

/** The content behind an id or a content URL, or `undefined`. */
export function lookupContent(
  state: State,
  idOrUrl: string,
): ContentRecord | undefined {
  const uuid = parseFakeWebexId(idOrUrl.slice(idOrUrl.lastIndexOf("/") + 1))
    ?.uuid;
  return uuid ? state.contents.get(uuid) : undefined;
}

/** Forgets the contents of a message's files. */
export function deleteContents(
  state: State,
  urls: readonly string[] = [],
): void {
  for (const url of urls) {
    const content = lookupContent(state, url);
    if (content) state.contents.delete(content.uuid);
  }
}

/** The media type guessed from a file name, for files given by URL. */
export function typeOfName(name: string): string {
  const extension = name.slice(name.lastIndexOf(".") + 1).toLowerCase();
  const types: Record<string, string> = {
    txt: "text/plain",
    md: "text/markdown",
    pdf: "application/pdf",
    png: "image/png",
    jpg: "image/jpeg",
    jpeg: "image/jpeg",
    gif: "image/gif",
    json: "application/json",
    zip: "application/zip",
  };
  return types[extension] ?? "application/octet-stream";
}

/**
 * RFC 6266, as Webex answers: the name, plus `filename*` and an ASCII
 * fallback with `_` for each other character when the name is not ASCII.
 */
export function contentDisposition(name: string): string {
  return create(name, { fallback: name.replace(/[^\x20-\x7e]/g, "_") });
}

function streamOf(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (index < chunks.length) controller.enqueue(chunks[index++]);
      else controller.close();
    },
  }, { highWaterMark: 0 });
}

const answer: Handler = ({ state, request, id, caller }) => {
  const content = state.find(state.contents, "CONTENT", id);
  if (!state.membership(content.roomUuid, caller.uuid)) {
    throw new HttpError(404, MESSAGES.notFound);
  }
  switch (content.state) {
    case "scanning":
      throw new HttpError(
        423,
        "The file is being scanned for malware; try again later.",
        {
          "retry-after": String(content.retryAfter),
        },
      );
    case "removed":
      throw new HttpError(410, "The file has been removed.");
    case "unscannable":
      throw new HttpError(428, "The file could not be scanned for malware.");
  }
  const headers = {
    "content-type": content.type,
    "content-length": String(content.size),
    "content-disposition": contentDisposition(content.name),
  };
  return new Response(
    request.method === "HEAD" ? null : streamOf(content.chunks),
    { headers },
  );
};

/** The `/contents/{id}` endpoints. */
export const contentRoutes: Record<string, Handler> = {
  "GET /contents/{id}": answer,
  "HEAD /contents/{id}": answer,
};

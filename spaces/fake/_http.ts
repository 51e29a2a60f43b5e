/**
 * Small HTTP helpers shared by the fake's endpoints: errors, JSON answers,
 * request bodies and cursor pagination.
 *
 * @module
 */

/** An answer other than 2xx, thrown by handlers and turned into an error body by the router. */
export class HttpError extends Error {
  /** HTTP status to answer. */
  readonly status: number;
  /** Extra headers, such as `Retry-After`. */
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** Messages close to the real service's for the common statuses. */
export const MESSAGES = {
  notFound: "The requested resource could not be found.",
  unauthorized:
    "The request requires a valid access token set in the Authorization request header.",
  tooMany:
    "Too many requests have been made. Please retry after the delay given in Retry-After.",
} as const;

/** A tracking id shaped like the real service's. */
export function newTrackingId(): string {
  return `ROUTER_${crypto.randomUUID().toUpperCase()}`;
}

/** A JSON answer; status 200 unless told. */
export function json(
  body: unknown,
  status = 200,
  headers: HeadersInit = {},
): Response {
  const response = new Response(JSON.stringify(body), { status, headers });
  response.headers.set("content-type", "application/json;charset=UTF-8");
  return response;
}

/** The 204 answer of a delete. */
export function noContent(): Response {
  return new Response(null, { status: 204 });
}

/** The real service's error body, with its tracking id. */
export function errorResponse(
  status: number,
  message: string,
  trackingId: string,
  headers: Record<string, string> = {},
): Response {
  return json(
    { message, errors: [{ description: message }], trackingId },
    status,
    headers,
  );
}

const MAX_JSON_BYTES = 1024 * 1024;

/** Reads a JSON object body; 400 when it is not one. */
export async function readJsonObject(
  request: Request,
): Promise<Record<string, unknown>> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_JSON_BYTES) {
    await request.body?.cancel();
    throw new HttpError(
      400,
      `The request body is larger than ${MAX_JSON_BYTES} bytes.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(await request.text());
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "The request body must be a JSON object.");
  }
  return value as Record<string, unknown>;
}

/** A string field of a body, or `undefined`; 400 when present with another type. */
export function optionalString(
  body: Record<string, unknown>,
  name: string,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new HttpError(400, `Field '${name}' must be a string.`);
  }
  return value;
}

/** A string field that must be present and non-empty. */
export function requiredString(
  body: Record<string, unknown>,
  name: string,
): string {
  const value = optionalString(body, name);
  if (!value) throw new HttpError(400, `Field '${name}' is required.`);
  return value;
}

/** A boolean field of a body, or `undefined`. */
export function optionalBoolean(
  body: Record<string, unknown>,
  name: string,
): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "boolean") {
    throw new HttpError(400, `Field '${name}' must be a boolean.`);
  }
  return value;
}

/** The `max` query parameter: its default when absent, silently capped, 400 when not a positive integer. */
export function parseMax(url: URL, defaultMax: number, cap: number): number {
  const raw = url.searchParams.get("max");
  if (raw === null || raw === "") return defaultMax;
  const max = Number(raw);
  if (!Number.isInteger(max) || max < 1) {
    throw new HttpError(
      400,
      `Query parameter 'max' must be a positive integer, got '${raw}'.`,
    );
  }
  return Math.min(max, cap);
}

/** A `Link` header value pointing to `url` with some query parameters replaced. */
export function nextLink(
  url: URL,
  params: Record<string, string | undefined>,
): string {
  const next = new URL(url);
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) next.searchParams.delete(name);
    else next.searchParams.set(name, value);
  }
  return `<${next.href}>; rel="next"`;
}

/** A sort key: lists are sorted ascending by it, and the cursor is the last key served. */
export type SortKey = number | string;

function encodeCursor(key: SortKey): string {
  return typeof key === "number" ? `n${key}` : `s${key}`;
}

function decodeCursor(cursor: string): SortKey {
  if (cursor.startsWith("n") && Number.isFinite(Number(cursor.slice(1)))) {
    return Number(cursor.slice(1));
  }
  if (cursor.startsWith("s")) return cursor.slice(1);
  throw new HttpError(
    400,
    `Query parameter 'cursor' is not valid: '${cursor}'.`,
  );
}

/**
 * Answers one page of a list sorted ascending by `key`.
 *
 * The next page starts after the last key served rather than at an offset,
 * so items created or deleted between two pages neither repeat nor vanish.
 */
export function pageOf<T>(
  url: URL,
  items: readonly T[],
  key: (item: T) => SortKey,
  max: number,
  render: (item: T) => unknown,
): Response {
  const cursor = url.searchParams.get("cursor");
  let start = 0;
  if (cursor) {
    const after = decodeCursor(cursor);
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (key(items[middle]) <= after) low = middle + 1;
      else high = middle;
    }
    start = low;
  }
  const slice = items.slice(start, start + max);
  const headers: Record<string, string> = {};
  if (start + max < items.length) {
    headers.link = nextLink(url, {
      cursor: encodeCursor(key(slice[slice.length - 1])),
    });
  }
  return json({ items: slice.map(render) }, 200, headers);
}

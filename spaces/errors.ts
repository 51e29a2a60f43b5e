/**
 * The errors that @shellbot/spaces throws on purpose.
 *
 * Every one is a {@linkcode SpacesError}, so a caller can tell "the library
 * refused" from any other failure with one `instanceof`. Messages say what was
 * wrong and what to do; none ever contains a token or a webhook secret.
 *
 * @module
 */

/**
 * Base class of every error thrown on purpose by this library.
 *
 * @example Tell the library's errors from others
 * ```ts
 * import { SpacesError } from "@shellbot/spaces";
 *
 * try {
 *   throw new SpacesError("Something went wrong: try again later");
 * } catch (error) {
 *   if (error instanceof SpacesError) console.log(error.message);
 * }
 * ```
 */
export class SpacesError extends Error {
  /**
   * Makes an error with a message that says what to do.
   *
   * @param message What was wrong and what to do about it.
   * @param options The underlying `cause`, when there is one.
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A setting is missing or invalid.
 *
 * The message names the setting, and the environment variable that can
 * provide it when there is one.
 *
 * @example Catch a configuration problem
 * ```ts
 * import { ConfigurationError, Context } from "@shellbot/spaces";
 *
 * try {
 *   new Context().check("space.room", { isMandatory: true });
 * } catch (error) {
 *   if (error instanceof ConfigurationError) console.log(error.key); // "space.room"
 * }
 * ```
 */
export class ConfigurationError extends SpacesError {
  /** The dotted settings key at fault, such as `space.token`. */
  readonly key?: string;

  /**
   * Makes a configuration error.
   *
   * @param message What was wrong and which setting or variable to set.
   * @param options The settings `key` at fault and an optional `cause`.
   */
  constructor(message: string, options?: ErrorOptions & { key?: string }) {
    super(message, options);
    if (options?.key !== undefined) this.key = options.key;
  }
}

/** The details an {@linkcode ApiError} carries. */
export interface ApiErrorDetails {
  /** HTTP status of the answer. */
  status: number;
  /** HTTP method of the request, such as `GET`. */
  method: string;
  /** Path of the request below the API URL, without the host. */
  path: string;
  /** The service's tracking id of the request, which its support asks for. */
  trackingId?: string;
  /**
   * Milliseconds the server asked to wait before trying again (429, 423,
   * 503), from its `Retry-After` header.
   */
  retryAfter?: number;
  /** The message the server gave, when there was one. */
  serverMessage?: string;
  /** The underlying error, when there is one. */
  cause?: unknown;
  /** The service that answered, such as `Webex`, named in the message. */
  service?: string;
}

/**
 * The back end answered with an error status.
 *
 * @example Read the status and tracking id
 * ```ts
 * import { ApiError } from "@shellbot/spaces";
 *
 * const error = new ApiError({ status: 404, method: "GET", path: "/rooms/x", trackingId: "T1" });
 * console.log(error.status, error.trackingId);
 * ```
 */
export class ApiError extends SpacesError {
  /** HTTP status of the answer. */
  readonly status: number;
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request below the API URL. */
  readonly path: string;
  /** The service's tracking id, for support. */
  readonly trackingId?: string;
  /** Milliseconds the server asked to wait before trying again. */
  readonly retryAfter?: number;
  /** The message the server gave, when there was one. */
  readonly serverMessage?: string;
  /** The service that answered, such as `Webex`, when it was given. */
  readonly service?: string;

  /**
   * Makes an API error from what the server answered.
   *
   * @param details Status, method, path and what the server said.
   */
  constructor(details: ApiErrorDetails) {
    super(describeApiError(details), { cause: details.cause });
    this.status = details.status;
    this.method = details.method;
    this.path = details.path;
    if (details.service !== undefined) this.service = details.service;
    if (details.trackingId !== undefined) this.trackingId = details.trackingId;
    if (details.retryAfter !== undefined) this.retryAfter = details.retryAfter;
    if (details.serverMessage !== undefined) {
      this.serverMessage = details.serverMessage;
    }
  }
}

function describeApiError(details: ApiErrorDetails): string {
  const said = details.serverMessage ? `: ${details.serverMessage}` : "";
  const hint = STATUS_HINTS[details.status] ?? "";
  const tracking = details.trackingId
    ? ` (tracking id ${details.trackingId})`
    : "";
  return `${
    details.service ?? "The back end"
  } answered ${details.status} to ${details.method} ${details.path}${said}${tracking}${hint}`;
}

const STATUS_HINTS: Record<number, string> = {
  401: ". Check that the token is valid and belongs to this bot",
  403: ". The bot may not do this here: check its membership and rights",
  404: ". The object does not exist or the bot cannot see it",
  410: ". The file was removed or found infected",
  429: ". Too many requests: wait and try again",
};

/** The details a {@linkcode NetworkError} carries. */
export interface NetworkErrorDetails {
  /** HTTP method of the request, such as `GET`. */
  method: string;
  /** Path of the request below the API URL, without the host. */
  path: string;
  /** The failure that `fetch` raised, or the timeout. */
  cause: unknown;
  /** The service that could not be reached, such as `Webex`. */
  service?: string;
  /** What to check, told after the failure. @default "Check the network" */
  hint?: string;
}

/**
 * The network failed before the back end answered.
 *
 * The original failure is kept as `cause`.
 *
 * @example Tell network failures from API errors
 * ```ts
 * import { NetworkError } from "@shellbot/spaces";
 *
 * const error = new NetworkError({
 *   method: "GET",
 *   path: "/people/me",
 *   cause: new TypeError("connection refused"),
 *   service: "Webex",
 * });
 * console.log(error.message); // "Could not reach Webex for GET /people/me: ..."
 * ```
 */
export class NetworkError extends SpacesError {
  /** HTTP method of the request. */
  readonly method: string;
  /** Path of the request below the API URL. */
  readonly path: string;
  /** The service that could not be reached, such as `Webex`, when given. */
  readonly service?: string;

  /**
   * Makes a network error.
   *
   * @param details Method, path, the failure as `cause`, and the service.
   */
  constructor(details: NetworkErrorDetails) {
    const { method, path, cause } = details;
    const service = details.service ?? "the back end";
    const reason = cause instanceof Error ? `: ${cause.message}` : "";
    const hint = details.hint ?? "Check the network";
    super(
      `Could not reach ${service} for ${method} ${path}${reason}. ${hint}`,
      {
        cause,
      },
    );
    this.method = method;
    this.path = path;
    if (details.service !== undefined) this.service = details.service;
  }
}

/**
 * Some parts of an operation failed while others succeeded; `errors` holds
 * each failure. Calling the operation again retries the parts that failed.
 *
 * @example Read the failures of a partial deregister
 * ```ts
 * import { PartialFailureError } from "@shellbot/spaces";
 *
 * const error = new PartialFailureError(
 *   "Could not remove 1 webhook(s): call deregister() again",
 *   [new Error("429")],
 * );
 * console.log(error.errors.length); // 1
 * ```
 */
export class PartialFailureError extends SpacesError {
  /** The failures, one per part that failed. */
  readonly errors: unknown[];

  /**
   * Makes a partial failure.
   *
   * @param message What failed and what to do.
   * @param errors The failures; the first is also the `cause`.
   */
  constructor(message: string, errors: readonly unknown[]) {
    super(message, { cause: errors[0] });
    this.errors = [...errors];
  }
}

/**
 * A webhook delivery's signature is missing or wrong.
 *
 * @example Refuse a delivery
 * ```ts
 * import { SignatureError } from "@shellbot/spaces";
 *
 * const error = new SignatureError("The X-Spark-Signature header is missing");
 * console.log(error.name); // "SignatureError"
 * ```
 */
export class SignatureError extends SpacesError {}

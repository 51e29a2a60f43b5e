/**
 * The API URL of a Webex client: where a path goes, which URLs may see the
 * token, and what of a URL may appear in errors and logs.
 *
 * @module
 */

import type { WebexRequestOptions } from "./client_options.ts";

/** A checked API URL, without a trailing slash. */
export class ApiUrl {
  /** The URL, such as `https://webexapis.com/v1`. */
  readonly href: string;
  /** Its origin: the only one that is sent the token. */
  readonly origin: string;

  /**
   * @param apiUrl An http(s) URL; a trailing slash is tolerated.
   * @throws {TypeError} When it is not an http(s) URL.
   */
  constructor(apiUrl: string) {
    const href = apiUrl.replace(/\/+$/, "");
    const parsed = URL.parse(href);
    if (!parsed) {
      throw new TypeError(
        `Cannot make a Webex client: the API URL '${href}' is not a URL`,
      );
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw new TypeError(
        `Cannot make a Webex client: the API URL '${href}' is not http or https`,
      );
    }
    this.href = href;
    this.origin = parsed.origin;
  }

  /** Tells a URL of the API's own origin. */
  isOwn(url: string): boolean {
    return new URL(url).origin === this.origin;
  }

  /** The absolute URL of a path (or an absolute URL), with the query. */
  resolve(pathOrUrl: string, query?: WebexRequestOptions["query"]): string {
    const base = /^https?:\/\//i.test(pathOrUrl)
      ? pathOrUrl
      : `${this.href}${pathOrUrl.startsWith("/") ? "" : "/"}${pathOrUrl}`;
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) params.append(key, String(value));
    }
    const search = params.toString();
    if (!search) return base;
    return `${base}${base.includes("?") ? "&" : "?"}${search}`;
  }

  /** The path of `url` for errors and logs: never the host. */
  pathOf(url: string): string {
    if (url.startsWith(`${this.href}/`) || url.startsWith(`${this.href}?`)) {
      return url.slice(this.href.length);
    }
    const parsed = URL.parse(url);
    if (!parsed) return url;
    // Another host's query may carry its own signature: leave it out.
    return parsed.origin === this.origin
      ? `${parsed.pathname}${parsed.search}`
      : parsed.pathname;
  }
}

/**
 * The playground serves this machine only: a page on another site must not
 * reach it, not even through DNS rebinding (a name of the attacker's that
 * points at 127.0.0.1 makes the page same-origin, so that it may set any
 * header). The Host must name the loopback and the port, and a write that
 * says where it comes from must come from such an origin.
 *
 * @module
 */

/** Names of the loopback a browser or a program may use for the page. */
const LOOPBACK = ["127.0.0.1", "localhost", "[::1]"];

/**
 * Why a request is refused, or `undefined` when it may go on.
 *
 * @param request The request to the playground.
 * @param port The port the page listens on (0 before it listens).
 * @returns A message for a 403, or `undefined`.
 */
export function refuseForeign(
  request: Request,
  port: number,
): string | undefined {
  const hosts = localHosts(port);
  const host = request.headers.get("host")?.toLowerCase();
  if (host === undefined || !hosts.includes(host)) {
    return "The playground answers only on 127.0.0.1, localhost or [::1]";
  }
  // A fetch of this page's own script says its origin; one from elsewhere
  // says another one. Programs (the fake's deliveries, the bot's calls)
  // send no Origin at all.
  const origin = request.headers.get("origin");
  if (
    origin !== null && request.method !== "GET" &&
    request.method !== "HEAD" &&
    !hosts.some((name) => origin.toLowerCase() === `http://${name}`)
  ) {
    return "The playground takes writes only from its own page";
  }
  return undefined;
}

function localHosts(port: number): string[] {
  if (port === 0) return [];
  const named = LOOPBACK.map((name) => `${name}:${port}`);
  // Clients leave the default port out of Host and Origin.
  return port === 80 ? [...named, ...LOOPBACK] : named;
}

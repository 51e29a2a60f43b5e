/**
 * A public address in front of a server that is not listening yet, as a
 * load balancer or a tunnel is: the webhooks need their URL before
 * `startServer` tells its port.
 */
export function frontDoor(): {
  url: string;
  forwardTo(address: string): void;
  close(): Promise<void>;
} {
  const target = Promise.withResolvers<string>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      try {
        return await fetch(
          `${await target.promise}${url.pathname}${url.search}`,
          {
            method: request.method,
            headers: request.headers,
            body: request.body,
          },
        );
      } catch {
        // The server behind stopped (the session is ending): what a load
        // balancer says, not a stack trace on the terminal.
        return new Response(null, { status: 502 });
      }
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    forwardTo: (address) => target.resolve(address),
    close: () => server.shutdown(),
  };
}

import { Context, WebexSpace } from "../mod.ts";
import { FakeWebex } from "../testing.ts";

/** A FakeWebex with a user and a room, and a connected WebexSpace on it. */
export async function webexFixture(settings: Record<string, unknown> = {}) {
  const webex = await FakeWebex.start();
  const alice = webex.addUser({
    email: "alice@acme.com",
    displayName: "Alice",
  });
  const bob = webex.addUser({ email: "bob@acme.com", displayName: "Bob" });
  const room = webex.addRoom({ title: "Ops", members: [alice] });
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const space = new WebexSpace({
    context: new Context({ space: { room: "Ops", ...settings } }, {
      env: () => undefined,
    }),
    token: webex.bot.token,
    apiUrl: webex.url,
    logger: { debug: log, info: log, warn: log, error: log },
  });
  await space.connect();
  return {
    webex,
    space,
    alice,
    bob,
    roomId: String(room.id),
    logs,
    [Symbol.asyncDispose]: () => webex.close(),
  };
}

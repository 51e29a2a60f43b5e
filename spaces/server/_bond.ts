import type { WebexSpace } from "../webex/space.ts";

/**
 * Connects the space and bonds to the room `space.room`: the two reads
 * (`/people/me` and the room lookup) go to Webex at once; the room is
 * created, with its participants, only once `ready` resolves, so that a
 * start that fails before never changes anything at Webex. An error of the
 * identity call wins over one of the lookup, as when they ran in turn.
 *
 * @param ready What must succeed before anything is written to Webex.
 */
export async function connectAndBond(
  space: WebexSpace,
  ready: Promise<unknown>,
): Promise<void> {
  const title = space.configuredTitle();
  const connected = space.connect();
  const found = space.getByTitle(title);
  // Both are awaited below, after `ready`: a failure that comes first must
  // not count as an unhandled rejection meanwhile.
  connected.catch(() => {});
  found.catch(() => {});
  await ready;
  await connected;
  let channel = await found;
  if (!channel) {
    channel = await space.create(title);
    const persons = space.context.get<string[]>("space.participants", []);
    if (persons.length > 0) await space.addParticipants(channel.id, persons);
  }
  space.context.set("space.id", channel.id);
}

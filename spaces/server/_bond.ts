import type { WebexSpace } from "../webex/space.ts";

/** Finds or creates the room `space.room`, adding participants to a new one. */
export async function bond(space: WebexSpace): Promise<void> {
  const title = space.configuredTitle();
  let channel = await space.getByTitle(title);
  if (!channel) {
    channel = await space.create(title);
    const persons = space.context.get<string[]>("space.participants", []);
    if (persons.length > 0) await space.addParticipants(channel.id, persons);
  }
  space.context.set("space.id", channel.id);
}

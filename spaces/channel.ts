/**
 * Channels: the rooms of a space where persons and the bot talk.
 *
 * @module
 */

import { withoutUndefined } from "./_objects.ts";

/** A channel (a room) of a space. */
export interface Channel {
  /** Id at the back end. */
  id: string;
  /** Title; in a direct channel, the other person's name. */
  title: string;
  /** Kind of channel, when the back end tells. */
  type?: "group" | "direct" | "team";
  /** True for a channel with several persons. */
  isGroup: boolean;
  /** True for a channel that belongs to a team. */
  isTeam: boolean;
  /** True for a one-to-one channel. */
  isDirect: boolean;
  /** True when only moderators may change the channel. */
  isModerated: boolean;
  /** Id of the team the channel belongs to. */
  teamId?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

/** What {@linkcode createChannel} needs. */
export interface ChannelInit {
  /** Id at the back end. */
  id: string;
  /** Title of the channel. */
  title: string;
  /** Kind of channel. @default "group" */
  type?: "group" | "direct" | "team";
  /** True when only moderators may change the channel. @default false */
  isModerated?: boolean;
  /** Id of the team the channel belongs to. */
  teamId?: string;
  /** The platform's own JSON. */
  raw?: Record<string, unknown>;
}

/**
 * Builds a {@linkcode Channel}, deriving `isGroup`, `isDirect` and `isTeam`
 * from the type and the team.
 *
 * @param init Id, title, type and the rest.
 * @returns The channel, without fields that have no value.
 *
 * @example A team room
 * ```ts
 * import { createChannel } from "@shellbot/spaces";
 *
 * const channel = createChannel({ id: "r1", title: "Ops", teamId: "t1" });
 * console.log(channel.isGroup, channel.isTeam); // true true
 * ```
 */
export function createChannel(init: ChannelInit): Channel {
  const type = init.type ?? "group";
  return withoutUndefined({
    id: init.id,
    title: init.title,
    type,
    isGroup: type !== "direct",
    isTeam: type === "team" || init.teamId !== undefined,
    isDirect: type === "direct",
    isModerated: init.isModerated ?? false,
    teamId: init.teamId,
    raw: init.raw,
  });
}

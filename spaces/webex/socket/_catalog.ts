/**
 * Region discovery: the U2C catalog names the device service (WDM) of the
 * token's region, and the hosts whose cluster goes into REST ids. A device
 * registered in another region gets a socket that never delivers, so the
 * WDM URL is never guessed.
 *
 * @module
 */

import { SpacesError } from "../../errors.ts";
import type { WebexClient } from "../client.ts";

/** One entry of the catalog's `hostCatalog`. */
export interface HostEntry {
  host?: string;
  /** Such as `urn:TEAM:us-west-2_r:conversation`. */
  id?: string;
}

/** What the socket needs from the catalog. */
export interface Catalog {
  /** The device service, such as `https://wdm-a.wbx2.com/wdm/api/v1`. */
  wdmUrl: string;
  /** Host → its entries, to find the cluster of a conversation URL. */
  hostCatalog: Record<string, HostEntry[]>;
}

/** `Authorization` for the hosts that are not the API's own. */
export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

/**
 * Reads the catalog (`GET {u2c}?format=hostmap`).
 *
 * @throws {SpacesError} When the answer names no device service.
 * @throws {ApiError | NetworkError} When the catalog cannot be read.
 */
export async function discoverRegion(
  client: WebexClient,
  u2cUrl: string,
  token: string,
  signal?: AbortSignal,
): Promise<Catalog> {
  const answer = await client.get<Record<string, unknown> | undefined>(
    u2cUrl,
    { query: { format: "hostmap" }, headers: bearer(token), signal },
  );
  const links = answer?.serviceLinks as Record<string, unknown> | undefined;
  const wdm = links?.wdm;
  if (typeof wdm !== "string" || !URL.parse(wdm)) {
    throw new SpacesError("The Webex region catalog names no device service");
  }
  const hosts = answer?.hostCatalog;
  return {
    wdmUrl: wdm.replace(/\/+$/, ""),
    hostCatalog: typeof hosts === "object" && hosts !== null
      ? hosts as Record<string, HostEntry[]>
      : {},
  };
}

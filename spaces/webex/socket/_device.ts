/**
 * The device (WDM registration) that a Webex websocket belongs to: reused
 * by name across restarts, registered with a ttl, refreshed, and deleted
 * when the space stops.
 *
 * @module
 */

import { ApiError } from "../../errors.ts";
import type { Logger } from "../../log.ts";
import { messageOf } from "../../_objects.ts";
import type { WebexClient } from "../client.ts";
import { bearer } from "./_catalog.ts";

/** A registered device, as WDM answers it. */
export interface Device {
  /** The device's own URL: `PUT` refreshes it, `DELETE` deletes it. */
  url: string;
  /** Where its socket opens. */
  webSocketUrl: string;
  name?: string;
  creationTime?: string;
}

/** What {@linkcode Devices} needs. */
export interface DevicesInit {
  client: WebexClient;
  token: string;
  /** The device service of the region. */
  wdmUrl: string;
  /** The name to reuse. */
  name: string;
  /** Lifetime of the registration, ms. */
  ttl: number;
  logger: Logger;
}

/** Registers, reuses, refreshes and deletes devices of one token. */
export class Devices {
  #init: DevicesInit;

  constructor(init: DevicesInit) {
    this.#init = init;
  }

  /** A device of ours refreshed, else a new one. */
  async ensure(signal?: AbortSignal): Promise<Device> {
    const mine = (await this.#list(signal))
      .filter((device) => device.name === this.#init.name)
      .sort(byCreation);
    const reused = mine.length > 0
      ? await this.refresh(mine[mine.length - 1], signal)
      : undefined;
    return reused ?? await this.register(signal);
  }

  /**
   * Registers a new device. "Excessive device registrations" (403): the
   * oldest third of the token's devices are deleted, then it tries once more.
   */
  async register(signal?: AbortSignal): Promise<Device> {
    try {
      return await this.#post(signal);
    } catch (error) {
      if (!isExcessive(error)) throw error;
      await this.#cleanUp(signal);
      return await this.#post(signal);
    }
  }

  /** Refreshes a device: the same device, or `undefined` when WDM forgot it (404). */
  async refresh(
    device: Device,
    signal?: AbortSignal,
  ): Promise<Device | undefined> {
    try {
      return checked(
        await this.#init.client.put<unknown>(device.url, this.#body(), {
          headers: bearer(this.#init.token),
          signal,
        }),
      );
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Deletes a device; a failure is logged, never thrown. */
  async remove(device: Device, signal?: AbortSignal): Promise<void> {
    try {
      await this.#init.client.delete(device.url, {
        headers: bearer(this.#init.token),
        signal,
      });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return;
      this.#init.logger.warn(
        `Could not delete the Webex websocket device: ${messageOf(error)}`,
      );
    }
  }

  async #post(signal?: AbortSignal): Promise<Device> {
    return checked(
      await this.#init.client.post<unknown>(
        `${this.#init.wdmUrl}/devices`,
        this.#body(),
        {
          query: { includeUpstreamServices: "all" },
          headers: bearer(this.#init.token),
          signal,
        },
      ),
    );
  }

  async #list(signal?: AbortSignal): Promise<Device[]> {
    const answer = await this.#init.client.get<{ devices?: unknown }>(
      `${this.#init.wdmUrl}/devices`,
      { headers: bearer(this.#init.token), signal },
    );
    const devices = Array.isArray(answer?.devices) ? answer.devices : [];
    return devices.filter(isDevice);
  }

  async #cleanUp(signal?: AbortSignal): Promise<void> {
    const devices = (await this.#list(signal)).sort(byCreation);
    const oldest = devices.slice(0, Math.max(1, Math.ceil(devices.length / 3)));
    this.#init.logger.warn(
      `Webex refused a new device (too many registrations); deleting the ${oldest.length} oldest`,
    );
    for (const device of oldest) await this.remove(device, signal);
  }

  #body(): Record<string, unknown> {
    const { name, ttl } = this.#init;
    return {
      deviceName: name,
      deviceType: "DESKTOP",
      localizedModel: "shellbot",
      model: "shellbot",
      name,
      systemName: "shellbot-spaces",
      systemVersion: "1",
      ttl: Math.max(1, Math.round(ttl / 1000)),
    };
  }
}

function isExcessive(error: unknown): boolean {
  return error instanceof ApiError && error.status === 403 &&
    /excessive device registrations/i.test(
      error.serverMessage ?? error.message,
    );
}

function isDevice(value: unknown): value is Device {
  const device = value as Partial<Device> | null;
  return typeof device?.url === "string" &&
    typeof device.webSocketUrl === "string";
}

function checked(value: unknown): Device {
  if (!isDevice(value)) {
    throw new TypeError("Webex answered a device without url or webSocketUrl");
  }
  return value;
}

function byCreation(a: Device, b: Device): number {
  return String(a.creationTime ?? "").localeCompare(
    String(b.creationTime ?? ""),
  );
}

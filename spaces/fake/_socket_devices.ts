/**
 * The region catalog (U2C) and the device service (WDM) of the fake's
 * websocket: registration with a per-person limit ("excessive device
 * registrations"), refresh, listing and deletion.
 *
 * @module
 */

import {
  errorResponse,
  HttpError,
  json,
  MESSAGES,
  newTrackingId,
  noContent,
} from "./_http.ts";
import type { PersonRecord, State } from "./_state.ts";
import { CONVERSATION_HOST } from "./_socket_activity.ts";
import type { FakeEnvelope } from "./_socket_types.ts";

/** A registered device. */
export interface DeviceRecord {
  uuid: string;
  ownerUuid: string;
  name: string;
  creationTime: string;
  seq: number;
  /** Envelopes sent and not acknowledged yet, by id, oldest first. */
  unacked: Map<string, FakeEnvelope>;
}

/** Paths below the fake's origin. */
export const U2C_PATH = "/u2c/api/v1/catalog";
export const WDM_PATH = "/wdm/api/v1";
export const MERCURY_PATH = "/mercury/api/v1/apps/wx2/registrations";

/** The settings of the catalog and devices that tests may change. */
export interface DeviceRules {
  /** A status for the catalog to fail with, or `false`. */
  catalogFailure(): number | false;
  /** Devices a person may have before a registration is refused. */
  deviceLimit(): number;
  /** The catalog entry of the conversation host, whose first parts name the cluster. */
  clusterId(): string;
}

/** Answers the catalog and device endpoints. */
export class DeviceService {
  readonly devices = new Map<string, DeviceRecord>();
  /** Told when a device is deleted, so that its sockets close. */
  onForget: (uuid: string) => void = () => {};
  #state: State;
  #rules: DeviceRules;
  #origin = "";

  constructor(state: State, rules: DeviceRules) {
    this.#state = state;
    this.#rules = rules;
  }

  /** The fake's origin, known once it listens. */
  set origin(origin: string) {
    this.#origin = origin;
  }

  /** A device as WDM renders it. */
  render(device: DeviceRecord): Record<string, unknown> {
    const ws = this.#origin.replace(/^http/, "ws");
    return {
      url: `${this.#origin}${WDM_PATH}/devices/${device.uuid}`,
      webSocketUrl: `${ws}${MERCURY_PATH}/${device.uuid}/messages`,
      userId: device.ownerUuid,
      name: device.name,
      deviceType: "DESKTOP",
      creationTime: device.creationTime,
      services: {},
      features: { developer: [], entitlement: [], user: [] },
    };
  }

  /** Registers a device for a person, as a test helper or the endpoint does. */
  register(owner: PersonRecord, name: string): DeviceRecord {
    const mine = [...this.devices.values()].filter((device) =>
      device.ownerUuid === owner.uuid
    );
    if (mine.length >= this.#rules.deviceLimit()) {
      throw new HttpError(403, "User has excessive device registrations");
    }
    const device: DeviceRecord = {
      uuid: crypto.randomUUID(),
      ownerUuid: owner.uuid,
      name,
      creationTime: this.#state.now(),
      seq: this.#state.nextSeq(),
      unacked: new Map(),
    };
    this.devices.set(device.uuid, device);
    return device;
  }

  /** Answers a catalog or device request; `undefined` for other paths. */
  async handle(request: Request, url: URL): Promise<Response | undefined> {
    const path = url.pathname;
    if (path !== U2C_PATH && !path.startsWith(`${WDM_PATH}/devices`)) {
      return undefined;
    }
    try {
      const caller = this.#caller(request);
      if (path === U2C_PATH) return this.#catalog(request);
      const rest = path.slice(`${WDM_PATH}/devices`.length);
      if (rest === "" || rest === "/") return await this.#all(request, caller);
      const device = this.devices.get(rest.slice(1));
      if (!device || device.ownerUuid !== caller.uuid) {
        await request.body?.cancel();
        throw new HttpError(404, MESSAGES.notFound);
      }
      return await this.#one(request, device);
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      return errorResponse(error.status, error.message, newTrackingId());
    }
  }

  /** Removes a device; its sockets are closed by the caller. */
  forget(uuid: string): void {
    this.devices.delete(uuid);
    this.onForget(uuid);
  }

  #caller(request: Request): PersonRecord {
    const token = /^Bearer\s+(\S+)$/i.exec(
      request.headers.get("authorization") ?? "",
    )?.[1];
    const caller = token ? this.#state.tokens.get(token) : undefined;
    if (!caller) throw new HttpError(401, MESSAGES.unauthorized);
    return caller;
  }

  #catalog(request: Request): Response {
    if (request.method !== "GET") throw new HttpError(405, "GET only.");
    if (this.#rules.catalogFailure() !== false) {
      throw new HttpError(
        this.#rules.catalogFailure() as number,
        "The catalog is down.",
      );
    }
    return json({
      serviceLinks: {
        wdm: `${this.#origin}${WDM_PATH}`,
        hydra: this.#state.apiUrl,
      },
      hostCatalog: {
        [CONVERSATION_HOST]: [{
          host: CONVERSATION_HOST,
          id: `${this.#rules.clusterId()}:conversation`,
          priority: 5,
        }],
      },
      format: "hostmap",
    });
  }

  async #all(request: Request, caller: PersonRecord): Promise<Response> {
    const mine = [...this.devices.values()]
      .filter((device) => device.ownerUuid === caller.uuid)
      .sort((a, b) => a.seq - b.seq);
    switch (request.method) {
      case "GET":
        return json({ devices: mine.map((device) => this.render(device)) });
      case "POST": {
        const body = await request.json().catch(() => undefined);
        const name = typeof body?.name === "string" ? body.name : "device";
        return json(this.render(this.register(caller, name)));
      }
      case "DELETE":
        for (const device of mine) this.forget(device.uuid);
        return noContent();
      default:
        throw new HttpError(405, "Not allowed.");
    }
  }

  async #one(request: Request, device: DeviceRecord): Promise<Response> {
    switch (request.method) {
      case "GET":
        return json(this.render(device));
      case "PUT":
        await request.body?.cancel();
        return json(this.render(device));
      case "DELETE":
        this.forget(device.uuid);
        return noContent();
      default:
        await request.body?.cancel();
        throw new HttpError(405, "Not allowed.");
    }
  }
}

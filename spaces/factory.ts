/**
 * Makes spaces by type name, from settings.
 *
 * @module
 */

import { Space, type SpaceOptions } from "./base.ts";
import type { Context } from "./context.ts";
import { ConfigurationError } from "./errors.ts";
import { LocalSpace } from "./local.ts";
import { WebexSpace } from "./webex/space.ts";

/** A class of space that the factory can make. */
export type SpaceClass = new (options?: SpaceOptions) => Space;

const registry = new Map<string, SpaceClass>([
  ["space", Space],
  ["local", LocalSpace],
  ["webex", WebexSpace],
  ["spark", WebexSpace],
]);

/**
 * Makes spaces by type name. All members are static.
 *
 * Known types: `space`, `local`, `webex` and `spark` (the same class);
 * plugins add theirs with {@linkcode SpaceFactory.register}.
 *
 * @example Build the space that the settings name
 * ```ts
 * import { Context, SpaceFactory } from "@shellbot/spaces";
 *
 * const context = new Context({ space: { type: "local", title: "Demo" } });
 * const space = SpaceFactory.build(context, { input: ["hello"] });
 * console.log(space.configuredTitle()); // "Demo"
 * ```
 */
export class SpaceFactory {
  /** The known types, from name to class. */
  static get types(): ReadonlyMap<string, SpaceClass> {
    return new Map(registry);
  }

  /**
   * Adds a type of space, or replaces the class of a known one.
   *
   * @param type The name used in `space.type`.
   * @param spaceClass The class to instantiate.
   */
  static register(type: string, spaceClass: SpaceClass): void {
    if (typeof type !== "string" || type.trim() === "") {
      throw new TypeError(
        "SpaceFactory.register() needs a non-empty type name",
      );
    }
    registry.set(type, spaceClass);
  }

  /**
   * Reads the type of space that the settings ask for.
   *
   * @param context Settings holding `space.type`.
   * @returns The type name.
   * @throws {ConfigurationError} When `space.type` is missing, empty or unknown.
   */
  static sense(context: Context): string {
    const type = context.get<unknown>("space.type");
    if (typeof type !== "string" || type.trim() === "") {
      throw new ConfigurationError(
        `Missing setting 'space.type': set it to one of ${knownTypes()}`,
        { key: "space.type" },
      );
    }
    if (!registry.has(type)) throw unknownType(type);
    return type;
  }

  /**
   * Makes a space of a type.
   *
   * @param type A known type name.
   * @param options Options of the space's constructor.
   * @returns The new space.
   * @throws {ConfigurationError} When the type is unknown.
   */
  static get(type: string, options: SpaceOptions = {}): Space {
    const spaceClass = registry.get(type);
    if (!spaceClass) throw unknownType(type);
    return new spaceClass(options);
  }

  /**
   * Makes the space that `space.type` names, with this context.
   *
   * @param context The settings.
   * @param options More options of the space's constructor.
   * @returns The new space.
   * @throws {ConfigurationError} When `space.type` is missing or unknown.
   */
  static build(context: Context, options: SpaceOptions = {}): Space {
    return SpaceFactory.get(SpaceFactory.sense(context), {
      context,
      ...options,
    });
  }
}

function knownTypes(): string {
  return [...registry.keys()].map((name) => `'${name}'`).join(", ");
}

function unknownType(type: string): ConfigurationError {
  return new ConfigurationError(
    `Unknown space type '${type}': use one of ${knownTypes()}`,
    { key: "space.type" },
  );
}

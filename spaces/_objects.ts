/** Drops the keys whose value is `undefined`, so JSON round trips are exact. */
export function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/** True for a plain object literal (not an array, a Date, a class instance). */
export function isPlainObject(
  value: unknown,
): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The message of a thrown value, for a log line or another error. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

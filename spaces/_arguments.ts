/**
 * Refuses an empty or missing string argument with a `TypeError` that names
 * the method and the parameter.
 */
export function requireText(
  value: unknown,
  method: string,
  parameter: string,
): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(
      `${method}() needs a non-empty ${parameter}, got ${
        value === "" ? "an empty string" : typeof value
      }`,
    );
  }
  return value;
}

/** Splits a comma-separated string, or copies a list, dropping blanks. */
export function listOf(value: unknown): string[] {
  const items = typeof value === "string"
    ? value.split(",")
    : Array.isArray(value)
    ? value.map(String)
    : [];
  return items.map((item) => item.trim()).filter((item) => item !== "");
}

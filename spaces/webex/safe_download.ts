/**
 * Safe file names for downloads: a name chosen by someone else never picks
 * where a file lands, and never overwrites one. Private to the library: the
 * tests in `tests/safe_download_test.ts` show its use.
 *
 * @module
 */

import { join } from "node:path";
import { SpacesError } from "../errors.ts";

/** The name used when nothing usable is left of the one given. */
const FALLBACK_NAME = "attachment";
/** Leaves room for " (n)" and stays under the common 255-byte limit. */
const MAX_NAME_BYTES = 200;
const MAX_EXTENSION_BYTES = 32;
const MAX_ATTEMPTS = 10_000;
// Control characters, zero-width characters, line separators and the bidi
// overrides that disguise an extension ("gpj.exe" shown as "exe.jpg").
const INVISIBLE =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// Characters Windows refuses in names; replaced so a name stays portable.
const RESERVED = /[<>:"|?*]/g;
const WINDOWS_DEVICES = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;
const encoder = new TextEncoder();

/**
 * Makes a name from someone else safe to use as a file name in a folder.
 *
 * Keeps the last meaningful part after any `/` or `\`, so directories and
 * `..` go; removes control and invisible characters; replaces the
 * characters Windows reserves with `_`; strips leading dots (no hidden
 * files, no `..`) and trailing dots and spaces; guards Windows device
 * names; and limits the result to 200 UTF-8 bytes, keeping the extension.
 *
 * @param name The proposed name, such as a `Content-Disposition` file name.
 * @returns A non-empty name without separators; `attachment` when nothing
 * usable is left.
 */
export function sanitiseFileName(name: string | undefined): string {
  if (typeof name !== "string") return FALLBACK_NAME;
  const parts = name.toWellFormed().normalize("NFC").split(/[\\/]/);
  for (let index = parts.length - 1; index >= 0; index--) {
    const cleaned = cleanPart(parts[index]);
    if (cleaned !== "") return cleaned;
  }
  return FALLBACK_NAME;
}

function cleanPart(part: string): string {
  let name = part.replace(INVISIBLE, "").replace(RESERVED, "_")
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  if (WINDOWS_DEVICES.test(name)) name = `_${name}`;
  return limitBytes(name);
}

function limitBytes(name: string): string {
  if (encoder.encode(name).byteLength <= MAX_NAME_BYTES) return name;
  let { stem, extension } = splitExtension(name);
  if (encoder.encode(extension).byteLength > MAX_EXTENSION_BYTES) {
    stem = name;
    extension = "";
  }
  const budget = MAX_NAME_BYTES - encoder.encode(extension).byteLength;
  let kept = "";
  let used = 0;
  for (const char of stem) {
    const size = encoder.encode(char).byteLength;
    if (used + size > budget) break;
    kept += char;
    used += size;
  }
  return kept.replace(/[.\s]+$/, "") + extension;
}

function splitExtension(name: string): { stem: string; extension: string } {
  const dot = name.lastIndexOf(".");
  if (dot <= 0) return { stem: name, extension: "" };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** Options of {@linkcode createUniqueFile}. */
export interface CreateUniqueFileOptions {
  /** Stops the search for a free name. */
  signal?: AbortSignal;
}

/**
 * Creates a new file in `dir` named after `name`, made safe with
 * {@linkcode sanitiseFileName}, without ever overwriting a file.
 *
 * The file is opened with `createNew`, so the check and the creation are one
 * step the file system guarantees; when the name is taken (even by a
 * dangling symbolic link) it tries `name (1).ext`, `name (2).ext`, and so on.
 * The path is always directly inside `dir`.
 *
 * @param dir The folder to create the file in; it must exist.
 * @param name The proposed file name, possibly hostile.
 * @param options A `signal` to stop the search.
 * @returns The path of the new file and the file, open for writing.
 * @throws {SpacesError} When no free name was found.
 * @throws {Deno.errors.NotFound} When `dir` does not exist.
 */
export async function createUniqueFile(
  dir: string,
  name: string,
  options?: CreateUniqueFileOptions,
): Promise<{ path: string; file: Deno.FsFile }> {
  return await firstFreeName(dir, name, options, async (path) => ({
    path,
    file: await Deno.open(path, { write: true, createNew: true }),
  }));
}

/**
 * Writes a stream to a new file in `dir` named after `name` (made safe,
 * never overwriting): the bytes go to a hidden `.shellbot-*.part` file
 * first, which is linked under the final name only once complete, so a
 * failed, cut or interrupted download never leaves a partial file under
 * that name. The part file is removed in every case.
 *
 * @param dir The folder; it must exist.
 * @param name The proposed file name, possibly hostile.
 * @param body The bytes.
 * @param options A `signal` to stop.
 * @returns The path of the saved file.
 */
export async function saveUnique(
  dir: string,
  name: string,
  body: ReadableStream<Uint8Array>,
  options?: CreateUniqueFileOptions,
): Promise<string> {
  const part = join(dir, `.shellbot-${crypto.randomUUID()}.part`);
  const file = await Deno.open(part, { write: true, createNew: true });
  try {
    await body.pipeTo(file.writable, { signal: options?.signal });
    return await linkUnique(dir, name, part, options);
  } finally {
    await Deno.remove(part).catch(() => {});
  }
}

/** Links `source` under the first free name for `name` in `dir`. */
function linkUnique(
  dir: string,
  name: string,
  source: string,
  options?: CreateUniqueFileOptions,
): Promise<string> {
  // A hard link fails when the name exists, as createNew does.
  return firstFreeName(dir, name, options, async (path) => {
    await Deno.link(source, path);
    return path;
  });
}

/**
 * Calls `claim` with `name` made safe in `dir`, then with `name (1)`,
 * `name (2)`... until one does not exist yet; `claim` must fail with
 * `AlreadyExists` when it does, so that no file is ever overwritten.
 */
async function firstFreeName<T>(
  dir: string,
  name: string,
  options: CreateUniqueFileOptions | undefined,
  claim: (path: string) => Promise<T>,
): Promise<T> {
  const safe = sanitiseFileName(name);
  const { stem, extension } = splitExtension(safe);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    options?.signal?.throwIfAborted();
    const candidate = attempt === 0 ? safe : `${stem} (${attempt})${extension}`;
    try {
      return await claim(join(dir, candidate));
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    }
  }
  throw new SpacesError(
    `Cannot save "${safe}" in ${dir}: ${MAX_ATTEMPTS} files of that name already exist. Choose another folder`,
  );
}

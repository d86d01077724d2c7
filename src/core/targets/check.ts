/**
 * What the validators share: a collector of problems and warnings with the file and field each is in, how a found
 * value is named in a message, URI schemes, and reading a folder's JSON files a few at a time.
 */
import type { FolderEntry, FolderProblem, FolderView, FolderWarning } from "./types.js";

/** Metadata files read at once: enough to hide a disk's or ZIP's latency, few enough to keep memory flat. */
export const READ_CONCURRENCY_FILES = 32;

/** A JSON value read from a file, before any check. */
export type Json = unknown;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** How a value found in a file is named in a message: "the number 7", "the string \"7\"", "an array", "nothing". */
export function describeFound(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return value.length === 0 ? "an empty array" : "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === "number") return `the number ${value}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (typeof value === "object") return "an object";
  return String(value);
}

/** `attributes[2].value` from ["attributes", 2, "value"]. */
export function fieldPath(path: ReadonlyArray<string | number>): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** Collects every problem of a validation run and counts its warnings. */
export class Findings {
  readonly problems: FolderProblem[] = [];
  private readonly warningsByRule = new Map<string, FolderWarning>();

  problem(rule: string, file: string, field: string | undefined, detail: string): void {
    const head = [file, field].filter((p): p is string => p !== undefined && p !== "").join(": ");
    this.problems.push({ rule, file, ...(field !== undefined && field !== "" ? { field } : {}), detail, message: head ? `${head}: ${detail}` : detail });
  }

  /** A warning about `file`; the same rule on later files only adds to its count (the message names the first). */
  warn(rule: string, file: string, message: string): void {
    const seen = this.warningsByRule.get(rule);
    if (seen) seen.count++;
    else this.warningsByRule.set(rule, { rule, file, count: 1, message });
  }

  get warnings(): FolderWarning[] {
    return [...this.warningsByRule.values()].map((w) => ({
      ...w,
      message: w.count > 1 ? `${w.file} and ${w.count - 1} more: ${w.message}` : `${w.file}: ${w.message}`,
    }));
  }
}

/** Problems of one file: `at(path)` reports against a field. */
export class FileCheck {
  constructor(
    readonly findings: Findings,
    readonly file: string,
  ) {}

  problem(rule: string, path: ReadonlyArray<string | number>, detail: string): void {
    this.findings.problem(rule, this.file, fieldPath(path), detail);
  }

  warn(rule: string, message: string): void {
    this.findings.warn(rule, this.file, message);
  }
}

/** The scheme of a URI ("ipfs", "https"), lower-case, or undefined where it has none (a bare file name). */
export function uriScheme(uri: string): string | undefined {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  return m?.[1]?.toLowerCase();
}

/** Schemes a marketplace fetches metadata media from (OpenSea's metadata standards page; CIP-25 asks the same). */
export const MEDIA_URI_SCHEMES = ["ipfs", "ar", "https", "http", "data"] as const;

/** Checks that a media URI has one of `schemes`, naming them. Returns whether it did. */
export function checkScheme(check: FileCheck, rule: string, path: ReadonlyArray<string | number>, uri: string, schemes: readonly string[], why: string): boolean {
  const scheme = uriScheme(uri);
  if (scheme !== undefined && schemes.includes(scheme)) return true;
  const found = scheme === undefined ? `${describeFound(uri)}, which has no scheme` : `the scheme "${scheme}:" in ${describeFound(uri)}`;
  check.problem(rule, path, `expected a URI starting ${schemes.map((s) => `${s}:`).join(", ")} (${why}), found ${found}`);
  return false;
}

/** Files (not folders) directly under `dir`, by name, sorted in byte order. */
export async function fileNames(view: FolderView, dir: string): Promise<string[]> {
  return (await view.list(dir))
    .filter((e) => !e.folder)
    .map((e) => e.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `dir/name`, or `name` at the folder's root. */
export function joinPath(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/** The folder entry `name` under `dir`, if there is one. */
export async function entryOf(view: FolderView, dir: string, name: string): Promise<FolderEntry | undefined> {
  return (await view.list(dir)).find((e) => e.name === name);
}

/**
 * Reads each named file of `dir` as JSON, READ_CONCURRENCY_FILES at a time, and hands each parsed value to
 * `visit` in the order of `names`; a file that does not parse is a problem under `rule` (named "<target>.json").
 */
export async function forEachJson(
  view: FolderView,
  dir: string,
  names: readonly string[],
  findings: Findings,
  rule: string,
  visit: (name: string, value: Json) => void,
): Promise<void> {
  for (let i = 0; i < names.length; i += READ_CONCURRENCY_FILES) {
    const batch = names.slice(i, i + READ_CONCURRENCY_FILES);
    const texts = await Promise.all(
      batch.map(async (name) => {
        try {
          return { ok: true as const, text: await view.readText(joinPath(dir, name)) };
        } catch (e) {
          return { ok: false as const, why: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    batch.forEach((name, k) => {
      const read = texts[k];
      if (!read) return;
      if (!read.ok) {
        findings.problem(rule, name, undefined, `expected a readable file, found one that cannot be read (${read.why})`);
        return;
      }
      let value: Json;
      try {
        // A UTF-8 byte order mark is not JSON: serde_json (Sugar) and JSON.parse both refuse it.
        value = JSON.parse(read.text);
      } catch (e) {
        const why = (e instanceof Error ? e.message : String(e)).split("\n")[0] ?? "";
        findings.problem(rule, name, undefined, `expected JSON, found text that does not parse (${why})`);
        return;
      }
      visit(name, value);
    });
  }
}

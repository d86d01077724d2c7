import { TraitloomError } from "./errors.js";

/** Extensions read as trait images (lower case, with the dot). */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp"] as const;

/**
 * Named weights as the datlips/HashLips forks write them (`Eyes#Rare.png`). A config's `namedWeights`
 * replaces single entries. Each step is roughly half as likely as the one before, Mythic about 1 in 100.
 */
export const DEFAULT_NAMED_WEIGHTS: Readonly<Record<string, number>> = {
  Common: 100,
  Uncommon: 50,
  Rare: 20,
  Epic: 8,
  Legendary: 3,
  Mythic: 1,
};

/** Which file-name convention carries the weight. */
export type WeightSyntax = "auto" | "hashlips" | "nftool";

export interface ParsedTraitName {
  name: string;
  /** The weight written in the name, or undefined where the name carries none (weight 1 then). */
  weight: number | undefined;
}

const NUMBER_RE = /^\d+(?:[.,]\d+)?$/;
const NFTOOL_RE = /^(\d+(?:[.,]\d+)?)-(.+)$/;
const JUNK_NAMES = new Set([".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db", "icon\r"]);

const JUNK_FOLDERS = new Set(["__macosx", ".git", "node_modules"]);

/** Folders that are never layers (macOS ZIP leftovers, version control, hidden folders): skipped, never an error. */
export function isJunkFolder(folderName: string): boolean {
  return folderName.startsWith(".") || JUNK_FOLDERS.has(folderName.toLowerCase());
}

/** OS and editor junk that sits in layer folders and is skipped, never an error. */
export function isJunkFile(fileName: string): boolean {
  return fileName.startsWith(".") || fileName.startsWith("._") || JUNK_NAMES.has(fileName.toLowerCase()) || fileName.endsWith("~");
}

/** The extension of an image file name (lower case, with the dot), or undefined where it is not one we read. */
export function imageExtension(fileName: string): string | undefined {
  const lower = fileName.toLowerCase();
  return IMAGE_EXTENSIONS.find((ext) => lower.endsWith(ext) && lower.length > ext.length);
}

function stripExtension(fileName: string): string {
  const ext = imageExtension(fileName);
  return ext ? fileName.slice(0, fileName.length - ext.length) : fileName;
}

function parseNumber(text: string): number {
  return Number.parseFloat(text.replace(",", "."));
}

function lookupNamedWeight(word: string, named: Readonly<Record<string, number>>): number | undefined {
  const wanted = word.toLowerCase();
  for (const [key, value] of Object.entries(named)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** True where the file name is written nftool style, `weight-Name.png`. */
export function looksNftool(fileName: string): boolean {
  const base = stripExtension(fileName);
  return !base.includes("#") && NFTOOL_RE.test(base);
}

/** A trait file name as read: the name and weight, or what was expected and found (the message after the path). */
export type TraitNameReading = ({ ok: true } & ParsedTraitName) | { ok: false; detail: string };

/**
 * Reads a trait's name and weight from its file name, as parseTraitFileName does, but returns a problem
 * instead of throwing it, so that a folder's every bad name can be listed in one pass.
 */
export function readTraitFileName(
  fileName: string,
  syntax: Exclude<WeightSyntax, "auto"> = "hashlips",
  namedWeights: Readonly<Record<string, number>> = DEFAULT_NAMED_WEIGHTS,
): TraitNameReading {
  const base = stripExtension(fileName);
  let name: string;
  let weight: number | undefined;
  const hash = base.lastIndexOf("#");
  if (syntax === "nftool" && hash < 0) {
    const m = NFTOOL_RE.exec(base);
    if (!m?.[1] || !m[2]) return { ok: false, detail: `expected an nftool name "<weight>-<Name>", found "${fileName}"` };
    weight = parseNumber(m[1]);
    name = m[2].trim();
  } else if (hash >= 0) {
    name = base.slice(0, hash).trim();
    const text = base.slice(hash + 1).trim();
    if (NUMBER_RE.test(text)) weight = parseNumber(text);
    else {
      weight = lookupNamedWeight(text, namedWeights);
      if (weight === undefined) {
        const names = Object.keys(namedWeights).join(", ");
        return { ok: false, detail: `weight after "#" must be a number >= 0 (like #12, #0.5, #0,5) or a named weight (${names}), found "${text}"` };
      }
    }
  } else {
    name = base.trim();
    weight = undefined;
  }
  if (name.length === 0) return { ok: false, detail: `expected a trait name before the weight, found "${fileName}"` };
  if (weight !== undefined && !Number.isFinite(weight)) return { ok: false, detail: `weight must be a finite number, found "${fileName}"` };
  return { ok: true, name, weight };
}

/**
 * Reads a trait's name and weight from its file name: HashLips `Name#12.png`, decimals `Name#0.5.png` and
 * `Name#0,5.png`, named weights `Name#Rare.png`, nftool `12-Name.png` (with `syntax: "nftool"`), or no weight.
 * A weight that does not parse is an error naming the file (HashLips silently reads it as 1).
 *
 * @example parseTraitFileName("Eyes/Blue#0,5.png", "Blue#0,5.png") // { name: "Blue", weight: 0.5 }
 */
export function parseTraitFileName(
  displayPath: string,
  fileName: string,
  syntax: Exclude<WeightSyntax, "auto"> = "hashlips",
  namedWeights: Readonly<Record<string, number>> = DEFAULT_NAMED_WEIGHTS,
): ParsedTraitName {
  const read = readTraitFileName(fileName, syntax, namedWeights);
  if (!read.ok) throw new TraitloomError("BAD_WEIGHT", `${displayPath}: ${read.detail}`);
  return { name: read.name, weight: read.weight };
}

/** Splits `01-Background` into order 1 and name `Background`; a folder without a numeric prefix has no order. */
export function parseLayerFolderName(folder: string): { name: string; order: number | undefined } {
  const m = /^(\d+)\s*[-_.]\s*(.+)$/.exec(folder);
  if (m?.[1] && m[2]?.trim()) return { name: m[2].trim(), order: Number.parseInt(m[1], 10) };
  return { name: folder.trim(), order: undefined };
}

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

/**
 * A trait file name as read: the name and weight, with what the user should hear about how it was read
 * (`warnings`, each the message after the file's path), or what was expected and found (the message after the path).
 */
export type TraitNameReading = ({ ok: true; warnings: string[] } & ParsedTraitName) | { ok: false; detail: string };

/**
 * A name as it is compared and written: Unicode NFC, so "Café" typed on one system and unpacked from a macOS ZIP
 * (NFD, "e" + combining accent) on another is one name, not two that print the same.
 */
export function canonicalName(name: string): string {
  return name.normalize("NFC");
}

/** Where a name read from a file had white space at its ends, which is cut: a warning (the space would not show). */
function spacesWarning(raw: string, name: string): string | undefined {
  if (raw === name) return undefined;
  // HashLips keeps the space ("shirt one " in nftchef's own sample), so a folder moved over reads differently.
  return `expected a trait name without spaces at its ends, found "${raw}"; read as "${name}" (HashLips keeps the spaces)`;
}

/**
 * Reads a trait's name and weight from its file name, as parseTraitFileName does, but returns a problem
 * instead of throwing it, so that a folder's every bad name can be listed in one pass, and says in `warnings`
 * where the name was read in a way the user may not expect (several "#", spaces at its ends).
 */
export function readTraitFileName(
  fileName: string,
  syntax: Exclude<WeightSyntax, "auto"> = "hashlips",
  namedWeights: Readonly<Record<string, number>> = DEFAULT_NAMED_WEIGHTS,
): TraitNameReading {
  const base = stripExtension(fileName);
  const warnings: string[] = [];
  let raw: string;
  let weight: number | undefined;
  const hash = base.lastIndexOf("#");
  if (syntax === "nftool" && hash < 0) {
    const m = NFTOOL_RE.exec(base);
    if (!m?.[1] || !m[2]) return { ok: false, detail: `expected an nftool name "<weight>-<Name>", found "${fileName}"` };
    weight = parseNumber(m[1]);
    raw = m[2];
  } else if (hash >= 0) {
    // HashLips v1.1.1: cleanName is `split("#").shift()` (the name ends at the first "#") and getRarityWeight
    // `split("#").pop()` (the weight is after the last one), so "Cap#1#5.png" is trait "Cap", weight 5.
    const first = base.indexOf("#");
    raw = base.slice(0, first);
    const text = base.slice(hash + 1).trim();
    if (NUMBER_RE.test(text)) weight = parseNumber(text);
    else {
      weight = lookupNamedWeight(text, namedWeights);
      if (weight === undefined) {
        const names = Object.keys(namedWeights).join(", ");
        return { ok: false, detail: `expected a weight after "#": a number >= 0 (like #12, #0.5, #0,5) or a named weight (${names}), found "${text}"` };
      }
    }
    if (first !== hash) {
      const count = base.split("#").length - 1;
      const shownWeight = String(weight) === text ? text : `${text} (${weight})`;
      warnings.push(
        `expected one "#" before the weight, found ${count}; read as HashLips reads it: trait "${canonicalName(raw.trim())}" (up to the first "#"), weight ${shownWeight} (after the last "#")`,
      );
    }
  } else {
    raw = base;
    weight = undefined;
  }
  const name = canonicalName(raw.trim());
  if (name.length === 0) return { ok: false, detail: `expected a trait name before the weight, found "${fileName}"` };
  if (weight !== undefined && !Number.isFinite(weight)) return { ok: false, detail: `expected a finite weight, found "${fileName}"` };
  const spaces = spacesWarning(canonicalName(raw), name);
  if (spaces !== undefined) warnings.push(spaces);
  return { ok: true, name, weight, warnings };
}

/**
 * Reads a trait's name and weight from its file name: HashLips `Name#12.png`, decimals `Name#0.5.png` and
 * `Name#0,5.png`, named weights `Name#Rare.png`, nftool `12-Name.png` (with `syntax: "nftool"`), or no weight.
 * A weight that does not parse is an error naming the file (HashLips silently reads it as 1). With several
 * "#" the name ends at the first and the weight follows the last, as HashLips reads them (`Cap#1#5.png`: "Cap", 5).
 * Names are in NFC (canonicalName).
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

/**
 * Splits `01-Background` into order 1 and name `Background` (in NFC, as canonicalName); a folder without a
 * numeric prefix has no order.
 */
export function parseLayerFolderName(folder: string): { name: string; order: number | undefined } {
  const m = /^(\d+)\s*[-_.]\s*(.+)$/.exec(folder);
  if (m?.[1] && m[2]?.trim()) return { name: canonicalName(m[2].trim()), order: Number.parseInt(m[1], 10) };
  return { name: canonicalName(folder.trim()), order: undefined };
}

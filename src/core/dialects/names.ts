/**
 * Reading names the way each engine writes them: extensions, z prefixes, query strings, blend-mode names and
 * named-weight tables. Pure string work; the readers decide what a name means in their dialect.
 */
import { BLEND_MODES, HASHLIPS_MODES, type BlendMode, type Dialect } from "../model.js";
import { DEFAULT_NAMED_WEIGHTS, imageExtension, parseLayerFolderName } from "../weights.js";
import type { NamedWeights } from "./types.js";

/**
 * datlips' `rarity_config` as the user meant it: the fixed number of each band. datlips v1.4.0 itself draws a
 * new number inside the band on every run (DATLIPS_WEIGHT_BANDS; FIELD F9), so its shares change run to run.
 */
export const DATLIPS_NAMED_WEIGHTS: Readonly<Record<string, number>> = {
  Common: 100,
  Uncommon: 56,
  Rare: 31,
  Epic: 15,
  Legendary: 6,
  Mythic: 1,
};

/** The bands datlips v1.4.0 `getRarityWeight` draws each named weight from, on every run. */
export const DATLIPS_WEIGHT_BANDS: Readonly<Record<string, readonly [number, number]>> = {
  Common: [56, 99],
  Uncommon: [31, 55],
  Rare: [15, 30],
  Epic: [6, 14],
  Legendary: [1, 5],
  Mythic: [1, 1],
};

/** The table named weights are read with. */
export function namedWeightTable(named: NamedWeights | undefined, dialect: Dialect): Readonly<Record<string, number>> {
  if (named === "datlips") return DATLIPS_NAMED_WEIGHTS;
  if (named === "traitloom") return DEFAULT_NAMED_WEIGHTS;
  if (named) return { ...(dialect === "datlips" ? DATLIPS_NAMED_WEIGHTS : DEFAULT_NAMED_WEIGHTS), ...named };
  return dialect === "datlips" ? DATLIPS_NAMED_WEIGHTS : DEFAULT_NAMED_WEIGHTS;
}

/** The table's key for a word, case-insensitively. */
export function namedWeightKey(word: string, table: Readonly<Record<string, number>>): string | undefined {
  const wanted = word.toLowerCase();
  return Object.keys(table).find((k) => k.toLowerCase() === wanted);
}

/** A name compared and written: NFC (a macOS ZIP writes NFD). */
export function nfc(name: string): string {
  return name.normalize("NFC");
}

/** The file name without its image extension, or undefined where it is not an image we read. */
export function imageBase(fileName: string): string | undefined {
  const ext = imageExtension(fileName);
  return ext ? fileName.slice(0, fileName.length - ext.length) : undefined;
}

/** A path as a message shows it: in quotes where a part of it starts or ends with white space, so the space shows. */
export function shownPath(path: string): string {
  return /(^|[/#?])\s|\s($|[/#?.])/.test(path) ? JSON.stringify(path) : path;
}

/**
 * A name cut of white space at its ends, with the warning the user gets (naming the file, quoted): the space
 * would not show in a marketplace, and two traits would differ by it alone.
 */
export function trimmedName(raw: string, shown: string, engine: string): { name: string; warning: string | undefined } {
  const name = nfc(raw.trim());
  if (name === nfc(raw)) return { name, warning: undefined };
  return {
    name,
    warning: `${JSON.stringify(shown)}: expected a name without spaces at its ends, found "${raw}"; read as "${name}" (${engine} keeps the spaces and writes "${raw}" into metadata)`,
  };
}

/** nftchef's z flag: `z<int>,` anywhere in a file or folder name (main.js `zflag`, not anchored). */
const NFTCHEF_Z_RE = /z(-?\d+),/;
/** datlips' z prefix: `z<int>$` at the start of a file name (`zindexDelimiter` "$"). */
const DATLIPS_Z_RE = /^z(-?\d+)\$/;

/** A name with its z prefix read and removed. */
export interface ZRead {
  rest: string;
  z: number | undefined;
}

export function readNftchefZ(name: string): ZRead {
  const m = NFTCHEF_Z_RE.exec(name);
  if (!m?.[1]) return { rest: name, z: undefined };
  return { rest: name.slice(0, m.index) + name.slice(m.index + m[0].length), z: Number.parseInt(m[1], 10) };
}

export function readDatlipsZ(name: string): ZRead {
  const m = DATLIPS_Z_RE.exec(name);
  if (!m?.[1]) return { rest: name, z: undefined };
  return { rest: name.slice(m[0].length), z: Number.parseInt(m[1], 10) };
}

/** Traitloom's own dialect takes both: `z-10,` (nftchef) and `z35$` (datlips), absolute. */
export function readAnyZ(name: string): ZRead {
  const d = readDatlipsZ(name);
  if (d.z !== undefined) return d;
  return readNftchefZ(name);
}

/** nftchef's per-file query string `name?blend=multiply&opacity=50.png` (parseQueryString; opacity in percent). */
export interface QueryRead {
  /** The name without the query string. */
  rest: string;
  blend: BlendMode | undefined;
  /** 0-1. */
  opacity: number | undefined;
  /** What was not understood, each the message after the file's path. */
  warnings: string[];
}

export function readQueryString(base: string): QueryRead {
  const q = base.indexOf("?");
  if (q < 0) return { rest: base, blend: undefined, opacity: undefined, warnings: [] };
  const hash = base.indexOf("#", q);
  const text = base.slice(q + 1, hash < 0 ? undefined : hash);
  const rest = base.slice(0, q) + (hash < 0 ? "" : base.slice(hash));
  const out: QueryRead = { rest, blend: undefined, opacity: undefined, warnings: [] };
  for (const setting of text.split("&")) {
    const [key = "", value = ""] = setting.split("=");
    if (key === "blend") {
      const read = readBlend(value);
      if (read.ok) out.blend = read.blend;
      // The canvas ignores an unknown globalCompositeOperation and keeps drawing source-over.
      else out.warnings.push(`blend "${value}" in the file name is not a canvas blend mode; drawn source-over, as nftchef's canvas would`);
    } else if (key === "opacity") {
      const n = Number(value);
      if (Number.isFinite(n) && n >= 0 && n <= 100) out.opacity = n / 100;
      else out.warnings.push(`opacity "${value}" in the file name: expected a percentage 0-100; drawn at 100%, as nftchef's canvas would`);
    } else if (key === "bypassDNA") {
      out.warnings.push(`"bypassDNA" in a file name is not read (nftchef #132: it throws there); set "countsForUniqueness": false on the layer`);
    } else if (key !== "") {
      out.warnings.push(`"${key}" in the file name's query string is not a setting nftchef reads (blend, opacity); left out`);
    }
  }
  return out;
}

/** sharp/libvips and other names users write for canvas modes. */
const OTHER_NAMES: Readonly<Record<string, BlendMode>> = {
  normal: "source-over",
  over: "source-over",
  add: "lighter",
  source: "copy",
  atop: "source-atop",
  in: "source-in",
  out: "source-out",
  "dest-over": "destination-over",
  "dest-in": "destination-in",
  "dest-out": "destination-out",
  "dest-atop": "destination-atop",
  "colour-dodge": "color-dodge",
  "colour-burn": "color-burn",
};

export type BlendRead = { ok: true; blend: BlendMode; warning: string | undefined } | { ok: false; detail: string };

/**
 * A blend mode as written in a config or a file name: a canvas globalCompositeOperation name, a HashLips MODE key
 * (`sourceAtop`, `MODE.colorDodge`) or a sharp name (`over`, `add`). HashLips v1.1.1 (and datlips, which inherits
 * it) maps `sourceAtop` to "source-out"; it is read as source-atop, with a warning saying so.
 */
export function readBlend(text: string): BlendRead {
  const t = text.trim().replace(/^MODE\./, "");
  if ((BLEND_MODES as readonly string[]).includes(t)) return { ok: true, blend: t as BlendMode, warning: undefined };
  const mode = HASHLIPS_MODES[t];
  if (mode) {
    const warning =
      t === "sourceAtop"
        ? `blend "sourceAtop": HashLips v1.1.1 and datlips map MODE.sourceAtop to "source-out" (constants/blend_mode.js), which draws only where the layers below are empty; read as source-atop`
        : undefined;
    return { ok: true, blend: mode, warning };
  }
  const other = OTHER_NAMES[t.toLowerCase()];
  if (other) return { ok: true, blend: other, warning: undefined };
  return { ok: false, detail: `expected a blend mode (${BLEND_MODES.join(", ")}), found "${text}"` };
}

/**
 * A layer folder's name as its dialect reads it: HashLips v2 drops `__z10` (and other `__` settings), nftool
 * a trailing `_` (optional layer), nftchef a `z<int>,` flag (never read as z on a layer folder); all of them
 * drop a numeric order prefix `01-`, as Traitloom does today.
 */
export function cleanLayerName(dialect: Dialect, folderName: string): string {
  let name = folderName;
  if (dialect === "hl2") name = name.split("__")[0] ?? name;
  if (dialect === "nftool") name = name.replace(/_$/, "");
  if (dialect === "nftchef") name = readNftchefZ(name).rest;
  return parseLayerFolderName(name).name;
}

/**
 * `dialect: "auto"`: which engine a folder tree was written for, from the markers only that engine's folders
 * carry (FIELD.md §2). An engine is picked only where every marker points to it; markers of two engines, or
 * none, give Traitloom's own dialect, which reads HashLips folders and takes both z syntaxes.
 */
import type { Dialect, ListedDir } from "../model.js";
import { imageBase, namedWeightKey, DATLIPS_NAMED_WEIGHTS } from "./names.js";
import { isJunkFile, isJunkFolder } from "../weights.js";

export interface DialectChoice {
  dialect: Dialect;
  /** Why, in one line: the marker and where it was found, or the engines whose markers disagree. */
  reason: string;
  /** The file (or folder) that decided it, relative to the layers folder. */
  file?: string | undefined;
}

type Engine = "datlips" | "nftchef" | "hl2";

interface Marker {
  what: string;
  file: string;
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Picks the dialect of a layers folder from its layer folders: named weights (`#Rare`), a `z35$` prefix or a
 * layer named `Variant` → datlips; `z-10,` in a name or a sub-folder with `#` → nftchef; `__w`, `__z`, `__x`,
 * `__y` or an `edge-cases/` folder → hl2; every file `N-Name.png` in folders `NN-Name` → nftool; otherwise, or
 * where two engines' markers meet, traitloom.
 *
 * @example detectDialect(listing.dirs) // { dialect: "nftchef", reason: 'z flag "z1," in Eyes/z1,eye#50', file: "Eyes/z1,eye#50" }
 */
export function detectDialect(layers: readonly ListedDir[]): DialectChoice {
  const first = new Map<Engine, Marker>();
  const mark = (engine: Engine, what: string, file: string): void => {
    if (!first.has(engine)) first.set(engine, { what, file });
  };
  let unweightedRoot: string | undefined;
  let files = 0;
  let nftoolFiles = true;
  let nftoolFolders = true;
  let firstFile: string | undefined;
  const dirs = [...layers].filter((d) => !isJunkFolder(d.name)).sort((a, b) => byteOrder(a.name, b.name));
  for (const layer of dirs) {
    if (layer.name === "Variant") mark("datlips", `a layer named "Variant"`, layer.name);
    if (/__[wzxy]-?\d/.test(layer.name)) mark("hl2", `"__" setting in the layer folder`, layer.name);
    if (!/^\d+-.+$/.test(layer.name)) nftoolFolders = false;
    const walk = (dir: ListedDir, rel: string, depth: number): void => {
      for (const f of [...dir.files].sort((a, b) => byteOrder(a.name, b.name))) {
        if (isJunkFile(f.name)) continue;
        const path = `${rel}/${f.name}`;
        const base = imageBase(f.name);
        if (base === undefined) continue;
        files++;
        firstFile ??= path;
        if (!/^\d+-[^#]+$/.test(base) || depth > 0) nftoolFiles = false;
        const zd = /^z-?\d+\$/.exec(base);
        if (zd) mark("datlips", `z prefix "${zd[0]}"`, path);
        const zc = /z-?\d+,/.exec(base);
        if (zc) mark("nftchef", `z flag "${zc[0]}"`, path);
        const hash = base.lastIndexOf("#");
        if (hash >= 0) {
          const word = base.slice(hash + 1).trim();
          if (namedWeightKey(word, DATLIPS_NAMED_WEIGHTS) !== undefined) mark("datlips", `named weight "#${word}"`, path);
        } else if (depth === 0) unweightedRoot ??= path;
        const hl = /__[wzxy]-?\d/.exec(base);
        if (hl) mark("hl2", `"${hl[0]}" setting`, path);
      }
      for (const d of [...dir.dirs].sort((a, b) => byteOrder(a.name, b.name))) {
        if (isJunkFolder(d.name)) continue;
        const path = `${rel}/${d.name}`;
        if (d.name === "edge-cases" && depth === 0) mark("hl2", `an edge-cases folder`, path);
        const zc = /z-?\d+,/.exec(d.name);
        if (zc) mark("nftchef", `z flag "${zc[0]}"`, path);
        if (d.name.includes("#")) mark("nftchef", `a weighted sub-folder`, path);
        walk(d, path, depth + 1);
      }
    };
    walk(layer, layer.name, 0);
  }
  const engines = [...first.keys()];
  const shown = (e: Engine): string => {
    const m = first.get(e);
    return m ? `${m.what} in ${m.file}` : e;
  };
  const nftool = files > 0 && nftoolFiles && nftoolFolders;
  if (engines.length === 0) {
    if (nftool) return { dialect: "nftool", reason: `every file is "<weight>-<Value>" in folders "NN-<Layer>", as ${firstFile ?? "the first file"}`, file: firstFile };
    return { dialect: "traitloom", reason: "no other engine's markers (named weights, z prefixes, weighted sub-folders, __ settings): read as HashLips folders" };
  }
  if (engines.length > 1 || nftool) {
    const all = engines.map((e) => `${e} (${shown(e)})`);
    if (nftool) all.push(`nftool (every file "<weight>-<Value>")`);
    const firstMarker = first.get(engines[0] as Engine);
    return { dialect: "traitloom", reason: `markers of several engines: ${all.join(" and ")}; read in Traitloom's own dialect, which takes both`, file: firstMarker?.file };
  }
  const engine = engines[0] as Engine;
  const marker = first.get(engine);
  if (engine === "datlips" && unweightedRoot !== undefined) {
    // datlips stops at a root file without a rarity, so such a tree is not one datlips reads.
    return {
      dialect: "traitloom",
      reason: `datlips markers (${shown(engine)}) but a root file without a rarity (${unweightedRoot}), which datlips refuses; read in Traitloom's own dialect`,
      file: marker?.file,
    };
  }
  return { dialect: engine, reason: shown(engine), file: marker?.file };
}

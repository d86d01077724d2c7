/**
 * Traitloom's own dialect (what `init` writes and the studio saves; FIELD.md §6): HashLips files as HashLips
 * reads them (an un-weighted root file is a trait of weight 1; today's weight syntax, named weights, nftool
 * names), `z<int>,` and `z<int>$` as absolute z (layers at 10 × index), nftchef's query strings, and each
 * sub-folder S of the layer resolved in this order:
 *   1. S has `#w` → a nested weighted choice; un-weighted files inside are parts (drawn together, byte order);
 *   2. the layer has `variantOf: P` and S is a trait of P → variant art for that trait of P;
 *   3. S is named like a sibling trait → parts of that trait, drawn whenever it is (datlips sub-traits);
 *   4. S is `edge-cases` → HashLips v2 conditional art;
 *   5. otherwise → a group of parts drawn on every token (nftchef), with a warning.
 * Inside a nested folder, rules 1, 3 and 5 apply.
 */
import type { ListedDir } from "../model.js";
import { entriesOf, finish, resolveVariantOf, type LayerContext } from "./build.js";
import { readEdgeCases } from "./hl2.js";
import { imageBase, namedWeightKey, nfc, readAnyZ, readQueryString } from "./names.js";
import { readNested, type NameReader } from "./nested.js";
import type { LayerRead } from "./types.js";
import { fileTraits, readVariantFolder, reportMissingVariants } from "./variants.js";
import { looksNftool } from "../weights.js";

const NUMBER_RE = /^\d+(?:[.,]\d+)?$/;
const NFTOOL_RE = /^(\d+(?:[.,]\d+)?)-(.+)$/;

/** A name in the traitloom dialect; `nftoolRoot`: the layer's root files are written `12-Name.png`. */
export function traitloomName(ctx: LayerContext, nftoolRoot: boolean): NameReader {
  return (raw, isFile, rel) => {
    let base = isFile ? (imageBase(raw) ?? raw) : raw;
    const zr = readAnyZ(base);
    base = zr.rest;
    let blend;
    let opacity;
    if (isFile) {
      const q = readQueryString(base);
      base = q.rest;
      blend = q.blend;
      opacity = q.opacity;
      for (const w of q.warnings) ctx.warn(rel, w);
    }
    const first = base.indexOf("#");
    const last = base.lastIndexOf("#");
    let weight: number | undefined;
    let rawName = base;
    if (first >= 0) {
      rawName = base.slice(0, first);
      const text = base.slice(last + 1).trim();
      const key = namedWeightKey(text, ctx.named);
      if (NUMBER_RE.test(text)) weight = Number.parseFloat(text.replace(",", "."));
      else if (key !== undefined) weight = ctx.named[key] ?? 0;
      else {
        const names = Object.keys(ctx.named).join(", ");
        ctx.problem("BAD_WEIGHT", rel, `expected a weight after "#": a number >= 0 (like #12, #0.5, #0,5) or a named weight (${names}), found "${text}"`);
        return undefined;
      }
      if (first !== last) {
        ctx.warn(rel, `expected one "#" before the weight, found ${base.split("#").length - 1}; read as HashLips reads it: the name up to the first "#", the weight after the last`);
      }
    } else if (isFile && nftoolRoot && !rel.includes("/")) {
      const m = NFTOOL_RE.exec(base);
      if (m?.[1] && m[2] !== undefined) {
        weight = Number.parseFloat(m[1].replace(",", "."));
        rawName = m[2];
      }
    }
    const name = ctx.cleanName(rawName, rel, "HashLips");
    if (name === undefined) return undefined;
    return { name, weight, z: zr.z, blend, opacity };
  };
}

export function readTraitloom(dir: ListedDir, ctx: LayerContext): LayerRead {
  const rootFiles = entriesOf(dir).files.filter((f) => imageBase(f.name) !== undefined);
  const nftoolRoot = ctx.weightSyntax === "nftool" || (ctx.weightSyntax === "auto" && rootFiles.length > 0 && rootFiles.every((f) => looksNftool(f.name)));
  const read = traitloomName(ctx, nftoolRoot);
  const parent = ctx.options.variantOf !== undefined ? resolveVariantOf(ctx, ctx.options.variantOf) : undefined;
  const variantDirs: ListedDir[] = [];
  const edgeDirs: ListedDir[] = [];
  const root = readNested(ctx, dir, {
    read,
    rootFile: "trait",
    siblingParts: true,
    warnGroups: true,
    layerIndex: ctx.read.layerIndex,
    rootDir: (d, sibling) => {
      const name = nfc(d.name);
      const isVariant = parent !== undefined && (parent.traits ? parent.traits.includes(name) : !sibling && name !== "edge-cases");
      if (isVariant) variantDirs.push(d);
      else if (!sibling && name === "edge-cases") edgeDirs.push(d);
      else return false;
      return true;
    },
  });
  const traits = fileTraits(root.children);
  for (const d of variantDirs) readVariantFolder(ctx, d, traits, read);
  reportMissingVariants(ctx, variantDirs.map((d) => nfc(d.name)), traits, parent);
  for (const d of edgeDirs) {
    readEdgeCases(ctx, d, traits, (fileName, rel) => {
      const [option = "", ...settings] = (imageBase(fileName) ?? fileName).split("__");
      const e = read(`${option}.png`, true, rel);
      if (!e) return undefined;
      const out = { option: e.name, weight: undefined, z: 0, x: undefined as number | undefined, y: undefined as number | undefined, trait: undefined as string | undefined, value: undefined as string | undefined };
      for (const s of settings) {
        const key = s.charAt(0);
        const text = s.slice(1);
        if (key === "t") out.trait = nfc(text);
        else if (key === "v") out.value = nfc(text);
        else if ((key === "z" || key === "x" || key === "y") && /^-?\d+$/.test(text)) out[key] = Number.parseInt(text, 10);
        else ctx.warn(rel, `"__${s}" is not an edge-case setting (__t, __v, __z, __x, __y); left out`);
      }
      return out;
    });
  }
  return finish(ctx, root);
}

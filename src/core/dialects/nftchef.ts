/**
 * nftchef art-engine v2.2.0 (main.js `getElements`, `pickRandomElement`, `sortLayers`; FIELD.md F1, F2, F5, F8):
 * a weight is the first `#(\d*)` of a name; a file without `#` is a part drawn whenever its folder is reached,
 * a folder without `#` a group drawn every time, a weighted folder a choice (or, holding only un-weighted files,
 * one trait made of them, named after the folder); `z<int>,` anywhere in a name is an absolute z passed to
 * everything inside (default 0); `?blend=x&opacity=n` in a file name; a weighted `NONE` draws nothing.
 */
import type { ListedDir } from "../model.js";
import { finish, resolveVariantOf, type ChoiceDraft, type LayerContext, type PartDraft, type TraitDraft } from "./build.js";
import { imageBase, nfc, readNftchefZ, readQueryString } from "./names.js";
import { readNested, type NameReader } from "./nested.js";
import { fileTraits, readVariantFolder, reportMissingVariants } from "./variants.js";
import type { LayerRead } from "./types.js";

/** nftchef's reading of one file or folder name, with the user's meaning where nftchef's is a plain bug. */
export function nftchefName(ctx: LayerContext): NameReader {
  return (raw, isFile, rel) => {
    let base = isFile ? (imageBase(raw) ?? raw) : raw;
    const zr = readNftchefZ(base);
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
    const hash = base.indexOf("#");
    let weight: number | undefined;
    if (hash >= 0) {
      const after = base.slice(hash + 1);
      const digits = /^\d*/.exec(after)?.[0] ?? "";
      const decimal = /^[.,](\d+)/.exec(after.slice(digits.length));
      if (digits && decimal) {
        weight = Number(`${digits}.${decimal[1] ?? "0"}`);
        ctx.caseOf(
          "nftchef-decimal",
          `weights with decimals: nftchef v2.2.0 reads a weight only up to its first non-digit ("#0.5" → 0, never chosen; "#2.5" → 2); read as written`,
          rel,
        );
      } else if (!digits) {
        weight = 0;
        ctx.caseOf(
          "nftchef-no-digits",
          `a "#" not followed by digits: nftchef v2.2.0 reads the weight as 0, never chosen at random (forced combinations only); read so. Named weights such as #Rare are datlips' (dialect "datlips")`,
          rel,
        );
      } else weight = Number(digits);
    }
    const name = ctx.cleanName(hash >= 0 ? base.slice(0, hash) : base, rel, "nftchef");
    if (name === undefined) return undefined;
    return { name, weight, z: zr.z, zflag: zr.z !== undefined ? `z${zr.z},` : undefined, blend, opacity };
  };
}

export function readNftchef(dir: ListedDir, ctx: LayerContext): LayerRead {
  const read = nftchefName(ctx);
  const parent = ctx.options.variantOf !== undefined ? resolveVariantOf(ctx, ctx.options.variantOf) : undefined;
  const variantDirs: ListedDir[] = [];
  const root = readNested(ctx, dir, {
    read,
    rootFile: "part",
    siblingParts: false,
    warnGroups: false,
    layerIndex: ctx.read.layerIndex,
    // Only with a config `variantOf`: nftchef itself would draw such a folder as a group on every token.
    rootDir: (d) => {
      if (!parent || !(parent.traits ?? []).includes(nfc(d.name))) return false;
      variantDirs.push(d);
      return true;
    },
  });
  const traits = fileTraits(root.children);
  for (const d of variantDirs) readVariantFolder(ctx, d, traits, read);
  reportMissingVariants(ctx, variantDirs.map((d) => nfc(d.name)), traits, parent);
  compareWithNftchef(ctx, root);
  return finish(ctx, root);
}

const zOfFlag = (flag: string): number => {
  const m = /-?\d+/.exec(flag);
  return m ? Number.parseInt(m[0], 10) : 0;
};

const textOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Where nftchef v2.2.0 would draw a token's parts of this layer in another order than Traitloom's key
 * (z, layer, then byte order with deeper folders above), or write another attribute value, one warning each:
 * nftchef sorts parts at z 0 by their address as text (`x.10` before `x.2`, nftchef #110 #141) and keeps
 * required files at other z in reverse order (`unshift`), and writes the value of the first file it draws.
 */
function compareWithNftchef(ctx: LayerContext, root: ChoiceDraft): void {
  const outcome = (trait: TraitDraft, chain: PartDraft[][], path: string[]): void => {
    const withStrand = (parts: PartDraft[]): PartDraft[] => parts.filter((p) => p.nc !== undefined);
    const sequence: PartDraft[] = [];
    for (const required of chain) for (const p of withStrand(required)) sequence.unshift(p);
    const ownFile = trait.parts[0]?.own === true;
    for (const p of withStrand(trait.parts)) {
      if (ownFile) sequence.push(p);
      else sequence.unshift(p);
    }
    const strand = (p: PartDraft): string => `${p.nc?.address ?? ""}:${p.nc?.zflag ?? ""}${p.nc?.filename ?? ""}`;
    const byDepth = [...sequence].sort((a, b) => (a.nc?.address.length ?? 0) - (b.nc?.address.length ?? 0));
    const z = (p: PartDraft): number => zOfFlag(p.nc?.zflag ?? "");
    const front = byDepth.filter((p) => z(p) < 0).sort((a, b) => z(a) - z(b));
    const normal = byDepth.filter((p) => z(p) === 0).sort((a, b) => textOrder(strand(a), strand(b)));
    const end = byDepth.filter((p) => z(p) > 0).sort((a, b) => z(a) - z(b));
    const theirs = [...front, ...normal, ...end];
    const ours = withStrand([...chain.flat(), ...trait.parts]).sort((a, b) => (a.zAbs ?? a.zInherited ?? 0) - (b.zAbs ?? b.zInherited ?? 0));
    const id = [...path, trait.name].join("/");
    const files = (ps: PartDraft[]): string => ps.map((p) => p.file.slice(p.file.lastIndexOf("/") + 1)).join(", ");
    if (theirs.some((p, i) => p !== ours[i])) {
      ctx.once(
        "nftchef-order",
        undefined,
        `nftchef v2.2.0 draws "${id}" as ${files(theirs)} (it sorts parts at z 0 by their readdir address as text, so x.10 comes before x.2, nftchef #110 #141, and keeps required files at another z in reverse order); drawn here by z, then byte order, deeper folders above: ${files(ours)}`,
      );
    }
    const first = theirs.find((p) => p.nc?.value !== undefined);
    if (trait.inMetadata && first?.nc?.value !== undefined && first.nc.value !== trait.name) {
      ctx.once(
        "nftchef-value",
        undefined,
        `nftchef v2.2.0 writes the value of the first file it draws, so "${id}" gets "${first.nc.value}" (from ${first.file}); written here as the trait chosen, "${trait.name}"`,
      );
    }
  };
  const visit = (node: ChoiceDraft, chain: PartDraft[][], path: string[]): void => {
    for (const child of node.children) {
      if (child.kind === "choice") visit(child, [...chain, child.required], [...path, child.name]);
      else outcome(child, chain, path);
    }
  };
  visit(root, [root.required], []);
}

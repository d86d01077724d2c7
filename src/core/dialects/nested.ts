/**
 * Nested folders as nftchef reads them, which Traitloom's own dialect shares: a weighted folder is a choice of
 * its layer, an un-weighted file is a part drawn whenever its folder is reached, an un-weighted folder a group
 * of parts drawn every time; z, blend and opacity in a folder's name pass to everything inside it.
 */
import { duplicateTraitDetail } from "../layers.js";
import type { BlendMode, ListedDir } from "../model.js";
import { imageBase } from "./names.js";
import { choiceDraft, drawable, join, mergedEntries, notAnImage, partDraft, type ChoiceDraft, type Draft, type LayerContext, type PartDraft, type TraitDraft } from "./build.js";

/** A file or folder name as a dialect reads it. */
export interface EntryName {
  /** Clean name: the trait or part name. */
  name: string;
  /** Weight; undefined where the name carries none (a required part or group). */
  weight: number | undefined;
  /** Absolute z in the name. */
  z?: number | undefined;
  /** The z flag's text, as nftchef keeps it in a DNA strand. */
  zflag?: string | undefined;
  blend?: BlendMode | undefined;
  opacity?: number | undefined;
}

/** Reads one name (`rel` is its path inside the layer); undefined where it is a problem, already reported. */
export type NameReader = (raw: string, isFile: boolean, rel: string) => EntryName | undefined;

/** What a folder passes to everything inside it. */
interface Inherited {
  z: number | undefined;
  zflag: string;
  blend: BlendMode | undefined;
  opacity: number | undefined;
}

export interface NestedRules {
  read: NameReader;
  /** An un-weighted file at the layer root: a trait of weight 1 (HashLips, Traitloom) or a part drawn on every token (nftchef). */
  rootFile: "trait" | "part";
  /** Traitloom: a sub-folder named like a sibling trait holds that trait's parts (datlips sub-traits), always drawn. */
  siblingParts: boolean;
  /** Traitloom: say so where an un-weighted folder becomes a group drawn on every token (usually a mistake). */
  warnGroups: boolean;
  /**
   * A sub-folder of the layer root that is not a weighted choice: true where the dialect took it (variant art,
   * edge cases). `sibling` says whether a root trait has its name.
   */
  rootDir?: ((dir: ListedDir, sibling: boolean) => boolean) | undefined;
  /** The layer index, the first number of nftchef addresses. */
  layerIndex: number;
}

const NO_INHERITANCE: Inherited = { z: undefined, zflag: "", blend: undefined, opacity: undefined };

/**
 * Reads a layer folder into a draft: the root's choices and the parts drawn on every token. Where the root has no
 * weighted entry at all, its parts become one trait named after the layer, so every token draws them.
 */
export function readNested(ctx: LayerContext, dir: ListedDir, rules: NestedRules): ChoiceDraft {
  const root = choiceDraft("", 1, ctx.file(""));
  const { required, children } = readFolder(ctx, dir, "", NO_INHERITANCE, rules, String(rules.layerIndex), true);
  root.required = required;
  root.children = children;
  if (children.length === 0 && required.length > 0) {
    root.children = [{ kind: "trait", name: ctx.read.name, weight: 1, parts: required, inMetadata: true, source: ctx.file("") }];
    root.required = [];
  }
  return root;
}

function inherit(parent: Inherited, e: EntryName): Inherited {
  return {
    z: e.z ?? parent.z,
    zflag: e.zflag ?? parent.zflag,
    blend: e.blend ?? parent.blend,
    opacity: e.opacity ?? parent.opacity,
  };
}

function filePart(ctx: LayerContext, rel: string, raw: string, e: EntryName, inh: Inherited, address: string, value: string | undefined, own: boolean): PartDraft {
  return partDraft(ctx.file(rel), e.name, {
    own,
    zAbs: e.z,
    zInherited: e.z === undefined ? inh.z : undefined,
    blend: e.blend ?? inh.blend,
    opacity: e.opacity ?? inh.opacity,
    nc: { address, zflag: e.zflag ?? inh.zflag, filename: raw, value },
  });
}

function readFolder(
  ctx: LayerContext,
  dir: ListedDir,
  rel: string,
  inh: Inherited,
  rules: NestedRules,
  address: string,
  isRoot: boolean,
  folderName?: string,
): { required: PartDraft[]; children: Draft[] } {
  // Required parts by entry index, so files and groups keep readdir order between them.
  const requiredAt = new Map<number, PartDraft[]>();
  const children: Draft[] = [];
  const fileTraits = new Map<string, TraitDraft>();
  const siblingDirs: Array<{ dir: ListedDir; rel: string; name: string }> = [];
  const entries = mergedEntries(dir);
  // Files first, so a sub-folder can be told to be named like a sibling trait; addresses keep readdir order.
  const indexed = entries.map((entry, i) => ({ entry, i, address: `${address}.${i}` }));
  for (const { entry, i, address: addr } of indexed) {
    if (!("file" in entry)) continue;
    const f = entry.file;
    const fileRel = join(rel, f.name);
    if (imageBase(f.name) === undefined) {
      notAnImage(ctx, fileRel);
      continue;
    }
    const e = rules.read(f.name, true, fileRel);
    if (!e) continue;
    const weight = e.weight ?? (isRoot && rules.rootFile === "trait" ? 1 : undefined);
    if (weight === undefined) {
      if (isRoot && rules.rootFile === "part") {
        ctx.caseOf(
          "nftchef-root-required",
          "un-weighted files at the layer root are drawn on every token; nftchef v2.2.0 also writes an attribute for them with the layers folder as trait_type and the layer's name as value (nftchef #187), which is left out here",
          fileRel,
        );
      }
      if (drawable(ctx, fileRel, f)) requiredAt.set(i, [filePart(ctx, fileRel, f.name, e, inh, addr, isRoot ? undefined : folderName, false)]);
      continue;
    }
    const clash = fileTraits.get(e.name);
    if (clash) {
      ctx.problem("DUPLICATE_TRAIT", fileRel, duplicateTraitDetail(e.name, clash.source));
      continue;
    }
    const empty = ctx.isEmptyName(e.name);
    if (!empty && !drawable(ctx, fileRel, f)) continue;
    const trait: TraitDraft = {
      kind: "trait",
      name: e.name,
      weight,
      parts: empty ? [] : [filePart(ctx, fileRel, f.name, e, inh, addr, e.name, true)],
      inMetadata: !empty,
      source: ctx.file(fileRel),
    };
    fileTraits.set(e.name, trait);
    children.push(trait);
  }
  // Folders, in place among the files' traits so the tree keeps readdir order.
  const ordered: Draft[] = [];
  const byFile = new Map(children.map((c) => [c.source, c]));
  for (const { entry, i, address: addr } of indexed) {
    if ("file" in entry) {
      const t = byFile.get(ctx.file(join(rel, entry.file.name)));
      if (t) ordered.push(t);
      continue;
    }
    const d = entry.dir;
    const dirRel = join(rel, d.name);
    const e = rules.read(d.name, false, dirRel);
    if (!e) continue;
    if (e.weight !== undefined) {
      const clash = fileTraits.get(e.name) ?? ordered.find((c) => c.name === e.name && c.kind === "choice");
      if (clash) {
        ctx.problem("DUPLICATE_TRAIT", dirRel, duplicateTraitDetail(e.name, clash.source));
        continue;
      }
      const inner = readFolder(ctx, d, dirRel, inherit(inh, e), rules, addr, false, e.name);
      if (inner.children.length > 0) {
        const choice = choiceDraft(e.name, e.weight, ctx.file(dirRel));
        choice.required = inner.required;
        choice.children = inner.children;
        ordered.push(choice);
      } else {
        if (inner.required.length === 0) ctx.warn(dirRel, "an empty weighted folder: when chosen it draws nothing and writes no attribute");
        ordered.push({ kind: "trait", name: e.name, weight: e.weight, parts: inner.required, inMetadata: inner.required.length > 0, source: ctx.file(dirRel) });
      }
      continue;
    }
    const sibling = fileTraits.has(e.name);
    if (isRoot && rules.rootDir?.(d, sibling)) continue;
    if (rules.siblingParts && sibling) {
      siblingDirs.push({ dir: d, rel: dirRel, name: e.name });
      continue;
    }
    if (rules.warnGroups) {
      ctx.warn(
        dirRel,
        `a folder without a weight, named like no trait: read as a group of parts drawn on every token (nftchef); give it a weight (${d.name}#10) to make it a choice, name it like its trait to make it that trait's parts, or set "variantOf" where it holds colour variants`,
      );
    }
    requiredAt.set(i, readGroup(ctx, d, dirRel, inherit(inh, e), rules, addr, e.name));
  }
  const required = [...requiredAt.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, parts]) => parts);
  for (const s of siblingDirs) {
    const trait = fileTraits.get(s.name);
    if (trait) trait.parts.push(...subTraitParts(ctx, s.dir, s.rel, trait, rules.read));
  }
  return { required, children: ordered };
}

/** An un-weighted folder: every file in it (and in its un-weighted folders) drawn whenever its parent is reached. */
function readGroup(ctx: LayerContext, dir: ListedDir, rel: string, inh: Inherited, rules: NestedRules, address: string, folderName: string): PartDraft[] {
  const parts: PartDraft[] = [];
  mergedEntries(dir).forEach((entry, i) => {
    const addr = `${address}.${i}`;
    if ("file" in entry) {
      const fileRel = join(rel, entry.file.name);
      if (imageBase(entry.file.name) === undefined) return notAnImage(ctx, fileRel);
      const e = rules.read(entry.file.name, true, fileRel);
      if (!e) return;
      if (e.weight !== undefined) {
        ctx.problem(
          "LAYER_NESTED",
          fileRel,
          `expected weighted files only in a folder with a weight (a choice), found one in ${ctx.where(rel)}, a folder without a weight that is drawn on every token: a second choice inside one layer is not supported; give the folder a weight or make it a layer of its own`,
        );
        return;
      }
      if (drawable(ctx, fileRel, entry.file)) parts.push(filePart(ctx, fileRel, entry.file.name, e, inh, addr, folderName, false));
      return;
    }
    const dirRel = join(rel, entry.dir.name);
    const e = rules.read(entry.dir.name, false, dirRel);
    if (!e) return;
    if (e.weight !== undefined) {
      ctx.problem(
        "LAYER_NESTED",
        dirRel,
        `expected weighted folders only in a folder with a weight (a choice), found one in ${ctx.where(rel)}, a folder without a weight that is drawn on every token: a second choice inside one layer is not supported; give the outer folder a weight or make it a layer of its own`,
      );
      return;
    }
    parts.push(...readGroup(ctx, entry.dir, dirRel, inherit(inh, e), rules, addr, e.name));
  });
  return parts;
}

/**
 * A sub-trait folder (`Seaweed/` next to `Seaweed#Rare.png`): its files are parts of that trait, art only; each
 * file's own z wins, else the trait's. Folders inside are not read.
 */
export function subTraitParts(ctx: LayerContext, dir: ListedDir, rel: string, trait: TraitDraft, read: NameReader): PartDraft[] {
  const own = trait.parts[0];
  const parts: PartDraft[] = [];
  for (const entry of mergedEntries(dir)) {
    if ("dir" in entry) {
      ctx.warn(join(rel, entry.dir.name), "a folder inside a sub-trait folder is not read; never drawn");
      continue;
    }
    const fileRel = join(rel, entry.file.name);
    if (imageBase(entry.file.name) === undefined) {
      notAnImage(ctx, fileRel);
      continue;
    }
    const e = read(entry.file.name, true, fileRel);
    if (!e || !drawable(ctx, fileRel, entry.file)) continue;
    parts.push(
      partDraft(ctx.file(fileRel), e.name, {
        subTrait: true,
        zAbs: e.z,
        zInherited: e.z === undefined ? (own?.zAbs ?? own?.zInherited) : undefined,
        blend: e.blend,
        opacity: e.opacity,
      }),
    );
  }
  return parts;
}

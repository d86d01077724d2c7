/**
 * Variant art (datlips `Variant`, a `variantOf` layer): `Arms/Blue/BetaArms.png` is what trait BetaArms draws
 * when the parent layer drew Blue. Files are matched to the layer's traits by clean name; a trait without a file
 * in a variant folder draws its root file, and the user hears which files are missing.
 */
import type { ListedDir } from "../model.js";
import { drawable, join, mergedEntries, notAnImage, partDraft, type LayerContext, type TraitDraft } from "./build.js";
import { imageBase, nfc } from "./names.js";
import { subTraitParts, type NameReader } from "./nested.js";
import type { LayerRef } from "./types.js";

/** The traits of a root draft that a variant file can replace: the ones made from one file. */
export function fileTraits(children: ReadonlyArray<{ kind: string }>): Map<string, TraitDraft> {
  const out = new Map<string, TraitDraft>();
  for (const c of children) {
    const t = c as TraitDraft;
    if (t.kind === "trait" && t.parts.length > 0 && t.parts[0]?.own) out.set(t.name, t);
  }
  return out;
}

/**
 * Reads `<Layer>/<parentTrait>/`: each file named like a trait of the layer becomes that trait's art for
 * `parentTrait`, with the root file's z, blend and opacity unless its own name says otherwise; a folder inside
 * named like such a trait holds the variant's sub-trait parts (datlips looks for sub-traits next to the file it
 * draws). `subTraits` false: those folders are not read.
 */
export function readVariantFolder(ctx: LayerContext, dir: ListedDir, traits: Map<string, TraitDraft>, read: NameReader): void {
  const parentTrait = nfc(dir.name);
  const rel = dir.name;
  const drawn = new Map<string, TraitDraft>();
  const folders: ListedDir[] = [];
  for (const entry of mergedEntries(dir)) {
    if ("dir" in entry) {
      folders.push(entry.dir);
      continue;
    }
    const fileRel = join(rel, entry.file.name);
    if (imageBase(entry.file.name) === undefined) {
      notAnImage(ctx, fileRel);
      continue;
    }
    const e = read(entry.file.name, true, fileRel);
    if (!e) continue;
    const trait = traits.get(e.name);
    if (!trait) {
      ctx.warn(fileRel, `a variant file named like no trait of the layer (${[...traits.keys()].join(", ")}): never drawn`);
      continue;
    }
    if (!drawable(ctx, fileRel, entry.file)) continue;
    const own = trait.parts[0];
    trait.variants ??= new Map();
    trait.variants.set(parentTrait, [
      partDraft(ctx.file(fileRel), e.name, {
        own: true,
        zAbs: e.z ?? own?.zAbs,
        zInherited: own?.zInherited,
        blend: e.blend ?? own?.blend,
        opacity: e.opacity ?? own?.opacity,
        x: own?.x,
        y: own?.y,
      }),
    ]);
    drawn.set(e.name, trait);
  }
  for (const f of folders) {
    const fRel = join(rel, f.name);
    const trait = drawn.get(nfc(f.name.trim()));
    const parts = trait?.variants?.get(parentTrait);
    if (!trait || !parts) {
      ctx.warn(fRel, "a folder in a variant folder named like no variant file there: never drawn");
      continue;
    }
    parts.push(...subTraitParts(ctx, f, fRel, { ...trait, parts }, read));
  }
}

/**
 * One warning listing every trait × variant folder without a file (those tokens draw the root file, as datlips
 * does silently), and the parent's traits that have no folder at all where some do.
 */
export function reportMissingVariants(ctx: LayerContext, folders: readonly string[], traits: Map<string, TraitDraft>, parent: LayerRef | undefined): void {
  if (folders.length === 0) return;
  const missing: string[] = [];
  for (const trait of traits.values()) {
    const own = trait.parts[0];
    const ext = own ? own.file.slice(own.file.lastIndexOf(".")) : ".png";
    const lacking = folders.filter((f) => !trait.variants?.has(f));
    if (lacking.length > 0) missing.push(...lacking.map((f) => `${ctx.file(`${f}/${trait.name}${ext}`)}`));
  }
  if (missing.length > 0) {
    ctx.warn(undefined, `no variant art for ${missing.length} trait and variant pair(s), so those tokens draw the trait's root file instead (datlips does so without a word): missing ${missing.join(", ")}`);
  }
  const withoutFolder = (parent?.traits ?? []).filter((t) => !folders.includes(t));
  if (withoutFolder.length > 0) {
    ctx.warn(undefined, `no variant folder for ${withoutFolder.map((t) => `"${t}"`).join(", ")} of layer "${parent?.name ?? ""}": every trait draws its root file then`);
  }
}

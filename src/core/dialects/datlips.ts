/**
 * datlips art engine v1.4.0 (main.js `getElements`, `getRarityWeight`, `checkVariant`, `checkSubTraits`;
 * FIELD.md F2, F3, F9): every root file carries a rarity after its last `#`, a number or a named weight; a
 * `z<int>$` prefix is an absolute z (default 10 × layer index); where the set's first layer is `Variant`, a
 * sub-folder named like one of its traits holds that colour's art (`Arms/Blue/BetaArms.png`), and a sub-folder
 * named like a sibling trait holds that trait's sub-trait parts, drawn only where the layer's `parts` (datlips
 * `subTraits`) name them.
 */
import { duplicateTraitDetail } from "../layers.js";
import type { ListedDir } from "../model.js";
import { choiceDraft, countFiles, drawable, entriesOf, finish, notAnImage, partDraft, resolveVariantOf, type LayerContext, type TraitDraft } from "./build.js";
import { DATLIPS_WEIGHT_BANDS, imageBase, namedWeightKey, nfc, readDatlipsZ } from "./names.js";
import { subTraitParts, type NameReader } from "./nested.js";
import type { LayerRead, LayerRef } from "./types.js";
import { readVariantFolder, reportMissingVariants } from "./variants.js";

const NUMBER_RE = /^\d+(?:[.,]\d+)?$/;

/** A sub-trait or variant file's name: no weight needed; z prefix and anything after `#` dropped. */
export function datlipsPartName(ctx: LayerContext): NameReader {
  return (raw, isFile, rel) => {
    const z = readDatlipsZ(isFile ? (imageBase(raw) ?? raw) : raw);
    const name = ctx.cleanName(z.rest.split("#")[0] ?? "", rel, "datlips");
    return name === undefined ? undefined : { name, weight: undefined, z: z.z };
  };
}

/** The layer datlips takes colours from: the set's first layer where its folder says "Variant" (`path.includes("Variant")`). */
function implicitVariantLayer(ctx: LayerContext): LayerRef | undefined {
  const first = ctx.layerSet()[0];
  if (!first || first.folder === ctx.read.folder) return undefined;
  return first.folder.includes("Variant") ? first : undefined;
}

export function readDatlips(dir: ListedDir, ctx: LayerContext): LayerRead {
  const root = choiceDraft("", 1, ctx.file(""));
  const { files, dirs } = entriesOf(dir);
  const traits = new Map<string, TraitDraft>();
  const namesUsed = new Set<string>();
  for (const f of files) {
    const base = imageBase(f.name);
    if (base === undefined) {
      notAnImage(ctx, f.name);
      continue;
    }
    const z = readDatlipsZ(base);
    const segments = z.rest.split("#");
    if (segments.length < 2) {
      ctx.problem(
        "BAD_WEIGHT",
        f.name,
        `expected a rarity after "#" (${Object.keys(ctx.named).join(", ")} or a number), found none; datlips v1.4.0 stops here ("not a valid rarity")`,
      );
      continue;
    }
    const text = (segments[segments.length - 1] ?? "").trim();
    let weight: number;
    const key = namedWeightKey(text, ctx.named);
    if (NUMBER_RE.test(text)) weight = Number.parseFloat(text.replace(",", "."));
    else if (key !== undefined) {
      weight = ctx.named[key] ?? 0;
      namesUsed.add(key);
    } else {
      ctx.problem("BAD_WEIGHT", f.name, `expected a rarity after "#" (${Object.keys(ctx.named).join(", ")} or a number), found "${text}"; datlips v1.4.0 stops here`);
      continue;
    }
    if (segments.length > 2) {
      ctx.warn(f.name, `expected one "#" before the rarity, found ${segments.length - 1}; read as datlips reads it: the name up to the first "#", the rarity after the last`);
    }
    const name = ctx.cleanName(segments[0] ?? "", f.name, "datlips");
    if (name === undefined) continue;
    if (traits.has(name)) {
      ctx.problem("DUPLICATE_TRAIT", f.name, duplicateTraitDetail(name, traits.get(name)?.source ?? "another file"));
      continue;
    }
    const empty = ctx.isEmptyName(name);
    if (!empty && !drawable(ctx, f.name, f)) continue;
    const trait: TraitDraft = {
      kind: "trait",
      name,
      weight,
      parts: empty ? [] : [partDraft(ctx.file(f.name), name, { own: true, zAbs: z.z })],
      inMetadata: !empty,
      source: ctx.file(f.name),
    };
    traits.set(name, trait);
    root.children.push(trait);
  }

  const explicit = ctx.options.variantOf;
  const implicit = explicit === undefined ? implicitVariantLayer(ctx) : undefined;
  const parentRef = explicit ?? implicit?.name;
  const parent = parentRef !== undefined ? resolveVariantOf(ctx, parentRef) : undefined;
  const read = datlipsPartName(ctx);
  const variantFolders: string[] = [];
  const ignored: string[] = [];
  for (const d of dirs) {
    const name = nfc(d.name);
    const isVariant = parent !== undefined && (parent.traits ? parent.traits.includes(name) : !traits.has(name));
    if (isVariant) {
      readVariantFolder(ctx, d, traits, read);
      variantFolders.push(name);
      continue;
    }
    const trait = traits.get(name);
    if (trait) {
      trait.parts.push(...subTraitParts(ctx, d, d.name, trait, read));
      continue;
    }
    ignored.push(`${d.name}/ (${countFiles(d)} file(s))`);
  }
  if (ignored.length > 0) {
    const why = parent
      ? `named like no trait of this layer nor of "${parent.name}"`
      : "named like no trait of this layer, and the layer set has no Variant first layer (nor a variantOf)";
    ctx.warn(undefined, `sub-folders ${ignored.join(", ")} ${why}: datlips never reads them, never drawn`);
  }
  // datlips reads every layer of a configuration with a Variant first layer that way; a layer without colour folders is not its variant.
  if (implicit && variantFolders.length === 0) ctx.variantOf = undefined;
  reportMissingVariants(ctx, variantFolders, traits, parent);

  if (namesUsed.size > 0) {
    // Said of the layers folder, in the same words for every layer, so a set's reader says it once.
    const bands = Object.entries(DATLIPS_WEIGHT_BANDS).map(([n, [lo, hi]]) => `${n} ${lo === hi ? lo : `${lo}-${hi}`}`);
    const fixed = Object.keys(DATLIPS_WEIGHT_BANDS).map((n) => `${n} ${ctx.named[namedWeightKey(n, ctx.named) ?? n] ?? "?"}`);
    ctx.warnings.push(
      `${ctx.root}: named weights: datlips v1.4.0 draws each anew on every run from a band (${bands.join(", ")}), so its shares and counts change from run to run; read at the table's fixed numbers (${fixed.join(", ")})`,
    );
  }
  return finish(ctx, root);
}

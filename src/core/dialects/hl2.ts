/**
 * HashLips art engine v2 (`@hashlips-lab/art-engine` 2.0.0-alpha: ImageLayersInput, ImageLayersRenderer; FIELD.md
 * F2, F3): `Layer__z10/Option__w5__z-5__x10__y20.png`. A name ends at its first "."; the option is what comes
 * before the first `__`; several files of one option are its parts (the weight may be written on one of them);
 * `__z` on the layer folder is a base, on a file added to it; `__x`/`__y` are pixel offsets;
 * `edge-cases/<Option>__t<Layer>__v<Value>.png` replaces all of an option's art where another layer drew Value.
 */
import type { ListedDir } from "../model.js";
import { choiceDraft, drawable, entriesOf, finish, join, notAnImage, partDraft, type LayerContext, type PartDraft, type TraitDraft } from "./build.js";
import { imageBase, nfc } from "./names.js";
import type { LayerRead } from "./types.js";

interface Hl2Name {
  option: string;
  weight: number | undefined;
  z: number;
  x: number | undefined;
  y: number | undefined;
  trait: string | undefined;
  value: string | undefined;
}

const INT_RE = /^-?\d+$/;

/** One HashLips v2 file name; undefined where it is a problem, reported. */
function readHl2Name(ctx: LayerContext, fileName: string, rel: string, edge: boolean): Hl2Name | undefined {
  const base = fileName.split(".")[0] ?? fileName;
  const [optionRaw = "", ...settings] = base.split("__");
  const option = ctx.cleanName(optionRaw, rel, "HashLips v2");
  if (option === undefined) return undefined;
  const out: Hl2Name = { option, weight: undefined, z: 0, x: undefined, y: undefined, trait: undefined, value: undefined };
  for (const s of settings) {
    const key = s.charAt(0);
    const text = s.slice(1);
    if (edge && (key === "t" || key === "v")) {
      if (key === "t") out.trait = nfc(text);
      else out.value = nfc(text);
      continue;
    }
    if (key === "w") {
      // ImageLayersInput: parseInt, and an error unless > 0 ("__w0.5" → 0 → refused).
      if (!/^\d+$/.test(text) || Number.parseInt(text, 10) <= 0) {
        ctx.problem("BAD_WEIGHT", rel, `expected "__w" and a whole number > 0, found "__${s}" (HashLips v2 refuses it)`);
        return undefined;
      }
      out.weight = Number.parseInt(text, 10);
    } else if ((key === "z" || key === "x" || key === "y") && INT_RE.test(text)) {
      const n = Number.parseInt(text, 10);
      if (key === "z") out.z = n;
      else if (key === "x") out.x = n;
      else out.y = n;
    } else {
      ctx.warn(rel, `"__${s}" is not a HashLips v2 setting (__w, __z, __x, __y${edge ? ", __t, __v" : ""}); left out`);
    }
  }
  if ((imageBase(fileName) ?? "").includes(".")) {
    ctx.warn(rel, `a name with several ".": HashLips v2 ends the name at the first one, so it reads "${base}"; read so`);
  }
  return out;
}

/** The layer folder's own `__z`: the base of every part's z. */
function folderZ(folder: string): number | undefined {
  const last = folder.split("/").pop() ?? folder;
  const m = /__z(-?\d+)(?:__|$)/.exec(last);
  return m?.[1] ? Number.parseInt(m[1], 10) : undefined;
}

export function readHl2(dir: ListedDir, ctx: LayerContext): LayerRead {
  if (ctx.options.z === undefined) ctx.baseZ = folderZ(ctx.read.folder) ?? folderZ(dir.name) ?? 0;
  const root = choiceDraft("", 1, ctx.file(""));
  const { files, dirs } = entriesOf(dir);
  const options = new Map<string, TraitDraft & { weightFrom?: string }>();
  for (const f of files) {
    if (imageBase(f.name) === undefined) {
      notAnImage(ctx, f.name);
      continue;
    }
    const n = readHl2Name(ctx, f.name, f.name, false);
    if (!n || !drawable(ctx, f.name, f)) continue;
    let trait = options.get(n.option);
    if (!trait) {
      trait = { kind: "trait", name: n.option, weight: 1, parts: [], inMetadata: true, source: ctx.file(f.name) };
      options.set(n.option, trait);
      root.children.push(trait);
    }
    if (n.weight !== undefined) {
      if (trait.weightFrom !== undefined && trait.weight !== n.weight) {
        ctx.problem("BAD_WEIGHT", f.name, `option "${n.option}" has weight ${trait.weight} in ${trait.weightFrom} and ${n.weight} here; write it on one file`);
      } else {
        trait.weight = n.weight;
        trait.weightFrom = ctx.file(f.name);
      }
    }
    trait.parts.push(partDraft(ctx.file(f.name), f.name.split(".")[0] ?? f.name, { zRel: n.z, x: n.x, y: n.y }));
  }
  for (const t of options.values()) delete t.weightFrom;
  for (const d of dirs) {
    if (d.name === "edge-cases") readEdgeCases(ctx, d, options, (fileName, rel) => readHl2Name(ctx, fileName, rel, true));
    else ctx.warn(d.name, "HashLips v2 reads no sub-folder but edge-cases/: never drawn");
  }
  return finish(ctx, root);
}

/** An edge-case file as read: which option it replaces, on which layer's value, and its part. */
export type EdgeReader = (fileName: string, rel: string) => Hl2Name | undefined;

/**
 * `edge-cases/`: conditional art, represented as variants keyed by the other layer's value. All edge cases of a
 * layer must name one other layer (`__t`), which becomes the layer's `variantOf`; edge cases keyed on several
 * layers (HashLips v2 takes the first that matches, in readdir order) are not supported yet: a warning, and the
 * root art is drawn.
 */
export function readEdgeCases(ctx: LayerContext, dir: ListedDir, traits: Map<string, TraitDraft>, read: EdgeReader): void {
  const cases: Array<{ trait: TraitDraft; layer: string; value: string; part: PartDraft; rel: string }> = [];
  const { files, dirs } = entriesOf(dir);
  for (const d of dirs) ctx.warn(join(dir.name, d.name), "a folder inside edge-cases/ is not read: never drawn");
  for (const f of files) {
    const rel = join(dir.name, f.name);
    if (imageBase(f.name) === undefined) {
      notAnImage(ctx, rel);
      continue;
    }
    const n = read(f.name, rel);
    if (!n) continue;
    if (n.trait === undefined || n.value === undefined) {
      ctx.problem("BAD_WEIGHT", rel, `expected an edge case "<Option>__t<Layer>__v<Value>.png", found "${f.name}"`);
      continue;
    }
    const trait = traits.get(n.option);
    if (!trait) {
      ctx.warn(rel, `an edge case for "${n.option}", which is no option of the layer (${[...traits.keys()].join(", ")}): never drawn`);
      continue;
    }
    if (!drawable(ctx, rel, f)) continue;
    cases.push({ trait, layer: n.trait, value: n.value, rel, part: partDraft(ctx.file(rel), f.name.split(".")[0] ?? f.name, { zRel: n.z, x: n.x, y: n.y }) });
  }
  if (cases.length === 0) return;
  const layers = [...new Set(cases.map((c) => c.layer))];
  const target = layers.length === 1 ? ctx.findLayer(layers[0] ?? "") : undefined;
  const unsupported = (why: string): void =>
    ctx.warn(dir.name, `edge cases ${why}: not supported yet (variant art follows one other layer); read without them, so those tokens draw the option's own art`);
  if (layers.length > 1) return unsupported(`keyed on ${layers.length} layers (${layers.join(", ")})`);
  if (!target) return unsupported(`keyed on "${layers[0] ?? ""}", which is no layer of the set`);
  if (target.folder === ctx.read.folder) return unsupported(`keyed on this layer itself`);
  if (ctx.variantOf !== undefined && ctx.variantOf !== target.folder) return unsupported(`keyed on "${target.name}" while the layer's variantOf is another layer`);
  ctx.variantOf = target.folder;
  for (const c of cases) {
    c.trait.variants ??= new Map();
    const parts = c.trait.variants.get(c.value) ?? [];
    parts.push(c.part);
    c.trait.variants.set(c.value, parts);
  }
  const known = target.traits;
  if (known) {
    const strangers = [...new Set(cases.map((c) => c.value))].filter((v) => !known.includes(v));
    if (strangers.length > 0) ctx.warn(dir.name, `edge cases for value(s) ${strangers.map((v) => `"${v}"`).join(", ")} that layer "${target.name}" does not have: never drawn`);
  }
}

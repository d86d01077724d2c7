/**
 * nftool (alephao/nftool `traits/fs/fs.go`; FIELD.md §3): `NN-Layer/W-Value.png`, the weight a whole number
 * before the first `-` (0 refused), the value the rest; a layer folder ending in `_` is optional: an implicit
 * empty choice of weight 1 (`optional_weight`).
 */
import { duplicateTraitDetail } from "../layers.js";
import type { ListedDir } from "../model.js";
import { choiceDraft, drawable, entriesOf, finish, notAnImage, partDraft, type LayerContext, type TraitDraft } from "./build.js";
import { imageBase } from "./names.js";
import type { LayerRead } from "./types.js";

const NFTOOL_RE = /^(\d+)-(.+)$/;

export function readNftool(dir: ListedDir, ctx: LayerContext): LayerRead {
  const root = choiceDraft("", 1, ctx.file(""));
  const { files, dirs } = entriesOf(dir);
  for (const d of dirs) ctx.problem("LAYER_NESTED", d.name, `nftool reads only the image files of a layer folder; expected no sub-folder in ${ctx.where("")}`);
  const traits = new Map<string, TraitDraft>();
  for (const f of files) {
    const base = imageBase(f.name);
    if (base === undefined) {
      notAnImage(ctx, f.name);
      continue;
    }
    const m = NFTOOL_RE.exec(base);
    if (!m?.[1] || m[2] === undefined) {
      ctx.problem("BAD_WEIGHT", f.name, `expected an nftool name "<weight>-<Value>" (a whole number, then a dash), found "${f.name}"`);
      continue;
    }
    const weight = Number.parseInt(m[1], 10);
    if (weight === 0) {
      ctx.problem("BAD_WEIGHT", f.name, `expected a weight > 0 before the "-", found 0 (nftool refuses it)`);
      continue;
    }
    const name = ctx.cleanName(m[2], f.name, "nftool");
    if (name === undefined) continue;
    const clash = traits.get(name);
    if (clash) {
      ctx.problem("DUPLICATE_TRAIT", f.name, duplicateTraitDetail(name, clash.source));
      continue;
    }
    const empty = ctx.isEmptyName(name);
    if (!empty && !drawable(ctx, f.name, f)) continue;
    const trait: TraitDraft = {
      kind: "trait",
      name,
      weight,
      parts: empty ? [] : [partDraft(ctx.file(f.name), name, { own: true })],
      inMetadata: !empty,
      source: ctx.file(f.name),
    };
    traits.set(name, trait);
    root.children.push(trait);
  }
  const folderName = ctx.read.folder.split("/").pop() ?? ctx.read.folder;
  if ((folderName.endsWith("_") || dir.name.endsWith("_")) && !ctx.options.none) {
    root.children.push({ kind: "trait", name: "None", weight: 1, parts: [], inMetadata: false, source: ctx.file("") });
  }
  return finish(ctx, root);
}

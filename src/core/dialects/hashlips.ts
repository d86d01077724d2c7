/**
 * HashLips art engine v1.1.1 (main.js `getElements`, `cleanName`, `getRarityWeight`; FIELD.md F5, F8, F9, §2):
 * one flat folder of `Name#w.png` per layer; the name ends at the first `#`, the weight follows the last;
 * no weight = 1; a sub-folder is read as an image and crashes it, so it is refused here.
 */
import { duplicateTraitDetail } from "../layers.js";
import type { ListedDir } from "../model.js";
import { choiceDraft, drawable, entriesOf, finish, notAnImage, partDraft, type LayerContext, type TraitDraft } from "./build.js";
import { imageBase, namedWeightKey } from "./names.js";
import type { LayerRead } from "./types.js";

export function readHashlips(dir: ListedDir, ctx: LayerContext): LayerRead {
  const root = choiceDraft("", 1, ctx.file(""));
  const { files, dirs } = entriesOf(dir);
  for (const d of dirs) {
    ctx.problem(
      "LAYER_NESTED",
      d.name,
      `HashLips v1.1.1 reads a sub-folder as a trait image and crashes loading it; expected only image files in ${ctx.where("")} (nested choices and parts: dialect "traitloom" or "nftchef"; colour variants: "datlips")`,
    );
  }
  const traits = new Map<string, TraitDraft>();
  for (const f of files) {
    const base = imageBase(f.name);
    if (base === undefined) {
      notAnImage(ctx, f.name);
      continue;
    }
    const segments = base.split("#");
    let weight = 1;
    if (segments.length > 1) {
      const text = (segments[segments.length - 1] ?? "").trim();
      const engine = Number(text); // HashLips: Number(), NaN → 1.
      const key = namedWeightKey(text, ctx.named);
      if (/^\d+,\d+$/.test(text)) {
        weight = Number(text.replace(",", "."));
        ctx.caseOf("hashlips-comma", `weights with a decimal comma: HashLips v1.1.1 reads them as 1 (Number("0,5") is NaN, HashLips #1467); read as decimals`, f.name);
      } else if (Number.isFinite(engine) && text !== "") {
        weight = engine;
      } else if (key !== undefined) {
        weight = ctx.named[key] ?? 1;
        ctx.caseOf("hashlips-named", `named weights: HashLips v1.1.1 reads them as 1 (Number("${text}") is NaN); read from the named-weight table`, f.name);
      } else if (text === "") {
        weight = 0;
        ctx.caseOf("hashlips-empty", `a "#" with nothing after it: HashLips v1.1.1 reads weight 0 (Number("") is 0), never chosen; read so`, f.name);
      } else {
        ctx.caseOf("hashlips-nan", `a weight that is no number: HashLips v1.1.1 reads it as 1; read so`, f.name);
      }
      if (segments.length > 2) ctx.warn(f.name, `expected one "#" before the weight, found ${segments.length - 1}; read as HashLips reads it: the name up to the first "#", the weight after the last`);
    }
    if (!Number.isInteger(weight)) {
      ctx.caseOf(
        "hashlips-fraction",
        "fractional weights: HashLips v1.1.1 floors its random number (Math.floor(Math.random() × total)), so they are quantised (two #0.5 traits: the first always wins); read as written",
        f.name,
      );
    }
    const name = ctx.cleanName(segments[0] ?? "", f.name, "HashLips");
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
  return finish(ctx, root);
}

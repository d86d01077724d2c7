/**
 * Several layer configurations in one collection (`editions` in the config; HashLips/nftchef/datlips
 * `layerConfigurations`): each edition has its own layers and count, its tokens are planned with exact counts over
 * its own layers, and the collection is one layer set whose layers are every edition's, one after the other. A
 * token has a trait only on its edition's layers; on the others it holds the layer's `absent` trait, which draws
 * nothing, writes no attribute and makes no token unique. Uniqueness is shared across editions by what metadata
 * shows (the attributes): a token showing what a token of another edition before it shows gets a new combination
 * of its own edition (rules and its edition's uniqueness kept); ids run edition after edition, or mixed by the seed
 * (`shuffle: "ids"`, HashLips' shuffleLayerConfigurations without its skipped id).
 */
import type { TraitloomConfig } from "./config.js";
import { TraitloomError, isTraitloomError } from "./errors.js";
import { analyzeLayers, type Layer, type LayerAnalysis, type LayerSet, type LayersListing, type Trait } from "./layers.js";
import { countsOf, newCombination, uniquenessKeyOf, uniquenessKeys } from "./edit.js";
import type { Deviation, Plan, PlanOptions } from "./planner.js";
import { createRng, shuffleInPlace } from "./rng.js";
import { withRules } from "./ruleModel.js";
import type { RuleSpec } from "./rules.js";

/** One edition of a layer set, as the planner and metadata need it. */
export interface EditionInfo {
  id: string;
  count: number;
  namePrefix?: string | undefined;
  description?: string | undefined;
  restartNameNumbers?: boolean | undefined;
  /** Index of its first layer in the set, and how many it has. */
  firstLayer: number;
  layerCount: number;
}

/** Tokens of a config's editions in all; undefined without editions. */
export function editionsCount(config: Pick<TraitloomConfig, "editions">): number | undefined {
  return config.editions?.reduce((a, e) => a + e.count, 0);
}

/** The trait a layer holds on tokens of other editions. */
function absentTrait(index: number): Trait {
  return { index, name: "", value: "", file: "", weight: 0, parts: [], inMetadata: false, absent: true };
}

/**
 * analyzeLayers for a config with `editions`: every edition's layers read as their own layer list (problems
 * named `editions[i]: layers[j]`), then joined into one layer set with `editions` describing them. A config
 * with rules or counts and editions is refused: rules are not resolved per edition yet.
 */
export function analyzeEditions(listing: LayersListing, config: TraitloomConfig, configSource: string): LayerAnalysis {
  const editions = config.editions ?? [];
  const out: LayerAnalysis = { layerSet: undefined, problems: [], layers: [], skipped: [], unusedFolders: [], warnings: [] };
  if (config.layers !== undefined || config.count !== undefined) {
    throw new TraitloomError("BAD_CONFIG", `${configSource}: editions: expected "editions" alone, found also top-level ${config.layers !== undefined ? '"layers"' : '"count"'}; move them into an edition`);
  }
  const ids = new Set<string>();
  const used = new Set<string>();
  const infos: EditionInfo[] = [];
  const several = editions.length > 1;
  editions.forEach((edition, e) => {
    if (ids.has(edition.id)) throw new TraitloomError("BAD_CONFIG", `${configSource}: editions[${e}].id: expected each edition id once, found "${edition.id}" twice`);
    ids.add(edition.id);
    const { editions: _editions, ...rest } = config;
    const a = analyzeLayers(listing, { ...rest, layers: edition.layers }, `${configSource}: editions[${e}]`);
    const firstLayer = out.layers.length;
    for (const layer of a.layers) {
      const joined: Layer = {
        ...layer,
        index: firstLayer + layer.index,
        traits: several ? [...layer.traits, absentTrait(layer.traits.length)] : layer.traits,
      };
      if (layer.variantOf !== undefined) joined.variantOf = firstLayer + layer.variantOf;
      out.layers.push(joined);
      used.add(layer.folder);
    }
    out.problems.push(...a.problems);
    for (const w of a.warnings) if (!out.warnings.includes(w)) out.warnings.push(w);
    if (e === 0) {
      out.skipped.push(...a.skipped);
      out.dialect = a.dialect;
      out.detected = a.detected;
    }
    infos.push({
      id: edition.id,
      count: edition.count,
      namePrefix: edition.namePrefix,
      description: edition.description,
      restartNameNumbers: edition.restartNameNumbers,
      firstLayer,
      layerCount: a.layers.length,
    });
  });
  out.unusedFolders = listing.folders.map((f) => f.folder).filter((f) => !used.has(f) && !f.startsWith("."));
  if (out.problems.length === 0) {
    out.layerSet = {
      layers: out.layers,
      skipped: out.skipped,
      unusedFolders: out.unusedFolders,
      warnings: out.warnings,
      dialect: out.dialect,
      detected: out.detected,
      editions: infos,
      shuffleIds: config.shuffle === "ids",
      editionRules: { rules: config.rules, counts: config.counts, source: configSource },
    };
  }
  return out;
}

/** An edition's own layers, indexed from 0, without the absent trait. */
export function editionLayers(layerSet: LayerSet, edition: EditionInfo): Layer[] {
  return layerSet.layers.slice(edition.firstLayer, edition.firstLayer + edition.layerCount).map((l) => {
    const own: Layer = { ...l, index: l.index - edition.firstLayer, traits: l.traits.filter((t) => !t.absent) };
    if (l.variantOf !== undefined) own.variantOf = l.variantOf - edition.firstLayer;
    return own;
  });
}

/**
 * The config's rules and fixed counts split by edition: each goes to the editions whose layers hold every id it
 * names (a rule may hold in several editions that share layers); one that holds in none is a BAD_CONFIG error
 * naming it.
 */
export function rulesByEdition(layerSet: LayerSet, editions: readonly EditionInfo[]): Array<RuleSpec | undefined> {
  const spec = layerSet.editionRules;
  const out: Array<RuleSpec | undefined> = editions.map(() => undefined);
  if (!spec) return out;
  const layersOf = editions.map((e) => ({ ...layerSet, layers: editionLayers(layerSet, e), editions: undefined, editionRules: undefined }));
  const resolves = (e: number, one: RuleSpec): boolean => {
    try {
      withRules(layersOf[e] as LayerSet, one, "edition");
      return true;
    } catch {
      return false;
    }
  };
  (spec.rules ?? []).forEach((rule, r) => {
    const fits = editions.map((_, e) => resolves(e, { rules: [rule] }));
    if (!fits.some(Boolean)) throw new TraitloomError("BAD_CONFIG", `${spec.source}: rules[${r}]: expected ids of one edition's layers, found a rule no edition can hold (ids of several editions, or unknown ids)`);
    fits.forEach((ok, e) => {
      if (ok) (out[e] ??= {}).rules = [...(out[e]?.rules ?? []), rule];
    });
  });
  for (const [id, bound] of Object.entries(spec.counts ?? {})) {
    const fits = editions.map((_, e) => resolves(e, { counts: { [id]: bound } }));
    if (!fits.some(Boolean)) throw new TraitloomError("BAD_CONFIG", `${spec.source}: counts["${id}"]: expected a trait of one edition's layers, found none that can hold it`);
    fits.forEach((ok, e) => {
      if (ok) (out[e] ??= {}).counts = { ...out[e]?.counts, [id]: bound };
    });
  }
  return out;
}

/** What metadata shows of a token: its attributes, as one key (trait_type and value of every trait in metadata). */
function attributeKey(layers: readonly Layer[], traits: (layer: number) => number): string {
  const parts: string[] = [];
  for (const layer of layers) {
    const trait = layer.traits[traits(layer.index)];
    if (!trait || trait.absent || trait.inMetadata === false || layer.inMetadata === false) continue;
    parts.push(`${layer.traitType ?? layer.name}\u0000${trait.value}`);
  }
  return parts.sort().join("\u0001");
}

/**
 * Plans every edition on its own layers (`plan` is planCollection; the first edition with the collection's seed,
 * so one edition plans as the same config without `editions`), then joins them: tokens edition after edition, or
 * shuffled by the seed with `shuffleIds`. Uniqueness across editions is by attributes: a token showing the
 * attributes of a token of another edition earlier in the collection is given a new combination of its own
 * edition's layers (edit.ts's newCombination: unique in its edition, its rules kept, counts as near their shares as
 * the choice allows, drawn from a sub-seed of the seed), its counts recounted; where no such combination is left the
 * plan fails, naming both editions.
 */
export function planEditions(
  layerSet: LayerSet & { editions: readonly EditionInfo[] },
  count: number,
  seed: string,
  plan: (layerSet: LayerSet, count: number, seed: string, options: PlanOptions) => Plan,
  options: PlanOptions = {},
): Plan {
  const editions = layerSet.editions;
  const total = editions.reduce((a, e) => a + e.count, 0);
  if (count !== total) throw new TraitloomError("BAD_ARGUMENT", `count: expected ${total} (the editions' counts: ${editions.map((e) => `${e.id} ${e.count}`).join(" + ")}), found ${count}`);
  const L = layerSet.layers.length;
  const split = rulesByEdition(layerSet, editions);
  const ownSets = editions.map((edition, e) => {
    const bare: LayerSet = { ...layerSet, layers: editionLayers(layerSet, edition), editions: undefined, editionRules: undefined };
    return split[e] ? withRules(bare, split[e], layerSet.editionRules?.source ?? "traitloom.json") : bare;
  });
  const plans = editions.map((edition, e) => {
    const own = ownSets[e] as LayerSet;
    try {
      return plan(own, edition.count, e === 0 ? seed : `${seed}\u0000${edition.id}`, options);
    } catch (err) {
      if (isTraitloomError(err)) throw new TraitloomError(err.code, `editions[${e}] ("${edition.id}"): ${err.message}`);
      throw err;
    }
  });
  // Output order: edition after edition, or a seeded shuffle of every token.
  const order: Array<[number, number]> = [];
  editions.forEach((edition, e) => {
    for (let j = 0; j < edition.count; j++) order.push([e, j]);
  });
  if (layerSet.shuffleIds && editions.length > 1) shuffleInPlace(order, createRng(seed, "editions"));
  const traits = new Uint16Array(total * L);
  const editionOf = new Uint16Array(total);
  const nameNumbers = new Float64Array(total);
  // What each attribute set is shown by: the edition of its first token.
  const shownBy = new Map<string, number>();
  const inEdition = editions.map(() => 0);
  /** Per edition, its tokens' uniqueness keys (edit.ts's), made on its first mend and kept up to date. */
  const taken: Array<Set<string> | undefined> = editions.map(() => undefined);
  const before = plans.map((p) => p.counts.map((row) => [...row]));
  const mended = editions.map(() => false);
  /** Full-row trait of layer l for edition e's own combination `local`. */
  const fullTrait = (edition: EditionInfo, local: (k: number) => number, l: number): number => {
    const k = l - edition.firstLayer;
    return k >= 0 && k < edition.layerCount ? local(k) : (layerSet.layers[l]?.traits.length ?? 1) - 1;
  };
  order.forEach(([e, j], i) => {
    const edition = editions[e] as EditionInfo;
    const p = plans[e] as Plan;
    editionOf[i] = e;
    nameNumbers[i] = ++inEdition[e]!;
    const keyOf = (local: (k: number) => number): string => attributeKey(layerSet.layers, (l) => fullTrait(edition, local, l));
    const planned = (k: number): number => p.traits[j * p.layerCount + k] ?? 0;
    let key = keyOf(planned);
    const other = shownBy.get(key);
    if (other !== undefined && other !== e) {
      const first = editions[other] as EditionInfo;
      const own = ownSets[e] as LayerSet;
      const keys = (taken[e] ??= uniquenessKeys(own, p));
      let next: number[];
      try {
        next = newCombination(own, p, j, {
          rng: createRng(seed, `editions\u0000${edition.id}\u0000${j}`),
          taken: keys,
          refuse: (local) => {
            const by = shownBy.get(keyOf((k) => local[k] ?? 0));
            return by !== undefined && by !== e;
          },
        }).traits;
      } catch (err) {
        if (!isTraitloomError(err)) throw err;
        throw new TraitloomError(
          "CAPACITY",
          `editions: expected tokens unique by their attributes across editions, found a token of "${edition.id}" showing the same attributes as one of "${first.id}" and no other combination of "${edition.id}" left; give the editions a layer or trait_type of their own, or fewer tokens`,
        );
      }
      keys.delete(uniquenessKeyOf(own, Array.from({ length: p.layerCount }, (_, k) => planned(k))));
      p.traits.set(next, j * p.layerCount);
      keys.add(uniquenessKeyOf(own, next));
      mended[e] = true;
      key = keyOf(planned);
    }
    for (let l = 0; l < L; l++) traits[i * L + l] = fullTrait(edition, planned, l);
    if (!shownBy.has(key)) shownBy.set(key, e);
  });
  // A mended edition's counts are its tokens' again, and a count the mends moved is a deviation from its plan.
  plans.forEach((p, e) => {
    if (!mended[e]) return;
    const own = ownSets[e] as LayerSet;
    p.counts = countsOf(own, p.traits, p.count, p.layerCount);
    const layers = own.layers;
    p.counts.forEach((row, k) =>
      row.forEach((actual, t) => {
        if (actual === before[e]?.[k]?.[t]) return;
        const layer = layers[k];
        const trait = layer?.traits[t];
        if (!layer || !trait) return;
        const listed = p.deviations.find((d) => d.layer === layer.name && d.trait === trait.name);
        if (listed) listed.actual = actual;
        else p.deviations.push({ layer: layer.name, trait: trait.name, expected: p.expected[k]?.[t] ?? 0, actual });
      }),
    );
  });
  const counts: number[][] = [];
  const expected: number[][] = [];
  const deviations: Deviation[] = [];
  editions.forEach((edition, e) => {
    const p = plans[e] as Plan;
    for (let local = 0; local < edition.layerCount; local++) {
      counts.push([...(p.counts[local] ?? []), total - edition.count]);
      expected.push([...(p.expected[local] ?? []), total - edition.count]);
    }
    deviations.push(...p.deviations);
  });
  if (editions.length === 1) {
    // One edition: its layers hold no absent trait, and its plan is the collection's.
    const only = plans[0] as Plan;
    return { ...only, editionOf, nameNumbers };
  }
  return { count: total, seed, capacity: plans.reduce((a, p) => a + p.capacity, 0), layerCount: L, traits, counts, expected, deviations, editionOf, nameNumbers, editionCapacities: plans.map((p) => p.capacity) };
}

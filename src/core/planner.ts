import { TraitloomError } from "./errors.js";
import type { Layer, LayerSet } from "./layers.js";
import { CollisionIndex, type StepTick } from "./collisions.js";
import { MAX_TOKEN_COUNT, tokenCountError } from "./config.js";
import {
  assignInitialTraits,
  countingLayersOf,
  ejectionChainPass,
  findDeviations,
  moveStuckTokens,
  shuffleTokens,
  swapPass,
  TraitHolders,
} from "./placement.js";
import { planEditions } from "./editions.js";
import { createRng } from "./rng.js";
import { hasRules } from "./ruleModel.js";
import { planWithRules } from "./rulePlanner.js";
import { applyTokenEdits, hasTokenEdits, type PlanEdits } from "./tokenEdits.js";

export { apportion } from "./placement.js";

/** How many unique tokens the layers allow: the product of chooseable traits over layers that count for uniqueness. */
export function capacityOf(layers: readonly Layer[]): number {
  let product = 1;
  for (const layer of layers) {
    if (layer.countsForUniqueness) product *= activeTraitCount(layer);
  }
  return product;
}

function activeTraitCount(layer: Layer): number {
  return layer.traits.filter((t) => t.weight > 0).length;
}

/** "Background 1 × Eyeball 2 × …": how the capacity is made up, smallest factors named first in CAPACITY errors. */
export function describeCapacity(layers: readonly Layer[]): string {
  return layers
    .filter((l) => l.countsForUniqueness)
    .map((l) => `${l.name} ${activeTraitCount(l)}`)
    .join(" × ");
}

/** A trait whose count differs from its weight's share because uniqueness (or a rule) left no other way. */
export interface Deviation {
  layer: string;
  trait: string;
  /** count × weight / Σweights, unrounded. */
  expected: number;
  actual: number;
  /** The config rule that forced the move, as messages name it (`rules[3] (only "Eyes/Laser" with "Body/Gold")`); absent where uniqueness did. */
  rule?: string;
}

/** The planned collection: which trait every token has on every layer, in output order. */
export interface Plan {
  count: number;
  seed: string;
  capacity: number;
  layerCount: number;
  /** traits[token * layerCount + layer] is the trait index of that token on that layer. */
  traits: Uint16Array;
  /** Per layer, per trait: how many tokens have it. */
  counts: number[][];
  /** Per layer, per trait: count × weight / Σweights, unrounded. */
  expected: number[][];
  deviations: Deviation[];
  /** With editions (editions.ts): per token, its edition's index, and its number within the edition (1-based). */
  editionOf?: Uint16Array | undefined;
  nameNumbers?: Float64Array | undefined;
  /** With several editions: each one's capacity (`capacity` is their sum). */
  editionCapacities?: number[] | undefined;
  /** Where the config re-rolls or bans tokens (tokenEdits.ts): the tokens changed and the counts that moved. */
  edits?: PlanEdits | undefined;
}

export function traitOf(plan: Plan, token: number, layer: number): number {
  return plan.traits[token * plan.layerCount + layer] ?? 0;
}

/** The steps of planning as progress names them, in the order they run ("finding collisions" runs before each pass). */
export type PlanStep =
  | "laying out traits"
  | "indexing combinations"
  | "indexing traits"
  | "finding collisions"
  | "mending collisions"
  | "moving stuck tokens"
  | "shuffling tokens";

/** How far planning is: `done` of `total` items (tokens, layers or colliding tokens) of the step running. */
export interface PlanProgress {
  step: PlanStep;
  done: number;
  total: number;
}

export interface PlanOptions {
  /**
   * Hears how far each step is, every few milliseconds of work (65,536 tokens, or 4,096 colliding tokens): core
   * has no clock, so the caller decides when a plan has taken long enough to say so (src/node/generate.ts prints
   * a line every few seconds once planning passes a second). It must not throw.
   */
  onProgress?: ((p: PlanProgress) => void) | undefined;
}

/** Ejection-chain kicks allowed per token of the collection, in all. */
const KICK_BUDGET_PER_TOKEN = 2;
/** The ejection-chain pass runs when the first pass left at most this share of the collection colliding. */
const KICK_PASS_MAX_SHARE = 0.1;

/**
 * Plans `count` unique tokens with exact rarity, before anything is rendered.
 *
 * 1. Fails at once where `count` exceeds the capacity, naming it and the layers that make it up.
 * 2. Per layer, trait counts are apportioned from the weights (each within 1 of its exact share), laid out
 *    in seeded random order, one column per layer (`assignInitialTraits`).
 * 3. Tokens that collide are mended by swapping a trait between two tokens on one layer: swaps keep every
 *    count exact (`swapPass`, then `ejectionChainPass` where few are left). Only where the counts themselves
 *    make uniqueness impossible (a layer's share leaves too few combinations) does a token take an unused
 *    combination, chosen to move counts the least (`moveStuckTokens`); those moves are reported as
 *    deviations. It never gives up while combinations remain: the last resort is a scan of the combination
 *    space, which finds a free one whenever count <= capacity.
 * 4. Tokens are shuffled by the seed (`shuffleTokens`).
 *
 * The steps live in placement.ts and the combinations in collisions.ts; all draw from one Rng made from the
 * seed, in this order, so a seed gives the same plan everywhere. At most MAX_TOKEN_COUNT tokens: what it holds
 * per token (columns, keys, holder lists and counts) stays in memory while it plans.
 *
 * 5. Where the config re-rolls or bans tokens (`reroll`, `ban`), those tokens get new combinations (tokenEdits.ts);
 *    every other token keeps its own. Without them the plan is what it always was.
 */
export function planCollection(layerSet: LayerSet, count: number, seed: string, options: PlanOptions = {}): Plan {
  const plan = planSeed(layerSet, count, seed, options);
  return hasTokenEdits(layerSet) ? applyTokenEdits(layerSet, plan) : plan;
}

function planSeed(layerSet: LayerSet, count: number, seed: string, options: PlanOptions): Plan {
  const editions = layerSet.editions;
  if (editions) return planEditions({ ...layerSet, editions }, count, seed, planCollection, options);
  const layers = layerSet.layers;
  const N = count;
  if (!Number.isInteger(N) || N < 1) throw new TraitloomError("BAD_ARGUMENT", `count: expected a whole number >= 1, found ${N}`);
  if (N > MAX_TOKEN_COUNT) throw tokenCountError("count", N);
  for (const layer of layers) {
    if (layer.traits.length > 65535) throw new TraitloomError("BAD_ARGUMENT", `${layer.folder}: at most 65535 traits per layer, found ${layer.traits.length}`);
  }
  // Rules and fixed counts have their own planner (rulePlanner.ts); without them plans stay as they were.
  if (hasRules(layerSet)) return planWithRules(layerSet, N, seed);
  const capacity = capacityOf(layers);
  if (N > capacity) {
    throw new TraitloomError(
      "CAPACITY",
      `count: expected at most ${capacity} tokens (the unique combinations: ${describeCapacity(layers)}), found ${N}; add traits or lower the count`,
    );
  }
  const onProgress = options.onProgress;
  const tick = (step: PlanStep): StepTick | undefined => (onProgress ? (done, total) => onProgress({ step, done, total }) : undefined);
  const rng = createRng(seed, "plan");
  const { quotas, expected, columns } = assignInitialTraits(layers, N, rng, tick("laying out traits"));
  const counts = quotas.map((q) => [...q]);

  const counting = countingLayersOf(layers);
  const countingColumns = counting.layers.map((l) => columns[l] as Uint16Array);
  const index = new CollisionIndex(countingColumns, counting.radix, N, tick("indexing combinations"));
  const board = { index, holders: new TraitHolders(countingColumns, counting.radix, tick("indexing traits")), active: counting.active };
  swapPass(board, index.duplicates(tick("finding collisions")), rng, undefined, tick("mending collisions"));
  // Where the first pass left many (a collection dense in its combination space), the counts themselves
  // rule out uniqueness for most of them: the walk would only spend time, so they go straight to moving.
  const left = index.duplicates(tick("finding collisions"));
  if (left.length <= N * KICK_PASS_MAX_SHARE) ejectionChainPass(board, left, KICK_BUDGET_PER_TOKEN * N, rng, undefined, tick("mending collisions"));
  moveStuckTokens(index, counting, counts, quotas, capacity, rng, { finding: tick("finding collisions"), moving: tick("moving stuck tokens") });

  const traits = shuffleTokens(columns, N, rng, tick("shuffling tokens"));
  const deviations = findDeviations(layers, counts, quotas, expected);
  return { count: N, seed, capacity, layerCount: layers.length, traits, counts, expected, deviations };
}

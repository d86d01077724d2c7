import type { LayerSet } from "./layers.js";
import type { Plan } from "./planner.js";
import { traitOf } from "./planner.js";

export interface TraitRarity {
  layer: string;
  trait: string;
  weight: number;
  expectedCount: number;
  actualCount: number;
  expectedShare: number;
  actualShare: number;
}

/** How tokens are scored (`rarity.method` in the config). */
export type RarityMethod = "openrarity" | "rarity-tools";
export const RARITY_METHODS: readonly RarityMethod[] = ["openrarity", "rarity-tools"];

export interface RarityReport {
  method: RarityMethod;
  traits: TraitRarity[];
  /**
   * Per token in output order: its score. openrarity: information content over the collection's entropy
   * (OpenRarity's; ~1 is typical, higher is rarer). rarity-tools: the sum over layers of N / trait count.
   */
  scores: Float64Array;
  /** Per token in output order: rank, 1 = rarest; equal scores share a rank (1, 2, 2, 2, 5). */
  ranks: Uint32Array;
  /** Per token: how many of its traits no other token has (OpenRarity ranks by it before the score). */
  uniqueTraits: Uint16Array;
}

/**
 * A collection's traits as rarity reads them: per layer (trait type), each token's value as a number, -1 where
 * the token has none (a "None" trait, left out of its metadata: OpenRarity counts that as a null value). Values
 * that are one string once lower-cased and trimmed are one number, as OpenRarity compares them.
 */
export interface TraitColumns {
  count: number;
  layers: Array<{ name: string; values: Int32Array }>;
}

/** Trait columns of a plan: values from the layer set, "None" traits (settings.noneTraitNames) as -1. */
export function planColumns(layerSet: LayerSet, plan: Plan, noneTraitNames: readonly string[] = ["None"]): TraitColumns {
  const none = new Set(noneTraitNames.map((n) => n.toLowerCase()));
  const layers = layerSet.layers.map((layer, l) => {
    const ids = new Map<string, number>();
    const traitValue = layer.traits.map((t) => {
      if (none.has(t.value.toLowerCase()) || none.has(t.name.toLowerCase())) return -1;
      const key = t.value.trim().toLowerCase();
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      return id;
    });
    const values = new Int32Array(plan.count);
    for (let i = 0; i < plan.count; i++) values[i] = traitValue[traitOf(plan, i, l)] ?? -1;
    return { name: layer.name, values };
  });
  return { count: plan.count, layers };
}

/**
 * Trait columns of tokens read back (manifest.json's `traits`, trait_type → value), for `traitloom update`,
 * `regenerate` and `extend`, which have no plan. `isNone` says which values are "None" traits.
 */
export function valueColumns(layerNames: readonly string[], tokens: ReadonlyArray<Readonly<Record<string, string>>>, isNone: (value: string) => boolean): TraitColumns {
  const layers = layerNames.map((name) => {
    const ids = new Map<string, number>();
    const values = new Int32Array(tokens.length);
    tokens.forEach((t, i) => {
      const v = t[name];
      if (v === undefined || isNone(v)) {
        values[i] = -1;
        return;
      }
      const key = v.trim().toLowerCase();
      let id = ids.get(key);
      if (id === undefined) ids.set(key, (id = ids.size));
      values[i] = id;
    });
    return { name, values };
  });
  return { count: tokens.length, layers };
}

/** Occurrences of each value of a column; nulls (-1) under key -1. */
function tally(values: Int32Array): Map<number, number> {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Python's math.isclose with its defaults (rel_tol 1e-9), as OpenRarity compares scores. */
function isClose(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

/**
 * Scores and ranks by OpenRarity's information content (FIELD.md F15): per trait type the probability count/N
 * of the token's value (a missing value is a null value of that type), plus the meta trait "trait count" (how
 * many non-null traits the token has); IC = Σ −log2 p; score = IC / the collection's entropy (Σ over trait types
 * of −Σ p·log2 p, nulls and the meta trait included). Rank: by the number of traits unique to the token, then by
 * score, both descending; close scores (math.isclose) share a rank, ranked as SQL's RANK (1, 2, 2, 2, 5); the
 * order within a tie is by position.
 */
export function openRarityScores(columns: TraitColumns): { scores: Float64Array; ranks: Uint32Array; uniqueTraits: Uint16Array } {
  const N = columns.count;
  const traitCount = new Int32Array(N);
  for (const layer of columns.layers) for (let i = 0; i < N; i++) if ((layer.values[i] ?? -1) >= 0) traitCount[i] = (traitCount[i] ?? 0) + 1;
  const all = [...columns.layers.map((l) => ({ values: l.values, meta: false })), { values: traitCount, meta: true }];
  const ic = new Float64Array(N);
  const uniqueTraits = new Uint16Array(N);
  let entropy = 0;
  for (const { values, meta } of all) {
    const counts = tally(values);
    for (const c of counts.values()) {
      const p = c / N;
      entropy -= p * Math.log2(p);
    }
    for (let i = 0; i < N; i++) {
      const v = values[i] ?? -1;
      const c = counts.get(v) ?? N;
      ic[i] = (ic[i] ?? 0) - Math.log2(c / N);
      if (!meta && v >= 0 && c === 1) uniqueTraits[i] = (uniqueTraits[i] ?? 0) + 1;
    }
  }
  const scores = new Float64Array(N);
  for (let i = 0; i < N; i++) scores[i] = entropy > 0 ? (ic[i] ?? 0) / entropy : 0;
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => (uniqueTraits[b] ?? 0) - (uniqueTraits[a] ?? 0) || (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return { scores, ranks: sharedRanks(order, scores), uniqueTraits };
}

/** Ranks in `order`, where a score close to the one before shares its rank (RANK, not DENSE_RANK). */
function sharedRanks(order: readonly number[], scores: Float64Array): Uint32Array {
  const ranks = new Uint32Array(order.length);
  order.forEach((tokenIndex, r) => {
    const prev = order[r - 1];
    ranks[tokenIndex] = prev !== undefined && isClose(scores[prev] ?? 0, scores[tokenIndex] ?? 0) ? (ranks[prev] ?? r + 1) : r + 1;
  });
  return ranks;
}

/** Today's score before 0.3.0 (rarity.tools' sum over layers of N / the count of the token's trait), ties sharing a rank. */
export function rarityToolsScores(columns: TraitColumns): { scores: Float64Array; ranks: Uint32Array; uniqueTraits: Uint16Array } {
  const N = columns.count;
  const scores = new Float64Array(N);
  const uniqueTraits = new Uint16Array(N);
  for (const layer of columns.layers) {
    const counts = tally(layer.values);
    for (let i = 0; i < N; i++) {
      const c = counts.get(layer.values[i] ?? -1) ?? 1;
      scores[i] = (scores[i] ?? 0) + N / c;
      if ((layer.values[i] ?? -1) >= 0 && c === 1) uniqueTraits[i] = (uniqueTraits[i] ?? 0) + 1;
    }
  }
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  return { scores, ranks: sharedRanks(order, scores), uniqueTraits };
}

/** Scores of a collection's trait columns by `method`. */
export function scoreTokens(columns: TraitColumns, method: RarityMethod): { scores: Float64Array; ranks: Uint32Array; uniqueTraits: Uint16Array } {
  switch (method) {
    case "openrarity":
      return openRarityScores(columns);
    case "rarity-tools":
      return rarityToolsScores(columns);
  }
}

/** Tiers by rank scaled to 10,000 tokens, as datlips names them (FIELD.md F15): the top 1% Mythic, … the rest Common. */
const TIERS: ReadonlyArray<readonly [number, string]> = [
  [100, "Mythic"],
  [600, "Legendary"],
  [1500, "Epic"],
  [3100, "Rare"],
  [5600, "Uncommon"],
  [Infinity, "Common"],
];

/** The tier of rank `rank` (1 = rarest) among `count` tokens. */
export function rarityTier(rank: number, count: number): string {
  const scaled = ((rank - 1) / count) * 10000;
  return TIERS.find(([upTo]) => scaled < upTo)?.[1] ?? "Common";
}

/** `rarity.attributes` in the config: which of rank, score and tier are added to every token's attributes. */
export interface RarityAttributeOptions {
  rank?: boolean | undefined;
  score?: boolean | undefined;
  tier?: boolean | undefined;
}

/**
 * The rarity attributes of token `index`, after its traits: "Rarity Rank" and "Rarity Score" as numbers (OpenSea
 * shows numbers with display_type "number"), "Rarity Tier" as text. Empty where none is asked for.
 */
export function rarityAttributes(report: Pick<RarityReport, "scores" | "ranks">, index: number, options: RarityAttributeOptions | undefined): Array<{ trait_type: string; value: string | number; display_type?: "number" }> {
  if (!options) return [];
  const out: Array<{ trait_type: string; value: string | number; display_type?: "number" }> = [];
  const rank = report.ranks[index] ?? 0;
  if (options.rank) out.push({ trait_type: "Rarity Rank", value: rank, display_type: "number" });
  if (options.score) out.push({ trait_type: "Rarity Score", value: roundScore(report.scores[index] ?? 0), display_type: "number" });
  if (options.tier) out.push({ trait_type: "Rarity Tier", value: rarityTier(rank, report.ranks.length) });
  return out;
}

/** A score as files write it: 6 decimals. */
export function roundScore(score: number): number {
  return Math.round(score * 1e6) / 1e6;
}

/** Expected vs actual count and share of every trait, and every token's score and rank by `method`. */
export function rarityReport(layerSet: LayerSet, plan: Plan, method: RarityMethod = "openrarity", noneTraitNames: readonly string[] = ["None"]): RarityReport {
  const N = plan.count;
  const traits: TraitRarity[] = [];
  const editions = layerSet.editions !== undefined && layerSet.editions.length > 1;
  layerSet.layers.forEach((layer, l) => {
    const total = layer.traits.reduce((a, t) => a + t.weight, 0);
    layer.traits.forEach((trait, t) => {
      // Another edition's tokens on this layer are no trait of it.
      if (trait.absent) return;
      const actual = plan.counts[l]?.[t] ?? 0;
      // With editions a layer is drawn by its edition's tokens only: the plan's expected count is of that edition's
      // count, and its share of the whole collection is that count over N (as actualShare is).
      const expectedCount = editions ? (plan.expected[l]?.[t] ?? 0) : (N * trait.weight) / total;
      traits.push({
        layer: layer.name,
        trait: trait.name,
        weight: trait.weight,
        expectedCount,
        actualCount: actual,
        expectedShare: editions ? (N > 0 ? expectedCount / N : 0) : trait.weight / total,
        actualShare: actual / N,
      });
    });
  });
  return { method, traits, ...scoreTokens(planColumns(layerSet, plan, noneTraitNames), method) };
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/**
 * What a spreadsheet runs as a formula (OWASP "CSV Injection"): a cell starting with =, +, -, @, tab or carriage
 * return; and, where a semicolon is the separator (Excel in many locales), such a character right after one.
 */
const FORMULA_START_RE = /^[=+\-@\t\r]/;
const FORMULA_AFTER_SEPARATOR_RE = /;[=+\-@\t\r]/;

/**
 * A cell of names (layer, trait: the user's words, from file and folder names), safe to open in a spreadsheet.
 * OWASP's remedy for a cell that would start a formula: a single quote in front, the cell in double quotes (its
 * quotes doubled), so it reads as text. A semicolon followed by a formula character is quoted, so a semicolon
 * locale keeps it one cell. Every other cell is written as csvCell writes it.
 */
export function csvTextCell(text: string): string {
  if (FORMULA_START_RE.test(text)) return `"'${text.replaceAll('"', '""')}"`;
  if (FORMULA_AFTER_SEPARATOR_RE.test(text)) return `"${text.replaceAll('"', '""')}"`;
  return csvCell(text);
}

/** rarity.csv: one row per trait, expected vs actual count and share. */
export function rarityCsv(report: Pick<RarityReport, "traits">): string {
  const rows = ["layer,trait,weight,expected_count,actual_count,expected_share,actual_share"];
  for (const t of report.traits) {
    const numbers = [t.weight, t.expectedCount.toFixed(2), t.actualCount, t.expectedShare.toFixed(6), t.actualShare.toFixed(6)].map(csvCell);
    rows.push([csvTextCell(t.layer), csvTextCell(t.trait), ...numbers].join(","));
  }
  return `${rows.join("\n")}\n`;
}

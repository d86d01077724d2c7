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

export interface RarityReport {
  traits: TraitRarity[];
  /** Per token in output order: rarity score (sum over layers of count / trait count, as rarity.tools). */
  scores: Float64Array;
  /** Per token in output order: rank, 1 = rarest; equal scores rank by id. */
  ranks: Uint32Array;
}

/** Expected vs actual count and share of every trait, and every token's rarity score and rank. */
export function rarityReport(layerSet: LayerSet, plan: Plan): RarityReport {
  const N = plan.count;
  const traits: TraitRarity[] = [];
  layerSet.layers.forEach((layer, l) => {
    const total = layer.traits.reduce((a, t) => a + t.weight, 0);
    layer.traits.forEach((trait, t) => {
      // Another edition's tokens on this layer are no trait of it.
      if (trait.absent) return;
      const actual = plan.counts[l]?.[t] ?? 0;
      traits.push({
        layer: layer.name,
        trait: trait.name,
        weight: trait.weight,
        expectedCount: (N * trait.weight) / total,
        actualCount: actual,
        expectedShare: trait.weight / total,
        actualShare: actual / N,
      });
    });
  });
  const scores = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let l = 0; l < plan.layerCount; l++) s += N / (plan.counts[l]?.[traitOf(plan, i, l)] ?? 1);
    scores[i] = s;
  }
  const order = Array.from({ length: N }, (_, i) => i).sort((a, b) => (scores[b] ?? 0) - (scores[a] ?? 0) || a - b);
  const ranks = new Uint32Array(N);
  order.forEach((tokenIndex, r) => (ranks[tokenIndex] = r + 1));
  return { traits, scores, ranks };
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
export function rarityCsv(report: RarityReport): string {
  const rows = ["layer,trait,weight,expected_count,actual_count,expected_share,actual_share"];
  for (const t of report.traits) {
    const numbers = [t.weight, t.expectedCount.toFixed(2), t.actualCount, t.expectedShare.toFixed(6), t.actualShare.toFixed(6)].map(csvCell);
    rows.push([csvTextCell(t.layer), csvTextCell(t.trait), ...numbers].join(","));
  }
  return `${rows.join("\n")}\n`;
}

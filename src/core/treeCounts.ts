/**
 * Exact counts down a layer's tree of choices: every folder's count and every trait's count is within 1 of its
 * share of the collection (count × product of local shares along its path), and a folder's count is the sum of its
 * children's. Top-down, each folder's count is split among its children by largest remainder on their own expected
 * counts; that split always exists (the children's floors sum to at most the folder's count, their ceilings to at
 * least it), which is what keeps every level within 1 at once.
 */
import { apportion, distribute } from "./placement.js";
import type { Rng } from "./rng.js";

/** A layer's choices as counting sees them: a trait (leaf, its DNA index) or a folder of weighted children. */
export type CountNode = { weight: number; trait: number } | { weight: number; children: CountNode[] };

function isLeaf(node: CountNode): node is { weight: number; trait: number } {
  return "trait" in node;
}

/** Number of traits (leaves) under a node: the length of the quota array. */
function traitCount(node: CountNode): number {
  return isLeaf(node) ? node.trait + 1 : node.children.reduce((m, c) => Math.max(m, traitCount(c)), 0);
}

/**
 * Per trait (DNA index), its count out of `total`, and its expected (unrounded) count. A flat layer (one folder of
 * traits) is apportioned exactly as `apportion` does, draw for draw, so HashLips folders plan as they always have.
 */
export function apportionTree(total: number, root: CountNode, rng: Rng): { quota: number[]; expected: number[] } {
  const n = traitCount(root);
  const quota = new Array<number>(n).fill(0);
  const expected = new Array<number>(n).fill(0);
  if (isLeaf(root)) {
    quota[root.trait] = total;
    expected[root.trait] = total;
    return { quota, expected };
  }
  if (root.children.every(isLeaf)) {
    const weights = root.children.map((c) => c.weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    const shares = apportion(total, weights, rng);
    root.children.forEach((c, i) => {
      const t = (c as { trait: number }).trait;
      quota[t] = shares[i] ?? 0;
      expected[t] = (total * (weights[i] ?? 0)) / sum;
    });
    return { quota, expected };
  }
  const walk = (node: CountNode, count: number, exact: number): void => {
    if (isLeaf(node)) {
      quota[node.trait] = count;
      expected[node.trait] = exact;
      return;
    }
    const weights = node.children.map((c) => c.weight);
    const sum = weights.reduce((a, b) => a + b, 0);
    if (sum <= 0) {
      if (count > 0) throw new RangeError("apportionTree: a folder with a count has no chooseable child");
      node.children.forEach((c) => walk(c, 0, 0));
      return;
    }
    const childExact = weights.map((w) => (exact * w) / sum);
    const counts = distribute(count, childExact, weights, rng);
    node.children.forEach((c, i) => walk(c, counts[i] ?? 0, childExact[i] ?? 0));
  };
  walk(root, total, total);
  return { quota, expected };
}

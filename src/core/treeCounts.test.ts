import { describe, expect, it } from "vitest";
import { apportion } from "./placement.js";
import { createRng } from "./rng.js";
import { apportionTree, type CountNode } from "./treeCounts.js";

const leaf = (trait: number, weight: number): CountNode => ({ trait, weight });
const folder = (weight: number, children: CountNode[]): CountNode => ({ weight, children });

/** Every folder's and leaf's count within 1 of its expectation, folder counts = sums of their children. */
function checkTree(node: CountNode, quota: number[], total: number, share = 1): number {
  if ("trait" in node) {
    const q = quota[node.trait] ?? 0;
    expect(Math.abs(q - total * share)).toBeLessThan(1 + 1e-9);
    return q;
  }
  const sum = node.children.reduce((a, c) => a + c.weight, 0);
  const got = node.children.reduce((a, c) => a + checkTree(c, quota, total, sum > 0 ? (share * c.weight) / sum : 0), 0);
  expect(Math.abs(got - total * share)).toBeLessThan(1 + 1e-9);
  return got;
}

describe("apportionTree", () => {
  it("a flat layer is apportioned exactly as apportion does, with the same draws", () => {
    const weights = [30, 8, 2, 0, 5];
    for (const total of [1, 7, 100, 999]) {
      const a = apportion(total, weights, createRng("s", "plan"));
      const rngB = createRng("s", "plan");
      const b = apportionTree(total, folder(1, weights.map((w, i) => leaf(i, w))), rngB);
      expect(b.quota).toEqual(a);
      // Same number of draws: the next draw of both generators agrees.
      const rngA = createRng("s", "plan");
      apportion(total, weights, rngA);
      expect(rngB.next()).toBe(rngA.next());
    }
  });

  it("nested folders (nftchef's Eyes: z1,eye#50 {happy#50, normal#50}, star eyes#30): leaves and folders within 1", () => {
    const eyes = folder(1, [folder(50, [leaf(0, 50), leaf(1, 50)]), leaf(2, 30)]);
    const { quota, expected } = apportionTree(1000, eyes, createRng("eyes", "plan"));
    expect(quota.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(expected[0]).toBeCloseTo(312.5);
    expect(expected[2]).toBeCloseTo(375);
    checkTree(eyes, quota, 1000);
  });

  it("random deep trees: every node within 1 of its share, the total exact", () => {
    const rng = createRng("trees", "test");
    for (let c = 0; c < 300; c++) {
      let next = 0;
      const make = (depth: number): CountNode => {
        const w = Math.floor(rng.next() * 20);
        if (depth > 3 || rng.next() < 0.4) return leaf(next++, w);
        const kids = 1 + Math.floor(rng.next() * 4);
        return folder(w, Array.from({ length: kids }, () => make(depth + 1)));
      };
      const root = folder(1, Array.from({ length: 2 + Math.floor(rng.next() * 4) }, () => make(1)));
      const positive = (n: CountNode): boolean => ("trait" in n ? n.weight > 0 : n.weight > 0 && n.children.some(positive));
      if (!(root as { children: CountNode[] }).children.some(positive)) continue;
      // Folders of weight > 0 whose children all weigh 0 cannot take a count: give such leaves weight 1.
      const fix = (n: CountNode): void => {
        if ("trait" in n) return;
        n.children.forEach(fix);
        if (n.children.every((k) => k.weight === 0 || ("children" in k && !k.children.some(positive)))) {
          const first = n.children[0];
          if (first) first.weight = Math.max(1, first.weight);
          if (first && "children" in first) fix(first);
        }
      };
      fix(root);
      const total = 1 + Math.floor(rng.next() * 5000);
      const { quota } = apportionTree(total, root, createRng(`t${c}`, "plan"));
      expect(quota.reduce((a, b) => a + b, 0)).toBe(total);
      checkTree(root, quota, total);
    }
  });
});

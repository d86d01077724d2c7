import { describe, expect, it } from "vitest";
import { CollisionIndex } from "./collisions.js";
import { createRng } from "./rng.js";

function columnsOf(rows: number[][]): Uint16Array[] {
  const width = rows[0]?.length ?? 0;
  return Array.from({ length: width }, (_, u) => Uint16Array.from(rows.map((r) => r[u] ?? 0)));
}

/** Holder counts recounted from the columns, by joined combination: what the index must agree with. */
function recount(columns: readonly Uint16Array[], tokenCount: number): Map<string, number> {
  const m = new Map<string, number>();
  for (let i = 0; i < tokenCount; i++) {
    const k = columns.map((c) => c[i]).join(",");
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

function expectAgrees(index: CollisionIndex, columns: readonly Uint16Array[], tokenCount: number): void {
  const truth = recount(columns, tokenCount);
  for (let i = 0; i < tokenCount; i++) {
    const combo = columns.map((c) => c[i] ?? 0);
    expect(index.comboOf(i)).toEqual(combo);
    expect(index.keyOf(i)).toBe(index.keyOfCombo(combo));
    expect(index.holders(index.keyOf(i))).toBe(truth.get(combo.join(",")));
  }
  const firstSeen = new Set<string>();
  const dups: number[] = [];
  for (let i = 0; i < tokenCount; i++) {
    const k = columns.map((c) => c[i]).join(",");
    if (firstSeen.has(k)) dups.push(i);
    firstSeen.add(k);
  }
  expect(index.duplicates()).toEqual(dups);
}

describe("CollisionIndex", () => {
  const rows = [
    [0, 1, 2],
    [1, 1, 2],
    [0, 1, 2],
    [2, 0, 0],
    [0, 1, 2],
    [1, 1, 2],
  ];

  it("counts the holders of every combination and finds the duplicates, first holder excluded, in token order", () => {
    const columns = columnsOf(rows);
    const index = new CollisionIndex(columns, [3, 2, 3], rows.length);
    expect(index.holders(index.keyOfCombo([0, 1, 2]))).toBe(3);
    expect(index.holders(index.keyOfCombo([1, 1, 2]))).toBe(2);
    expect(index.holders(index.keyOfCombo([2, 0, 0]))).toBe(1);
    expect(index.isTaken(index.keyOfCombo([2, 1, 1]))).toBe(false);
    expect(index.duplicates()).toEqual([2, 4, 5]);
    expect([0, 1, 2, 3, 4, 5].map((i) => index.isShared(i))).toEqual([true, true, true, false, true, true]);
  });

  it("keys are mixed-radix numbers that decode back, and keyWith is the key of the changed combination", () => {
    const index = new CollisionIndex(columnsOf(rows), [3, 2, 3], rows.length);
    expect(index.numeric).toBe(true);
    expect(index.keyOfCombo([2, 1, 2])).toBe(2 * 6 + 1 * 3 + 2);
    expect(index.comboOfKey(17)).toEqual([2, 1, 2]);
    expect(index.keyWith(3, 1, 1)).toBe(index.keyOfCombo([2, 1, 0]));
    expect(index.keyWith(0, 0, 2)).toBe(index.keyOfCombo([2, 1, 2]));
  });

  it("move takes a token's combination out (freeing it at no holders) and puts the new one in", () => {
    const columns = columnsOf(rows);
    const index = new CollisionIndex(columns, [3, 2, 3], rows.length);
    const old = index.keyOfCombo([2, 0, 0]);
    index.move(3, [2, 1, 1]);
    expect(index.isTaken(old)).toBe(false);
    expect(index.holders(index.keyOfCombo([2, 1, 1]))).toBe(1);
    expect([columns[0]?.[3], columns[1]?.[3], columns[2]?.[3]]).toEqual([2, 1, 1]);
    index.move(4, [2, 1, 1]);
    expect(index.holders(index.keyOfCombo([2, 1, 1]))).toBe(2);
    expect(index.holders(index.keyOfCombo([0, 1, 2]))).toBe(2);
    expectAgrees(index, columns, rows.length);
  });

  it("swap exchanges two tokens' traits on one layer, in the columns and the counts", () => {
    const columns = columnsOf(rows);
    const index = new CollisionIndex(columns, [3, 2, 3], rows.length);
    index.swap(0, 2, 3);
    expect(index.comboOf(2)).toEqual([2, 1, 2]);
    expect(index.comboOf(3)).toEqual([0, 0, 0]);
    expect(index.holders(index.keyOfCombo([0, 1, 2]))).toBe(2);
    expect(index.isTaken(index.keyOfCombo([2, 0, 0]))).toBe(false);
    expectAgrees(index, columns, rows.length);
  });

  it("swapping a token with itself changes nothing", () => {
    const columns = columnsOf(rows);
    for (const radix of [
      [3, 2, 3],
      [3, 2 ** 26, 2 ** 26],
    ]) {
      const index = new CollisionIndex(columns, radix, rows.length);
      index.swap(1, 3, 3);
      expect(index.holders(index.keyOfCombo([2, 0, 0]))).toBe(1);
      expectAgrees(index, columns, rows.length);
    }
  });

  it("one layer: a token is a duplicate exactly when an earlier token has its trait", () => {
    const columns = [Uint16Array.from([4, 1, 4, 0, 1, 4])];
    const index = new CollisionIndex(columns, [5], 6);
    expect(index.duplicates()).toEqual([2, 4, 5]);
    expect(index.keyWith(0, 0, 3)).toBe(3);
    index.move(2, [3]);
    index.move(4, [2]);
    expect(index.duplicates()).toEqual([5]);
    expectAgrees(index, columns, 6);
  });

  it("no counting layer: every token has the same, empty, combination", () => {
    const index = new CollisionIndex([], [], 3);
    expect(index.keyOf(0)).toBe(index.keyOf(2));
    expect(index.holders(index.keyOfCombo([]))).toBe(3);
    expect(index.duplicates()).toEqual([1, 2]);
  });

  it("keys stay numbers up to 2^52 combinations and become strings beyond, with the same answers", () => {
    expect(new CollisionIndex(columnsOf([Array(52).fill(0)]), Array(52).fill(2), 1).numeric).toBe(true);
    const rows53 = [Array(53).fill(0), Array(53).fill(1), Array(53).fill(0)];
    const columns = columnsOf(rows53);
    const index = new CollisionIndex(columns, Array(53).fill(2), 3);
    expect(index.numeric).toBe(false);
    expect(typeof index.keyOf(0)).toBe("string");
    expect(index.duplicates()).toEqual([2]);
    const changed = [...(rows53[0] as number[])];
    changed[52] = 1;
    expect(index.keyWith(2, 52, 1)).toBe(index.keyOfCombo(changed));
    expect(index.isTaken(index.keyWith(2, 52, 1))).toBe(false);
    index.swap(52, 2, 1);
    expect(index.duplicates()).toEqual([]);
    expectAgrees(index, columns, 3);
  });

  it("a columns/radix mismatch is refused", () => {
    expect(() => new CollisionIndex([new Uint16Array(2)], [2, 2], 2)).toThrow(RangeError);
  });

  // Dense counts (few combinations), a Map of numbers (more than 2^22) and a Map of strings (more than 2^52):
  // random swaps and moves, the index checked against a recount after each.
  it.each([
    ["dense", [3, 4, 2]],
    ["numeric map", [300, 200, 100]],
    ["string keys", [2000, 2000, 2000, 2000, 2000]],
    ["many layers", Array(12).fill(3) as number[]],
  ] as Array<[string, number[]]>)("stays right through random swaps and moves (%s)", (_name, radix) => {
    const rng = createRng(`collisions-${radix.join("x")}`);
    const N = 40;
    // Only the first few traits of each layer are used, so collisions are common.
    const columns = radix.map((r) => Uint16Array.from({ length: N }, () => rng.int(Math.min(r, 3))));
    const index = new CollisionIndex(columns, radix, N);
    expectAgrees(index, columns, N);
    for (let step = 0; step < 200; step++) {
      if (rng.next() < 0.5) index.swap(rng.int(radix.length), rng.int(N), rng.int(N));
      else index.move(rng.int(N), radix.map((r) => rng.int(Math.min(r, 4))));
      if (step % 20 === 0) expectAgrees(index, columns, N);
    }
    expectAgrees(index, columns, N);
  });
});

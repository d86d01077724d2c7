import { describe, expect, it } from "vitest";
import { applyHistory, newCombination, resolveAvoid, uniquenessKeys } from "./edit.js";
import { isTraitloomError } from "./errors.js";
import { buildLayerSet } from "./layers.js";
import { planCollection } from "./planner.js";
import { createRng } from "./rng.js";

const set = buildLayerSet({
  root: "mem",
  rootFiles: [],
  folders: [
    { folder: "01-A", files: [{ name: "a0.png", size: 1 }, { name: "a1.png", size: 1 }, { name: "a2.png", size: 1 }], subfolders: [] },
    { folder: "02-B", files: [{ name: "b0.png", size: 1 }, { name: "b1.png", size: 1 }], subfolders: [] },
  ],
});
const plan = planCollection(set, 4, "edit");
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return isTraitloomError(e) ? e.message : String(e);
  }
  return "no error";
};

describe("applyHistory", () => {
  it("patches regenerated tokens, appends extensions and recounts", () => {
    const edited = applyHistory(set, plan, [{ command: "regenerate", id: 1, index: 0, oldDna: "0-0", newDna: "2-1" }, { command: "extend", from: 4, dna: ["1-1"] }]);
    expect(edited.count).toBe(5);
    expect([edited.traits[0], edited.traits[1], edited.traits[8], edited.traits[9]]).toEqual([2, 1, 1, 1]);
    expect(edited.counts.map((c) => c.reduce((a, b) => a + b, 0))).toEqual([5, 5]);
    expect(applyHistory(set, plan, [{ command: "update", fields: ["baseUri"], metadataHash: "x" }])).toBe(plan);
  });
  it("refuses a regenerate past the end, an extend not at the end, a DNA of the wrong shape", () => {
    expect(message(() => applyHistory(set, plan, [{ command: "regenerate", id: 9, index: 8, oldDna: "0-0", newDna: "1-1" }]))).toBe("manifest.json: history: regenerate of token 9 at position 8, expected a position below 4");
    expect(message(() => applyHistory(set, plan, [{ command: "extend", from: 3, dna: ["1-1"] }]))).toBe("manifest.json: history: extend from position 3, expected 4 (the collection's end)");
    expect(message(() => applyHistory(set, plan, [{ command: "extend", from: 4, dna: ["1"] }]))).toBe('history: extend: expected 2 trait indexes joined by "-", found "1"');
  });
});

describe("newCombination", () => {
  it("is unique against the others and avoids the given traits; with nothing left it says so", () => {
    const found = newCombination(set, plan, 0, { rng: createRng("x"), avoid: [resolveAvoid(set, "A/a0")] });
    expect(found.traits[0]).not.toBe(0);
    const keys = uniquenessKeys(set, applyHistory(set, plan, [{ command: "regenerate", id: 1, index: 0, oldDna: "0-0", newDna: found.traits.join("-") }]));
    expect(keys.size).toBe(4);
    expect(found.moved.every((m) => Math.abs(m.to - m.from) === 1)).toBe(true);
    const full = planCollection(set, 6, "edit");
    expect(message(() => newCombination(set, full, 6, { rng: createRng("x"), isNew: true }))).toBe("token at position 6: expected a combination unlike every other token's that keeps the rules, found none");
    expect(message(() => resolveAvoid(set, "A/zz"))).toBe('--avoid: expected a trait such as "A/a0", found "A/zz"');
  });
});

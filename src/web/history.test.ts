import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, type StudioSettings } from "../browser/project.js";
import { COALESCE_MS, HISTORY_LIMIT, record, redo, startHistory, undo } from "./history.js";
import { editGroup } from "./useProject.js";

describe("undo and redo", () => {
  it("undoes and redoes steps in order; a new edit drops the redo steps", () => {
    let h = startHistory(1);
    h = record(h, 2, undefined, 0);
    h = record(h, 3, undefined, 10);
    h = undo(h);
    expect(h.present).toBe(2);
    h = undo(h);
    expect(h.present).toBe(1);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe(2);
    h = record(h, 9, undefined, 20);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(h).present).toBe(2);
  });

  it("makes one step of edits to the same field within COALESCE_MS, and two steps past it or of another field", () => {
    let h = startHistory("");
    h = record(h, "2", "count", 1000);
    h = record(h, "25", "count", 1000 + COALESCE_MS - 1);
    h = record(h, "250", "count", 1000 + 2 * COALESCE_MS - 2);
    expect(undo(h).present).toBe("");
    h = record(h, "2500", "count", 1000 + 4 * COALESCE_MS);
    expect(undo(h).present).toBe("250");
    h = record(h, "x", "seed", 1000 + 4 * COALESCE_MS + 1);
    expect(undo(h).present).toBe("2500");
    // undefined never coalesces.
    let g = startHistory(0);
    g = record(g, 1, undefined, 0);
    g = record(g, 2, undefined, 1);
    expect(undo(g).present).toBe(1);
  });

  it("keeps at most HISTORY_LIMIT steps", () => {
    let h = startHistory(0);
    for (let i = 1; i <= HISTORY_LIMIT + 5; i++) h = record(h, i, undefined, i * 10_000);
    expect(h.past).toHaveLength(HISTORY_LIMIT);
    expect(h.past[0]).toBe(5);
  });

  it("groups typing into one field and one trait's weight, never a reorder or a visibility change", () => {
    const layers = [
      { folder: "A", name: "A", visible: true, weights: {} },
      { folder: "B", name: "B", visible: true, weights: { x: 1 } },
    ];
    const prev: StudioSettings = { ...DEFAULT_SETTINGS, layers };
    expect(editGroup(prev, { count: 5 })).toBe("count");
    expect(editGroup(prev, { count: 5, seed: "x" })).toBeUndefined();
    expect(editGroup(prev, { resize: "fit" })).toBeUndefined();
    expect(editGroup(prev, { layers: [layers[0]!, { ...layers[1]!, weights: { x: 2 } }] })).toBe("trait:B/x");
    expect(editGroup(prev, { layers: [layers[0]!, { ...layers[1]!, weights: { x: 1, y: 3 } }] })).toBe("trait:B/y");
    expect(editGroup(prev, { layers: [layers[1]!, layers[0]!] })).toBeUndefined();
    expect(editGroup(prev, { layers: [layers[0]!, { ...layers[1]!, visible: false }] })).toBeUndefined();
    expect(editGroup(prev, { layers: [{ ...layers[0]!, weights: { q: 1 } }, { ...layers[1]!, weights: { x: 2 } }] })).toBeUndefined();
  });
});

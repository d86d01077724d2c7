import { describe, expect, it } from "vitest";
import { DEFAULT_SETTINGS, withEditions, type Analysis, type StudioSettings } from "../browser/project.js";
import { record, startHistory, undo } from "./history.js";
import { previewRenderKey } from "./runKey.js";
import { editGroup } from "./useProject.js";

const layers = [
  { folder: "A", name: "A", visible: true, weights: {} },
  { folder: "B", name: "B", visible: true, weights: {} },
];
const prev: StudioSettings = { ...DEFAULT_SETTINGS, layers, editions: [{ id: "one", count: 3, layers: ["A"] }, { id: "two", count: 2, layers: ["B"] }], count: 5 };
const edit = (i: number, p: Partial<NonNullable<StudioSettings["editions"]>[number]>) =>
  withEditions(prev, (prev.editions ?? []).map((e, k) => (k === i ? { ...e, ...p } : e)), prev.shuffle);

describe("undo steps of editions", () => {
  it("makes typing into one edition's count, id or name prefix one step, and anything else a step of its own", () => {
    expect(editGroup(prev, edit(0, { count: 30 }))).toBe("edition:0:count");
    expect(editGroup(prev, edit(1, { id: "twos" }))).toBe("edition:1:id");
    expect(editGroup(prev, edit(1, { namePrefix: "Two" }))).toBe("edition:1:namePrefix");
    expect(editGroup(prev, edit(0, { count: 30, id: "x" }))).toBeUndefined();
    expect(editGroup(prev, edit(0, { layers: ["A", "B"] }))).toBeUndefined();
    expect(editGroup(prev, withEditions(prev, [...(prev.editions ?? []), { id: "three", count: 1, layers: [] }]))).toBeUndefined();
    expect(editGroup(prev, withEditions(prev, prev.editions, "ids"))).toBeUndefined();
  });

  it("undoes an edition's count typed in two keys in one step, with the size it moved", () => {
    const apply = (h: ReturnType<typeof startHistory<StudioSettings>>, patch: Partial<StudioSettings>, at: number) => record(h, { ...h.present, ...patch }, editGroup(h.present, patch), at);
    const change = (s: StudioSettings, p: Partial<NonNullable<StudioSettings["editions"]>[number]>) => withEditions(s, (s.editions ?? []).map((e, k) => (k === 0 ? { ...e, ...p } : e)));
    let h = startHistory(prev);
    h = apply(h, change(h.present, { layers: ["A", "B"] }), 0);
    h = apply(h, change(h.present, { count: 1 }), 5000);
    h = apply(h, change(h.present, { count: 14 }), 5300);
    expect([h.present.editions?.[0]?.count, h.present.count, h.past.length]).toEqual([14, 16, 2]);
    h = undo(h);
    expect([h.present.editions?.[0]?.count, h.present.count, h.present.editions?.[0]?.layers]).toEqual([3, 5, ["A", "B"]]);
    h = undo(h);
    expect(h.present.editions?.[0]?.layers).toEqual(["A"]);
  });
});

describe("the preview's render key with editions", () => {
  const config = (layers: string[][]): Pick<Analysis, "canvas" | "config"> => ({
    canvas: { width: 8, height: 8 },
    config: { editions: layers.map((l, i) => ({ id: `e${i}`, count: 1, layers: l.map((folder) => ({ name: folder, folder })) })) },
  });

  it("changes with an edition's layers and their order, as with the shown layers", () => {
    const a = previewRenderKey(1, config([["A", "B"], ["C"]]));
    expect(previewRenderKey(1, config([["B", "A"], ["C"]]))).not.toBe(a);
    expect(previewRenderKey(1, config([["A", "B"], ["C", "D"]]))).not.toBe(a);
    expect(previewRenderKey(1, config([["A", "B"], ["C"]]))).toBe(a);
    expect(previewRenderKey(1, { canvas: { width: 8, height: 8 }, config: { layers: ["A", { name: "B", folder: "B" }] } })).toBe("1:8x8:error:[\"A\",\"B\"]");
  });
});

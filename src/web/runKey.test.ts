import { describe, expect, it } from "vitest";
import { analyzeProject, DEFAULT_SETTINGS, type Decoded, type StudioSettings } from "../browser/project.js";
import { oneOfOnesKey, runKey, settingsChanges } from "./runKey.js";

const files = [
  { path: "01-A/x#1.png", size: 10 },
  { path: "01-A/y#1.png", size: 10 },
  { path: "02-B/z#1.png", size: 10 },
];
const decoded = new Map<string, Decoded>(files.map((f) => [f.path, { width: 8, height: 8 }]));
const settings: StudioSettings = { ...DEFAULT_SETTINGS, count: 2, seed: "s" };
const key = (s: StudioSettings, fs = files) => runKey(analyzeProject("r", fs, decoded, s), s);

describe("what a result belongs to", () => {
  it("changes with the size, the name prefix, a weight or a layer file, not with the worker count", () => {
    const k = key(settings);
    expect(key({ ...settings })).toBe(k);
    expect(key({ ...settings, workers: 7 })).toBe(k);
    expect(key({ ...settings, count: 1 })).not.toBe(k);
    expect(key({ ...settings, namePrefix: "Other" })).not.toBe(k);
    expect(key({ ...settings, layers: [{ folder: "01-A", name: "A", visible: true, weights: { x: 3 } }, { folder: "02-B", name: "B", visible: true, weights: {} }] })).not.toBe(k);
    expect(key(settings, [...files.slice(0, 2), { path: "02-B/z#1.png", size: 11 }])).not.toBe(k);
  });

  it("changes with the 1-of-1s: a file's bytes, its name, its id; none is the key without them", () => {
    const png = Uint8Array.of(137, 80, 78, 71, 1, 2, 3);
    const ones = (bytes: Uint8Array, place: Record<string, number> | "seeded" = "seeded", name = "legend.png") => oneOfOnesKey({ config: { place }, files: [{ name, bytes }] });
    const a = analyzeProject("r", files, decoded, settings);
    expect(oneOfOnesKey(undefined)).toBe("");
    expect(oneOfOnesKey({ config: { place: "seeded" }, files: [] })).toBe("");
    expect(runKey(a, settings, "")).toBe(runKey(a, settings));
    const k = ones(png);
    expect(ones(Uint8Array.from(png))).toBe(k);
    expect(ones(Uint8Array.of(137, 80, 78, 71, 1, 2, 4))).not.toBe(k);
    expect(ones(png, { "legend.png": 3 })).not.toBe(k);
    expect(ones(png, "seeded", "other.png")).not.toBe(k);
    expect(runKey(a, settings, k)).not.toBe(runKey(a, settings));
    expect(settingsChanges(settings, settings, k, "")).toEqual(["the 1-of-1s"]);
    expect(settingsChanges(settings, { ...settings, count: 3 }, undefined, k)).toEqual(["the size", "the 1-of-1s"]);
    expect(settingsChanges(settings, settings, undefined, "")).toEqual(["the layer files"]);
  });

  it("says which settings changed, in words", () => {
    expect(settingsChanges(settings, { ...settings, count: 3, namePrefix: "P" })).toEqual(["the size", "the name prefix"]);
    expect(settingsChanges(settings, { ...settings })).toEqual(["the layer files"]);
  });
});

import { describe, expect, it } from "vitest";
import { parseConfig } from "../core/config.js";
import { analyzeProject, DEFAULT_SETTINGS, defaultLayers, listingOf, readLayerAlone, studioConfig, withEditions, type Decoded, type StudioSettings } from "./project.js";

const ok: Decoded = { width: 8, height: 8 };
const paths = ["Background/Sky.png", "Background/Sea.png", "Hair/Red.png", "Hair/Blue.png", "Hair/Pink.png", "Skull/Bone.png", "Skull/Ivory.png", "Skull/Ash.png"];
const files = paths.map((path) => ({ path, size: 10 }));
const decoded = new Map(paths.map((p) => [p, ok]));
const layers = defaultLayers(listingOf("layers", files));

function settingsWith(editions: NonNullable<StudioSettings["editions"]>, shuffle?: "ids"): StudioSettings {
  const base: StudioSettings = { ...DEFAULT_SETTINGS, layers };
  return { ...base, ...withEditions(base, editions, shuffle) };
}

describe("editions in the studio's project", () => {
  it("keeps the count their sum and shows the layers an edition draws", () => {
    const s = settingsWith([{ id: "people", count: 6, layers: ["Hair", "Background"] }]);
    expect(s.count).toBe(6);
    expect(s.layers.map((l) => [l.folder, l.visible])).toEqual([["Background", true], ["Hair", true], ["Skull", false]]);
    expect(withEditions(s, [])).toEqual({ editions: undefined, shuffle: undefined });
  });

  it("writes traitloom.json's editions in each edition's own order, with the layers panel's options, and no top-level layers", () => {
    const s = settingsWith([{ id: "people", count: 6, layers: ["Hair", "Background"], namePrefix: "Person" }, { id: "skulls", count: 3, layers: ["Skull"] }], "ids");
    const named = { ...s, layers: s.layers.map((l) => (l.folder === "Hair" ? { ...l, name: "Hairdo", weights: { Red: 5 } } : l)) };
    const config = studioConfig(named);
    expect(config.editions).toEqual([
      { id: "people", count: 6, namePrefix: "Person", layers: [{ name: "Hairdo", folder: "Hair", traits: { Red: 5 } }, { name: "Background", folder: "Background" }] },
      { id: "skulls", count: 3, layers: [{ name: "Skull", folder: "Skull" }] },
    ]);
    expect([config.layers, config.count, config.shuffle]).toEqual([undefined, undefined, "ids"]);
    expect(() => parseConfig(config, "t")).not.toThrow();
  });

  it("counts each edition's capacity and says core's refusal where a count is more", () => {
    const fits = analyzeProject("layers", files, decoded, settingsWith([{ id: "people", count: 6, layers: ["Background", "Hair"] }, { id: "skulls", count: 3, layers: ["Skull"] }]));
    expect(fits.error).toBeUndefined();
    expect(fits.layerSet?.editions?.map((e) => e.id)).toEqual(["people", "skulls"]);
    expect(fits.editions).toEqual([
      { id: "people", count: 6, capacity: 6n, refusal: undefined },
      { id: "skulls", count: 3, capacity: 3n, refusal: undefined },
    ]);
    expect(fits.capacity).toBe(9);
    const over = analyzeProject("layers", files, decoded, settingsWith([{ id: "people", count: 2, layers: ["Background", "Hair"] }, { id: "skulls", count: 4, layers: ["Skull"] }]));
    expect(over.editions?.[1]?.refusal).toMatch(/^editions\[1\] \("skulls"\): count: expected at most 3 tokens \(the unique combinations: .*\), found 4; add traits or lower the count$/);
    // The total would fit (6 + 3 >= 6): the edition's own capacity is what refuses.
    expect(over.capacity).toBeGreaterThanOrEqual(6);
  });

  it("refuses an edition without layers and an id twice as the analysis error, without throwing", () => {
    const empty = analyzeProject("layers", files, decoded, settingsWith([{ id: "people", count: 2, layers: ["Hair"] }, { id: "new", count: 1, layers: [] }]));
    expect(empty.error).toBe('editions[1] ("new"): layers: expected at least one layer, found none; pick its layers');
    expect(empty.layerSet).toBeUndefined();
    const twice = analyzeProject("layers", files, decoded, settingsWith([{ id: "a", count: 2, layers: ["Hair"] }, { id: "a", count: 1, layers: ["Skull"] }]));
    expect(twice.error).toBe('studio settings: editions[1].id: expected each edition id once, found "a" twice');
    expect(twice.layerSet).toBeUndefined();
    expect(twice.layers.length).toBeGreaterThan(0);
  });

  it("says core's refusal of a rule no edition holds, keeping the layers read (the rule stays removable)", () => {
    const s: StudioSettings = { ...settingsWith([{ id: "people", count: 2, layers: ["Background", "Hair"] }, { id: "skulls", count: 1, layers: ["Skull"] }]), rules: [{ never: ["Skull/Bone", "Hair/Pink"] }] };
    const a = analyzeProject("layers", files, decoded, s);
    expect(a.editionsError).toBe("studio settings: rules[0]: expected ids of one edition's layers, found a rule no edition can hold (ids of several editions, or unknown ids)");
    expect(a.layerSet).toBeDefined();
    expect(a.editions).toBeUndefined();
    expect(analyzeProject("layers", files, decoded, { ...s, rules: [{ never: ["Skull/Bone", "Skull/Ash"] }] }).editionsError).toBeUndefined();
  });

  it("reads a layer no edition draws on its own, as a hidden layer", () => {
    const s = settingsWith([{ id: "people", count: 2, layers: ["Hair"] }]);
    const skull = s.layers.find((l) => l.folder === "Skull");
    if (!skull) throw new Error("expected Skull");
    expect(readLayerAlone("layers", files, decoded, s, skull).layer?.traits.map((t) => t.name)).toEqual(["Ash", "Bone", "Ivory"]);
  });
});

import { describe, expect, it } from "vitest";
import { studioConfig, DEFAULT_SETTINGS, type LayerState } from "../browser/project.js";
import { applyRenames, parseRenames, showRenames } from "./MetadataSettings.js";

const layers: LayerState[] = [
  { folder: "04-Eyes", name: "Eyes", visible: true, weights: { Laser: 40 } },
  { folder: "05-Mouth", name: "Mouth", visible: true, weights: {}, values: { Old: "x" } },
];

describe("trait value renames", () => {
  it("reads “Layer / Trait = value” lines by layer name or folder, and writes them as traitloom.json's traits.<name>.value", () => {
    const p = parseRenames("Eyes / Laser = Laser Eyes\n\n05-Mouth / Grin = Big Grin", layers);
    expect(p.ok).toBe(true);
    const next = applyRenames(layers, p.ok ? p.value : []);
    expect(next[0]?.values).toEqual({ Laser: "Laser Eyes" });
    expect(next[1]?.values).toEqual({ Grin: "Big Grin" });
    expect(showRenames(next)).toBe("Eyes / Laser = Laser Eyes\nMouth / Grin = Big Grin");
    expect(studioConfig({ ...DEFAULT_SETTINGS, layers: next }).layers).toEqual([
      { name: "Eyes", folder: "04-Eyes", traits: { Laser: { weight: 40, value: "Laser Eyes" } } },
      { name: "Mouth", folder: "05-Mouth", traits: { Grin: { value: "Big Grin" } } },
    ]);
    // No lines: no renames left.
    expect(applyRenames(layers, [])[1]).toEqual({ folder: "05-Mouth", name: "Mouth", visible: true, weights: {} });
  });

  it("refuses a line of another shape or an unknown layer, naming the line", () => {
    expect(parseRenames("Eyes Laser Laser Eyes", layers)).toEqual({ ok: false, error: "line 1: expected “Layer / Trait = new value”, found “Eyes Laser Laser Eyes”" });
    expect(parseRenames("\nWings / A = B", layers)).toEqual({ ok: false, error: "line 2: expected a layer (Eyes, Mouth), found “Wings”" });
  });
});

import { describe, expect, it } from "vitest";
import type { TraitloomConfig } from "./config.js";
import { editionCapacities } from "./editionCapacity.js";
import { isTraitloomError } from "./errors.js";
import { buildLayerSet, type LayersListing } from "./layers.js";
import { planCollection } from "./planner.js";
import { withRules } from "./ruleModel.js";

const folder = (name: string, files: string[]) => ({ folder: name, files: files.map((f) => ({ name: f, size: 10 })), subfolders: [] });
const folders: LayersListing = {
  root: "layers",
  folders: [folder("Background", ["Sky#1.png", "Sea#1.png"]), folder("Hair", ["Red#1.png", "Blue#1.png", "Pink#1.png"]), folder("Skull", ["Bone#1.png", "Ivory#1.png", "Ash#1.png"])],
  rootFiles: [],
};

function setOf(config: TraitloomConfig) {
  const set = withRules(buildLayerSet(folders, config), config, "t.json");
  if (!set.editions) throw new Error("expected editions");
  return { ...set, editions: set.editions };
}

function planError(config: TraitloomConfig, count: number): string {
  try {
    planCollection(setOf(config), count, "x");
  } catch (e) {
    if (isTraitloomError(e)) return e.message;
    throw e;
  }
  throw new Error("expected the plan to fail");
}

describe("capacity per edition", () => {
  const config: TraitloomConfig = {
    editions: [
      { id: "people", count: 6, layers: ["Background", "Hair"] },
      { id: "skulls", count: 3, layers: ["Skull"] },
    ],
  };

  it("is each edition's own, as the plan counts it, with no refusal where the counts fit", () => {
    const capacities = editionCapacities(setOf(config));
    expect(capacities).toEqual([
      { id: "people", count: 6, capacity: 6n, refusal: undefined },
      { id: "skulls", count: 3, capacity: 3n, refusal: undefined },
    ]);
    expect(planCollection(setOf(config), 9, "x").editionCapacities).toEqual([6, 3]);
  });

  it("says the planner's own refusal for an edition past its capacity", () => {
    const over: TraitloomConfig = { editions: [{ id: "people", count: 6, layers: ["Background", "Hair"] }, { id: "skulls", count: 4, layers: ["Skull"] }] };
    const [people, skulls] = editionCapacities(setOf(over));
    expect(people?.refusal).toBeUndefined();
    expect(skulls?.refusal).toBe(planError(over, 10));
    expect(skulls?.refusal).toMatch(/^editions\[1\] \("skulls"\): count: expected at most 3 tokens/);
  });

  it("counts an edition under the fixed counts that fall to it, refusing as planning does", () => {
    const ruled: TraitloomConfig = { ...config, counts: { "Skull/Ash": 0 } };
    const [, skulls] = editionCapacities(setOf(ruled));
    expect(skulls?.capacity).toBe(2n);
    expect(skulls?.refusal).toBe(planError(ruled, 9));
  });

  it("throws where a rule fits no edition, in the planner's words", () => {
    const across: TraitloomConfig = { ...config, rules: [{ never: ["Skull/Bone", "Hair/Pink"] }] };
    expect(() => editionCapacities(setOf(across))).toThrow(planError(across, 9));
  });
});

import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLayerSet } from "../src/core/layers.js";
import { listLayersDir } from "../src/node/files.js";
import { loadTraits } from "../src/node/traits.js";
import { removeDir, tempDir, writeLayers } from "./helpers/fixtures.js";

describe("the identical-art warning", () => {
  let root: string;
  beforeAll(async () => {
    root = await tempDir();
  });
  afterAll(async () => removeDir(root));

  it("names two traits of one layer that look the same, not the same art in two layers (each layer's empty None)", async () => {
    const none = { color: [0, 0, 0] as const, shape: "none" as const };
    const red = { color: [200, 20, 20] as const, shape: "disc" as const };
    const dir = await writeLayers(join(root, "layers"), {
      "1-Body": { "Red#1.png": red, "Crimson#1.png": red, "Blue#1.png": { color: [20, 20, 200], shape: "disc" } },
      "2-Hat": { "None#1.png": none, "Cap#1.png": { color: [20, 200, 20], shape: "square" } },
      "3-Glasses": { "None#1.png": none, "Round#1.png": red },
    });
    const layerSet = buildLayerSet(await listLayersDir(dir));
    const { warnings } = await loadTraits(dir, layerSet, {});
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^identical images: .*1-Body\/Crimson#1\.png, .*1-Body\/Red#1\.png decode to the same pixels; they stay 2 traits/);
  });
});

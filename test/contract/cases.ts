/**
 * The contract cases: one list both render backends run, the Node one in Node (test/contract.test.ts) and the
 * browser one in Chromium (test/e2e/contract.e2e.ts), over the committed 24x24 fixture test/fixtures/golden/layers.
 * Each side compares its outputs for a case with the other's and with itself cut off half-way and resumed.
 */
import type { TraitloomConfig } from "../../src/core/config.js";

export interface ContractCase {
  name: string;
  seed: string;
  count: number;
  /**
   * "golden": the committed test/fixtures/golden/traitloom.json (startId 0, every metadata key, a trait renamed and
   * reweighted, a layer that does not count for uniqueness); "none": the layers folder alone, which the studio
   * reads through its own settings (analyzeProject); an object: that config as given to both sides.
   */
  config: "golden" | "none" | TraitloomConfig;
  /** Render workers on either side. */
  workers: number;
  /** The layers folder: test/fixtures/golden/layers (default) or test/fixtures/nftchef-mini/layers (the trait model). */
  layers?: "golden" | "nftchef-mini" | undefined;
}

export const CONTRACT_CASES: readonly ContractCase[] = [
  { name: "layers-12", seed: "contract-12", count: 12, config: "none", workers: 1 },
  { name: "config-24", seed: "contract-config", count: 24, config: "golden", workers: 2 },
  // All 27 tokens the golden layers allow where Eyes does not count, numbered from 0, under another name prefix.
  { name: "start0-27", seed: "contract-start0", count: 27, config: { startId: 0, namePrefix: "Contract", layers: ["Background", "Body", { name: "Eyes", countsForUniqueness: false }, "Hat"] }, workers: 2 },
  // The trait model: nested choices, multi-part traits, a z -10 part, an empty NONE, a blended layer and part.
  {
    name: "nftchef-blend-24",
    seed: "contract-nftchef",
    count: 24,
    layers: "nftchef-mini",
    config: {
      dialect: "nftchef",
      layers: [
        "Background",
        "Back Accessory",
        { name: "Head", blend: "multiply", opacity: 0.6 },
        "Clothes",
        { name: "Eyes", blend: "hue" },
        { name: "Accessory", traits: { Helmet: { value: "Space Helmet" } }, parts: { "Purple Glasses/Glasses front": { blend: "screen", opacity: 0.8 } } },
      ],
    },
    workers: 2,
  },
];

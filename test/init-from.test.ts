/**
 * `traitloom init <layers> --from hashlips|nftchef|datlips <config.js>`: another engine's config.js (the fixtures in
 * test/fixtures/engine-configs, written after each engine's sample config at the version FIELD.md §0 names; the
 * datlips incompatibilities.json is the shape its v1.4 wizard writes, FIELD.md F4) becomes a traitloom.json, rules
 * included, and the rules hold on every token of a collection generated from it. The layer folders are our own
 * drawings with the sample sets' names and weights, flattened (nested folders belong to the trait model).
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TraitloomConfig } from "../src/core/config.js";
import { buildLayerSet } from "../src/core/layers.js";
import { brokenRules, hasRules, withRules } from "../src/core/ruleModel.js";
import { listLayersDir } from "../src/node/files.js";
import { generateCollection } from "../src/node/generate.js";
import { runMain } from "./helpers/cli.js";
import { colorOf, removeDir, tempDir, writeLayers, type LayerFiles } from "./helpers/fixtures.js";

const FIXTURES = join(import.meta.dirname, "fixtures", "engine-configs");

/** Folder → trait files; each drawn as a small square of its own colour. */
async function drawLayers(root: string, layers: Record<string, string[]>): Promise<string> {
  const files: LayerFiles = {};
  let i = 0;
  for (const [folder, names] of Object.entries(layers)) {
    files[folder] = Object.fromEntries(names.map((n) => [n, { width: 8, height: 8, color: colorOf(i++), shape: "square" as const, alpha: 200 }]));
  }
  return writeLayers(root, files);
}

/** nftchef v2.2.0's sample layers by name and weight, flat (its nested Backpack, Helmet, eye folders as single files). */
const NFTCHEF_LAYERS = {
  Background: ["coulds#30.png", "stars#30.png", "swirl#30.png"],
  "Back Accessory": ["Backpack#50.png", "rockets#40.png"],
  Head: ["faceA#50.png", "faceB#50.png"],
  Clothes: ["Shirt three#44.png", "floral#30.png", "gray tee#30.png", "shirt one#3.png", "shirt two#3.png"],
  Eyes: ["happy#50.png", "normal#50.png", "star eyes#30.png"],
  Hair: ["bluehair#10.png", "purplehair#10.png"],
  Accessory: ["NONE#100.png", "Purple Glasses#25.png", "Helmet#10.png", "MetallicShades#1.png"],
  "Shirt Accessories": ["Golden Sakura#1.png", "gold chain#40.png", "nametag#40.png"],
};

/** datlips v1.4.0's layerConfigurations[0] layers by name and named weight (TentacleLegs without its z35$ prefix). */
const DATLIPS_LAYERS = {
  Variant: ["Blue#Rare.png", "Green#Common.png", "Purple#Epic.png", "Red#Uncommon.png"],
  Arms: ["BetaArms#Common.png", "FidlerClaws#Common.png", "FinArms#Uncommon.png", "LobsterClaws#Mythic.png", "LureArms#Rare.png", "NemoFins#Rare.png", "TentacleArms#Epic.png", "TurtleArms#Legendary.png"],
  Back: ["BetaFins#Common.png", "Blowhole#Common.png", "DolphinFin#Uncommon.png", "DorsalFins#Rare.png", "SharkFin#Epic.png", "StrapOnShark#Legendary.png", "TurtleShell#Mythic.png"],
  Body: ["ScalesBeta#Common.png", "ScalesForked#Common.png", "ScalesLunate#Common.png", "ScalesPointed#Uncommon.png", "SmoothBeta#Rare.png", "SmoothTruncate#Common.png"],
  Eyes: ["AnglerEyes#Common.png", "BaseEyes#Uncommon.png", "EyeScar#Uncommon.png", "LobsterEye#Rare.png", "SharkEyes#Epic.png", "ThreeEyes#Legendary.png", "TurtleEyes#Mythic.png"],
  Head: ["FishHead#Common.png"],
  Legs: ["BetaLegs#Common.png", "FinLegs#Uncommon.png", "LobsterLegs#Rare.png", "LureLegs#Epic.png", "TurtleLegs#Mythic.png", "TentacleLegs#Legendary.png"],
  Mouth: ["AnglerMouth#Common.png", "BaseMouth#Rare.png", "CatfishMouth#Epic.png", "SwordfishMouth#Legendary.png", "TurtleBeak#Mythic.png"],
};

interface TokenMetadata {
  attributes: Array<{ trait_type: string; value: string | number }>;
}

let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-init-from-");
});
afterAll(async () => {
  await removeDir(root);
});

/** The attributes of a token as trait_type → value. */
function traitsOf(meta: TokenMetadata): Record<string, string> {
  return Object.fromEntries(meta.attributes.map((a) => [a.trait_type, String(a.value)]));
}

/** Generates `count` tokens from a config init wrote, at 8x8 (the config's format is the engine's 1080 or 512). */
async function generateFrom(configPath: string, out: string, count: number): Promise<{ config: TraitloomConfig; tokens: TokenMetadata[] }> {
  const config = JSON.parse(await readFile(configPath, "utf8")) as TraitloomConfig;
  const small: TraitloomConfig = { ...config, width: 8, height: 8 };
  await writeFile(configPath, JSON.stringify(small));
  await generateCollection({ configPath, outDir: out, count, seed: "migrated", workers: 1 });
  const tokens = JSON.parse(await readFile(join(out, "_metadata.json"), "utf8")) as TokenMetadata[];
  return { config: small, tokens };
}

/** Every token checked against the config's rules by the rule engine itself, from its metadata values. */
async function brokenTokens(layersDir: string, config: TraitloomConfig, tokens: TokenMetadata[]): Promise<number> {
  const layerSet = withRules(buildLayerSet(await listLayersDir(layersDir), config), config);
  if (!hasRules(layerSet)) throw new Error("expected rules on the layer set");
  let broken = 0;
  for (const t of tokens) {
    const traits = traitsOf(t);
    const dna = layerSet.layers.map((l) => {
      const value = traits[l.name] ?? "None";
      const i = l.traits.findIndex((x) => x.value === value);
      // NONE is left out of metadata (emptyLayerName): the missing attribute is that trait.
      return i >= 0 ? i : l.traits.findIndex((x) => x.name === "NONE");
    });
    if (brokenRules(layerSet.ruleSet, dna).length > 0) broken++;
  }
  return broken;
}

describe("init --from nftchef", () => {
  let layers: string;
  beforeAll(async () => {
    layers = await drawLayers(join(root, "nftchef", "layers"), NFTCHEF_LAYERS);
  });

  it("converts incompatible and forcedCombinations into layer-qualified rules and counts the capacity under them", async () => {
    const cwd = join(root, "nftchef");
    const target = join(cwd, "traitloom.json");
    const run = await runMain(["init", layers, "--from", "nftchef", join(FIXTURES, "nftchef-v2.2.0.config.js"), "-o", target]);
    expect(run.err.filter((l) => l.startsWith("error"))).toEqual([]);
    expect(run.code).toBe(0);
    const config = JSON.parse(await readFile(target, "utf8")) as TraitloomConfig;
    expect(config.rules).toEqual([
      { never: ["Back Accessory/Backpack", "Accessory/Helmet"] },
      { never: ["Clothes/gray tee", ["Shirt Accessories/Golden Sakura", "Shirt Accessories/gold chain"]] },
      { if: "Clothes/floral", then: ["Accessory/MetallicShades", "Shirt Accessories/Golden Sakura"] },
    ]);
    // Brute force over the counted layers (Back Accessory is bypassDNA): a combination counts where some Back
    // Accessory trait completes it into a rule-keeping token.
    let expected = 0;
    for (const clothes of NFTCHEF_LAYERS.Clothes) {
      for (const acc of NFTCHEF_LAYERS.Accessory) {
        for (const shirt of NFTCHEF_LAYERS["Shirt Accessories"]) {
          const c = clothes.split("#")[0];
          const a = acc.split("#")[0];
          const s = shirt.split("#")[0];
          if (c === "gray tee" && (s === "Golden Sakura" || s === "gold chain")) continue;
          if (c === "floral" && (a !== "MetallicShades" || s !== "Golden Sakura")) continue;
          // Helmet needs rockets on the back (never with Backpack): rockets exists, so every accessory completes.
          expected += 3 * 2 * 3 * 2; // Background, Head, Eyes, Hair: free
        }
      }
    }
    expect(run.out[0]).toBe(`wrote ${target} from ${join(FIXTURES, "nftchef-v2.2.0.config.js")} (nftchef): 8 layers, 24 traits, ${expected.toLocaleString("en-US")} unique combinations under 3 rule(s) (2,160 without them)`);
    expect(run.out).toContain('incompatible.Backpack → rules[0]: never "Back Accessory/Backpack" with "Accessory/Helmet"');
    expect(run.out).toContain('forcedCombinations.floral → rules[2]: if "Clothes/floral" then "Accessory/MetallicShades", "Shirt Accessories/Golden Sakura"');
    expect(run.out.some((l) => l.includes("rules are not supported yet"))).toBe(false);
    // Every other value not carried is still listed.
    expect(run.out).toContain("not carried over (" + String(run.out.filter((l) => l.startsWith("  ")).length) + "):");
  });

  it("the converted rules hold on every generated token, both ways (the rule engine and the metadata agree)", async () => {
    const cwd = join(root, "nftchef-run");
    await mkdir(cwd, { recursive: true });
    const target = join(cwd, "traitloom.json");
    expect((await runMain(["init", layers, "--from", "nftchef", join(FIXTURES, "nftchef-v2.2.0.config.js"), "-o", target])).code).toBe(0);
    const { config, tokens } = await generateFrom(target, join(cwd, "out"), 100);
    expect(tokens).toHaveLength(100);
    expect(await brokenTokens(layers, config, tokens)).toBe(0);
    let floral = 0;
    let helmets = 0;
    for (const t of tokens) {
      const x = traitsOf(t);
      // never: neither way round.
      // Values as nftchef's traitValueOverrides write them: Helmet is "Space Helmet", gold chain "GOLDEN NECKLACE".
      expect(x["Back Accessory"] === "Backpack" && x.Accessory === "Space Helmet").toBe(false);
      expect(x.Clothes === "gray tee" && ["Golden Sakura", "GOLDEN NECKLACE"].includes(x["Shirt Accessories"] ?? "")).toBe(false);
      // if/then: one way; MetallicShades still free to appear without floral.
      if (x.Clothes === "floral") {
        floral++;
        expect([x.Accessory, x["Shirt Accessories"]]).toEqual(["MetallicShades", "Golden Sakura"]);
      }
      if (x.Accessory === "Space Helmet") helmets++;
    }
    expect(floral).toBeGreaterThan(0);
    expect(helmets).toBeGreaterThan(0);
  });

  it("a key in a later layer than its values is converted and said to be one nftchef itself ignores", async () => {
    const source = (await readFile(join(FIXTURES, "nftchef-v2.2.0.config.js"), "utf8")).replace(
      '      {\n        name: "Back Accessory",',
      '      { name: "Accessory" },\n      {\n        name: "Back Accessory",',
    ).replace('      { name: "Accessory" },\n      { name: "Shirt Accessories" },', '      { name: "Shirt Accessories" },');
    const configJs = join(root, "nftchef-late.config.js");
    await writeFile(configJs, source);
    const target = join(root, "nftchef-late.json");
    const run = await runMain(["init", layers, "--from", "nftchef", configJs, "-o", target]);
    expect(run.code).toBe(0);
    const config = JSON.parse(await readFile(target, "utf8")) as TraitloomConfig;
    expect(config.layers?.[1]).toMatchObject({ name: "Accessory" });
    expect(config.rules?.[0]).toEqual({ never: ["Back Accessory/Backpack", "Accessory/Helmet"] });
    expect(run.out).toContain(
      'incompatible.Backpack → rules[0]: nftchef itself would have ignored it for "Accessory/Helmet": its key "Back Accessory/Backpack" is in a later layer (it applies rules in layersOrder order, key first); Traitloom keeps it on every token',
    );
    // floral's forced MetallicShades now sits in a layer before Clothes too; its Golden Sakura does not.
    expect(run.out.filter((l) => l.includes("would have ignored"))).toEqual([
      expect.stringContaining("incompatible.Backpack → rules[0]"),
      expect.stringMatching(/^forcedCombinations\.floral → rules\[2\]: nftchef itself would have ignored it for "Accessory\/MetallicShades": /),
    ]);
  });

  it("a rule naming a trait no layer has is listed as not carried, the others converted", async () => {
    const source = (await readFile(join(FIXTURES, "nftchef-v2.2.0.config.js"), "utf8")).replace('Backpack: ["Helmet"],', 'Backpack: ["Helmett"],\n  Jetpack: ["Helmet"],');
    const configJs = join(root, "nftchef-typo.config.js");
    await writeFile(configJs, source);
    const target = join(root, "nftchef-typo.json");
    const run = await runMain(["init", layers, "--from", "nftchef", configJs, "-o", target]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('  incompatible.Backpack[0]: no trait named "Helmett" in the layers; left out of the rule');
    expect(run.out.some((l) => l.startsWith('  incompatible.Jetpack: no trait named "Jetpack" in the layers'))).toBe(true);
    const config = JSON.parse(await readFile(target, "utf8")) as TraitloomConfig;
    expect(config.rules).toHaveLength(2);
  });
});

describe("init --from datlips", () => {
  let project: string;
  let layers: string;
  beforeAll(async () => {
    // datlips' project layout: src/config.js, compatibility/incompatibilities.json, layers/.
    project = join(root, "datlips");
    await mkdir(join(project, "src"), { recursive: true });
    await mkdir(join(project, "compatibility"), { recursive: true });
    await copyFile(join(FIXTURES, "datlips-v1.4.0.config.js"), join(project, "src", "config.js"));
    await copyFile(join(FIXTURES, "datlips-v1.4.0.incompatibilities.json"), join(project, "compatibility", "incompatibilities.json"));
    layers = await drawLayers(join(project, "layers"), DATLIPS_LAYERS);
  });

  it("finds compatibility/incompatibilities.json beside src/ and converts it; the second configuration's rule is not carried", async () => {
    const target = join(project, "traitloom.json");
    const run = await runMain(["init", layers, "--from", "datlips", join(project, "src", "config.js"), "-o", target]);
    expect(run.code).toBe(0);
    const config = JSON.parse(await readFile(target, "utf8")) as TraitloomConfig;
    expect(config.rules).toEqual([{ never: ["Eyes/EyeScar", ["Back/StrapOnShark", "Back/SharkFin"]] }, { if: "Arms/FinArms", then: "Legs/FinLegs" }]);
    expect(config.count).toBe(65);
    expect(run.out.some((l) => /^ {2}.*incompatibilities\.json: "SkeletalTurtleShell"\."0": a rule of layerConfigurations\[1\] \(editions are not supported yet/.test(l))).toBe(true);
    expect(run.out.some((l) => l.startsWith("  layerConfigurations[1]: another layer configuration (15 tokens from SkeletalArms"))).toBe(true);
    // Brute force over the layers the rules name (Color, Body, Head, Mouth are free: 4 x 6 x 1 x 5).
    let expected = 0;
    for (const arms of DATLIPS_LAYERS.Arms) {
      for (const back of DATLIPS_LAYERS.Back) {
        for (const eyes of DATLIPS_LAYERS.Eyes) {
          for (const legs of DATLIPS_LAYERS.Legs) {
            const [a, b, e, l] = [arms, back, eyes, legs].map((f) => f.split("#")[0]);
            if (e === "EyeScar" && (b === "StrapOnShark" || b === "SharkFin")) continue;
            if (a === "FinArms" && l !== "FinLegs") continue;
            expected += 4 * 6 * 1 * 5;
          }
        }
      }
    }
    const all = 4 * 8 * 7 * 6 * 7 * 1 * 6 * 5;
    expect(run.out[0]).toMatch(new RegExp(`: 8 layers, 44 traits, ${expected.toLocaleString("en-US")} unique combinations under 2 rule\\(s\\) \\(${all.toLocaleString("en-US")} without them\\)$`));
  });

  it("the converted rules hold on every token generated from the written config", async () => {
    const target = join(project, "run.json");
    expect((await runMain(["init", layers, "--from", "datlips", join(project, "src", "config.js"), "-o", target])).code).toBe(0);
    const { config, tokens } = await generateFrom(target, join(project, "out"), 65);
    expect(tokens).toHaveLength(65);
    expect(await brokenTokens(layers, config, tokens)).toBe(0);
    for (const t of tokens) {
      const x = traitsOf(t);
      expect(x.Eyes === "EyeScar" && ["StrapOnShark", "SharkFin"].includes(x.Back ?? "")).toBe(false);
      if (x.Arms === "FinArms") expect(x.Legs).toBe("FinLegs");
    }
  });

  it("without an incompatibilities.json it says so and writes no rules", async () => {
    const bare = join(root, "datlips-bare", "src");
    await mkdir(bare, { recursive: true });
    await copyFile(join(FIXTURES, "datlips-v1.4.0.config.js"), join(bare, "config.js"));
    const target = join(root, "datlips-bare", "traitloom.json");
    const run = await runMain(["init", layers, "--from", "datlips", join(bare, "config.js"), "-o", target]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(`no compatibility/incompatibilities.json beside ${join(bare, "config.js")}'s project: no datlips rules read (pass --compatibility <file> where it is elsewhere)`);
    expect((JSON.parse(await readFile(target, "utf8")) as TraitloomConfig).rules).toBeUndefined();
  });

  it("a bad incompatibilities.json is one line naming the file and the entry", async () => {
    const bad = join(root, "bad-incompatibilities.json");
    await writeFile(bad, JSON.stringify({ EyeScar: { "2": { incompatibleParents: "SharkFin", parentIndex: 2, childIndex: 4 } } }));
    const run = await runMain(["init", layers, "--from", "datlips", join(project, "src", "config.js"), "--compatibility", bad, "-o", join(root, "x.json")]);
    expect(run.code).toBe(1);
    expect(run.err[0]).toMatch(/^error: .*bad-incompatibilities\.json: "EyeScar"\."2"\.incompatibleParents: expected \{ incompatibleParents: \[names\], parentIndex, childIndex, layerIndex \}/);
    await writeFile(bad, "{ not json");
    const syntax = await runMain(["init", layers, "--from", "datlips", join(project, "src", "config.js"), "--compatibility", bad, "-o", join(root, "x.json")]);
    expect(syntax.err[0]).toMatch(/^error: .*bad-incompatibilities\.json: expected JSON, found a syntax error/);
  });
});

describe("init --from: HashLips and the errors", () => {
  let layers: string;
  beforeAll(async () => {
    layers = await drawLayers(join(root, "hashlips", "layers"), {
      Background: ["Black#1.png"],
      Eyeball: ["Red#50.png", "White#50.png"],
      "Eye color": ["Cyan#1.png", "Green#1.png", "Pink#1.png", "Purple#1.png", "Red#1.png", "Yellow#10.png"],
      Iris: ["Large#20.png", "Medium#20.png", "Small#60.png"],
      Shine: ["Shapes#100.png"],
      "Bottom lid": ["High#20.png", "Low#40.png", "Middle#40.png"],
      "Top lid": ["High#30.png", "Low#20.png", "Middle#50.png"],
    });
  });

  it("HashLips: the layers order and 324 unique combinations, no rules", async () => {
    const target = join(root, "hashlips", "traitloom.json");
    const run = await runMain(["init", layers, "--from", "hashlips", join(FIXTURES, "hashlips-v1.1.1.config.js"), "-o", target]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/: 7 layers, 19 traits, 324 unique combinations$/);
    const config = JSON.parse(await readFile(target, "utf8")) as TraitloomConfig & { layersDir: string };
    // The fixture's bypassDNA on Background and displayName on Eye color, as HashLips' options say.
    expect(config.layers).toEqual([{ name: "Background", countsForUniqueness: false }, "Eyeball", { name: "Eye Colour", folder: "Eye color" }, "Iris", "Shine", "Bottom lid", "Top lid"]);
    expect(config.layersDir).toBe("layers");
    expect(config.rules).toBeUndefined();
  });

  it("what cannot be read is one line naming it", async () => {
    const out = join(root, "err.json");
    const missing = await runMain(["init", layers, "--from", "hashlips", join(root, "nope.js"), "-o", out]);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual([`error: ${join(root, "nope.js")}: expected a HashLips config.js, found nothing there`]);
    const none = await runMain(["init", layers, "--from", "nftchef", "-o", out]);
    expect(none.err[0]).toMatch(/^error: init --from nftchef: expected nftchef's config\.js after the layers folder/);
    const engine = await runMain(["init", layers, "--from", "artengine", "x.js", "-o", out]);
    expect(engine.err).toEqual(['error: --from: expected one of hashlips, nftchef, datlips, found "artengine"']);
    const js = join(root, "broken.config.js");
    await writeFile(js, "module.exports = { layerConfigurations: [ ;");
    const broken = await runMain(["init", layers, "--from", "hashlips", js, "-o", out]);
    expect(broken.err[0]).toMatch(/^error: .*broken\.config\.js: line 1, column \d+: expected JavaScript that parses, found a syntax error/);
    const compat = await runMain(["init", layers, "--compatibility", "x.json", "-o", out]);
    expect(compat.err).toEqual(["error: --compatibility: expected --from datlips with it, found no --from"]);
  });
});

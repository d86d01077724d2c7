/**
 * traitloom.json of every odd kind: broken JSON, a BOM, every key of src/core/config.ts with a wrong type, out of
 * range or unknown, layers lists naming missing folders or the same one twice; and odd but valid configs, which
 * make a collection.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readJson } from "../helpers/fixtures.js";
import { COUNT, cli, expectCollection, expectRefused, generate, PX, SEED, suiteRoot, writeBase } from "./harness.js";

const root = suiteRoot("configs");

/** The base layers and a config file holding `text` (an object is written as JSON); generate with -c. */
async function withConfig(label: string, text: string | Buffer | Record<string, unknown>, count = COUNT) {
  const dir = await root.next(label);
  const layers = await writeBase(dir);
  const config = join(dir, "traitloom.json");
  await writeFile(config, typeof text === "string" || Buffer.isBuffer(text) ? text : `${JSON.stringify(text, null, 2)}\n`);
  const out = join(dir, "out");
  return { dir, layers, config, out, run: await generate(layers, out, ["-c", config], count) };
}

describe("config files that are not JSON objects", () => {
  const broken: Array<[string, string | Buffer]> = [
    ["a trailing comma", '{ "count": 4, }'],
    ["a // comment (JSONC)", '// my config\n{ "count": 4 }'],
    ["an empty file", ""],
    ["cut short", '{ "layers": ["Background", '],
    ["a BOM before broken JSON", "\uFEFF{ nope }"],
    ["single quotes", "{ 'count': 4 }"],
    ["NaN as a value", '{ "count": NaN }'],
  ];
  for (const [what, text] of broken) {
    it(what, async () => {
      const { run, config, out } = await withConfig(what, text);
      await expectRefused(run, { names: config, out, before: undefined });
    });
  }

  const notObjects: Array<[string, string]> = [
    ["a top-level array", "[]"],
    ["a top-level null", "null"],
    ["a top-level string", '"traitloom"'],
    ["a top-level number", "4"],
  ];
  for (const [what, text] of notObjects) {
    it(what, async () => {
      const { run, config, out } = await withConfig(what, text);
      await expectRefused(run, { names: config, out, before: undefined });
    });
  }

  it("a UTF-8 BOM before valid JSON (as Windows Notepad saves it)", async () => {
    const { run, out } = await withConfig("bom", `\uFEFF${JSON.stringify({ namePrefix: "Bom" })}`);
    await expectCollection(run, out);
  });

  it('a "__proto__" key', async () => {
    const { run, config, out } = await withConfig("proto", '{ "__proto__": { "count": 4 } }');
    await expectRefused(run, { names: [config, "__proto__"], out, before: undefined });
  });
});

describe("-c pointing at no config file", () => {
  it("-c a file that does not exist", async () => {
    const dir = await root.next("c-missing");
    const layers = await writeBase(dir);
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out, ["-c", join(dir, "nope.json")]), { names: join(dir, "nope.json"), out, before: undefined });
  });

  it("-c a directory", async () => {
    const dir = await root.next("c-dir");
    const layers = await writeBase(dir);
    await mkdir(join(dir, "conf.d"));
    const out = join(dir, "out");
    const run = await generate(layers, out, ["-c", join(dir, "conf.d")]);
    await expectRefused(run, { names: [join(dir, "conf.d"), /found a (folder|directory)/], out, before: undefined });
  });

  it("-c ''", async () => {
    const dir = await root.next("c-empty");
    const layers = await writeBase(dir);
    const out = join(dir, "out");
    await expectRefused(await generate(layers, out, ["-c", ""]), { names: /-c\b|--config/, out, before: undefined });
  });
});

/** [what, config, the field the error must name]. Each config is valid but for that one field. */
const WRONG: Array<[string, Record<string, unknown>, string]> = [
  ["$schema a number", { $schema: 5 }, "$schema"],
  ["layersDir a number", { layersDir: 5 }, "layersDir"],
  ["layersDir empty", { layersDir: "" }, "layersDir"],
  ["namePrefix a number", { namePrefix: 5 }, "namePrefix"],
  ["description an array", { description: [] }, "description"],
  ["baseUri a boolean", { baseUri: true }, "baseUri"],
  ["externalUrl a number", { externalUrl: 1 }, "externalUrl"],
  ["backgroundColor with #", { backgroundColor: "#ffffff" }, "backgroundColor"],
  ["backgroundColor a colour name", { backgroundColor: "red" }, "backgroundColor"],
  ["backgroundColor a number", { backgroundColor: 123456 }, "backgroundColor"],
  ["extraAttributes a string", { extraAttributes: "Level 1" }, "extraAttributes"],
  ["extraAttributes[0].trait_type empty", { extraAttributes: [{ trait_type: "", value: 1 }] }, "extraAttributes[0].trait_type"],
  ["extraAttributes[0].value a boolean", { extraAttributes: [{ trait_type: "Level", value: true }] }, "extraAttributes[0].value"],
  ["extraAttributes[0].display_type unknown", { extraAttributes: [{ trait_type: "Level", value: 1, display_type: "bogus" }] }, "extraAttributes[0].display_type"],
  ["extraAttributes[0] an unknown key", { extraAttributes: [{ trait_type: "Level", value: 1, colour: "red" }] }, "extraAttributes[0].colour"],
  ["extraMetadata an array", { extraMetadata: [] }, "extraMetadata"],
  ["extraMetadata a string", { extraMetadata: "x" }, "extraMetadata"],
  ["count 0", { count: 0 }, "count"],
  ["count -1", { count: -1 }, "count"],
  ["count 1.5", { count: 1.5 }, "count"],
  ["count a string", { count: "4" }, "count"],
  ["count null", { count: null }, "count"],
  ["seed empty", { seed: "" }, "seed"],
  ["seed a number", { seed: 5 }, "seed"],
  ["startId -1", { startId: -1 }, "startId"],
  ["startId 1.5", { startId: 1.5 }, "startId"],
  ["startId a string", { startId: "0" }, "startId"],
  ["width 0", { width: 0 }, "width"],
  ["width 16385", { width: 16385 }, "width"],
  ["width 1.5", { width: 1.5 }, "width"],
  ["width a string", { width: "8" }, "width"],
  ["height 0", { height: 0 }, "height"],
  ["height 16385", { height: 16385 }, "height"],
  ["resize unknown", { resize: "crop" }, "resize"],
  ["resize a boolean", { resize: true }, "resize"],
  ["noneTraitNames a string", { noneTraitNames: "None" }, "noneTraitNames"],
  ["noneTraitNames[0] a number", { noneTraitNames: [1] }, "noneTraitNames[0]"],
  ["namedWeights.Rare negative", { namedWeights: { Rare: -1 } }, "namedWeights.Rare"],
  ["namedWeights.Rare a string", { namedWeights: { Rare: "x" } }, "namedWeights.Rare"],
  ["namedWeights an array", { namedWeights: [] }, "namedWeights"],
  ["weightSyntax unknown", { weightSyntax: "foo" }, "weightSyntax"],
  ["layers empty", { layers: [] }, "layers"],
  ["layers a string", { layers: "Background" }, "layers"],
  ["layers[0] a number", { layers: [5, "Hat"] }, "layers[0]"],
  ["layers[0].name empty", { layers: [{ name: "" }, "Hat"] }, "layers[0].name"],
  ["layers[0].folder empty", { layers: [{ name: "Background", folder: "" }, "Hat"] }, "layers[0].folder"],
  ["layers[0].countsForUniqueness a string", { layers: [{ name: "Background", countsForUniqueness: "yes" }, "Hat"] }, "layers[0].countsForUniqueness"],
  ["layers[0] an unknown key", { layers: [{ name: "Background", order: 1 }, "Hat"] }, "layers[0].order"],
  ["layers[1].traits an array", { layers: ["Background", { name: "Hat", traits: [] }] }, "layers[1].traits"],
  ["layers[1].traits.Cap negative", { layers: ["Background", { name: "Hat", traits: { Cap: -3 } }] }, "layers[1].traits.Cap"],
  ["layers[1].traits.Cap.weight a string", { layers: ["Background", { name: "Hat", traits: { Cap: { weight: "x" } } }] }, "layers[1].traits.Cap.weight"],
  ["layers[1].traits.Cap.value empty", { layers: ["Background", { name: "Hat", traits: { Cap: { value: "" } } }] }, "layers[1].traits.Cap.value"],
  ["layers[1].traits.Cap an unknown key", { layers: ["Background", { name: "Hat", traits: { Cap: { colour: "red" } } }] }, "layers[1].traits.Cap.colour"],
  ["layers[1].traits naming no trait", { layers: ["Background", { name: "Hat", traits: { Crown: 2 } }] }, "layers[1].traits.Crown"],
  ["image a string", { image: "png" }, "image"],
  ["image.format gif", { image: { format: "gif" } }, "image.format"],
  ["image.compression unknown", { image: { compression: "max" } }, "image.compression"],
  ["image.quality 0", { image: { quality: 0 } }, "image.quality"],
  ["image.quality 101", { image: { quality: 101 } }, "image.quality"],
  ["image.quality 50.5", { image: { quality: 50.5 } }, "image.quality"],
  ["image an unknown key", { image: { format: "png", dpi: 300 } }, "image.dpi"],
  ["an unknown top-level key (layerz)", { layerz: ["Background", "Hat"] }, "layerz"],
];

describe("every config key with a wrong type, out of range, or unknown", () => {
  for (const [what, config, field] of WRONG) {
    it(what, async () => {
      const { run, config: path, out } = await withConfig(what, config);
      await expectRefused(run, { names: [path, field], out, before: undefined });
    });
  }

  it("count more than the layers allow (6)", async () => {
    const dir = await root.next("count-capacity");
    const layers = await writeBase(dir);
    await writeFile(join(dir, "c.json"), JSON.stringify({ count: 1_000_000_000, seed: SEED }));
    const out = join(dir, "out");
    const run = await cli(["generate", layers, "-c", join(dir, "c.json"), "-o", out, "--workers", "1", "-q"]);
    await expectRefused(run, { names: /\bcount\b/, out, before: undefined });
  });
});

describe("layers lists naming what is not there, or the same thing twice", () => {
  const lists: Array<[string, unknown[], string | RegExp]> = [
    ["a layer with no folder", ["Background", "Hat", "Eyes"], "layers[2]"],
    ["a misspelt layer (Hatt)", ["Background", "Hatt"], "layers[1]"],
    ["a folder given that does not exist", ["Background", { name: "Hat", folder: "09-Hat" }], "layers[1]"],
    ["the same layer twice", ["Background", "Hat", "Background"], "Background"],
    ["one folder under two names", ["Background", "Hat", { name: "Backdrop", folder: "01-Background" }], "01-Background"],
  ];
  for (const [what, list, field] of lists) {
    it(what, async () => {
      const { run, out } = await withConfig(what, { layers: list });
      await expectRefused(run, { names: field, out, before: undefined });
    });
  }

  it("layersDir naming a folder that does not exist (no layers argument)", async () => {
    const dir = await root.next("layersdir-missing");
    await writeFile(join(dir, "c.json"), JSON.stringify({ layersDir: "nope" }));
    const out = join(dir, "out");
    await expectRefused(await generate(undefined, out, ["-c", join(dir, "c.json")]), { names: "nope", out, before: undefined });
  });
});

describe("odd but valid configs: a collection", () => {
  const valid: Array<[string, Record<string, unknown>, number?, string?]> = [
    ["startId 0 (Solana)", { startId: 0 }],
    ["startId 1000000", { startId: 1_000_000 }],
    ["namePrefix empty", { namePrefix: "" }],
    ["baseUri with trailing slashes", { baseUri: "ipfs://cid///" }],
    ["noneTraitNames empty", { noneTraitNames: [] }],
    ["extraMetadata with nested objects and unicode", { extraMetadata: { artist: { name: "Zoë", links: ["https://example.org"] } } }],
    ["extraAttributes with every display_type", { extraAttributes: ["number", "boost_number", "boost_percentage", "date"].map((d, i) => ({ trait_type: `T${i}`, value: i, display_type: d })) }],
    ["backgroundColor in upper case", { backgroundColor: "FFAA00" }],
    ["width and height equal to the traits'", { width: PX, height: PX }],
    ["count equal to the capacity (6)", {}, 6],
    ["image.format webp from the config", { image: { format: "webp", quality: 1 } }, COUNT, "webp"],
    ["image.format jpeg with quality 100", { image: { format: "jpeg", quality: 100 } }, COUNT, "jpg"],
    ["countsForUniqueness false on every layer but one", { layers: [{ name: "Background", countsForUniqueness: false }, "Hat"] }, 2],
    ["weightSyntax hashlips on nftool-looking names", { weightSyntax: "hashlips" }],
  ];
  for (const [what, config, count = COUNT, ext = "png"] of valid) {
    it(what, async () => {
      const { run, out } = await withConfig(what, config, count);
      await expectCollection(run, out, count, ext);
    });
  }

  it("count and seed from the config, without -n and --seed", async () => {
    const dir = await root.next("count-seed-config");
    const layers = await writeBase(dir);
    await writeFile(join(dir, "c.json"), JSON.stringify({ count: 3, seed: "from-config" }));
    const out = join(dir, "out");
    await expectCollection(await cli(["generate", layers, "-c", join(dir, "c.json"), "-o", out, "--workers", "1", "-q"]), out, 3);
    expect((await readJson<{ seed: string }>(join(out, "manifest.json"))).seed).toBe("from-config");
  });

  it("layersDir relative to the config file, no layers argument", async () => {
    const dir = await root.next("layersdir-relative");
    await writeBase(join(dir, "art"));
    await mkdir(join(dir, "conf"));
    await writeFile(join(dir, "conf", "c.json"), JSON.stringify({ layersDir: "../art/layers" }));
    const out = join(dir, "out");
    await expectCollection(await generate(undefined, out, ["-c", join(dir, "conf", "c.json")]), out);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configJsonSchema, parseConfig } from "./config.js";

describe("parseConfig", () => {
  it("accepts a full config", () => {
    const cfg = parseConfig({
      namePrefix: "X",
      count: 10,
      seed: "s",
      startId: 0,
      resize: "fit",
      layers: ["A", { name: "B", folder: "02-B", countsForUniqueness: false, traits: { Red: 2, Blue: { weight: 0.5, value: "Navy" } } }],
      image: { format: "webp", quality: 80 },
      extraAttributes: [{ trait_type: "Generation", value: 1, display_type: "number" }],
    });
    expect(cfg.layers?.length).toBe(2);
  });

  it.each([
    [{ layerz: ["A"] }, 'traitloom.json: layerz: expected a known key (did you mean "layers"?), found "layerz"'],
    [{ layers: [{ nme: "A" }] }, 'traitloom.json: layers[0].nme: expected a known key (did you mean "name"?), found "nme"'],
    [{ layers: [{ name: "A", traits: { Blue: -3 } }] }, "traitloom.json: layers[0].traits.Blue: expected a number >= 0, found -3"],
    [{ count: "ten" }, 'traitloom.json: count: expected a number, found "ten"'],
    [{ resize: "fill" }, 'traitloom.json: resize: expected one of "error"|"fit"|"stretch", found "fill"'],
    [{ backgroundColor: "#fff" }, 'traitloom.json: backgroundColor: expected six hex digits without #, found "#fff"'],
    [{ layers: [3] }, "traitloom.json: layers[0]: expected a string or an object, found 3"],
    [{ image: { formt: "png" } }, 'traitloom.json: image.formt: expected a known key (did you mean "format"?), found "formt"'],
    [{ uniqueness: { minDiferences: 2 } }, 'traitloom.json: uniqueness.minDiferences: expected a known key (did you mean "minDifferences"?), found "minDiferences"'],
    [{ uniqueness: { minDifferences: 0 } }, "traitloom.json: uniqueness.minDifferences: expected a number >= 1, found 0"],
  ])("%j → one line naming the field", (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
  });

  it("an unknown key far from every known key gets no suggestion", () => {
    expect(() => parseConfig({ zzzzzzzzzz: 1 })).toThrow(/^traitloom\.json: zzzzzzzzzz: expected a known key, found "zzzzzzzzzz"$/);
  });
});

describe("JSON Schema", () => {
  it("the published schema/traitloom.schema.json is current (run `npm run schema` after changing the config)", () => {
    const published = JSON.parse(readFileSync(new URL("../../schema/traitloom.schema.json", import.meta.url), "utf8")) as unknown;
    expect(published).toEqual(configJsonSchema());
  });

  it("describes layers and forbids unknown keys", () => {
    const schema = configJsonSchema() as { properties: Record<string, unknown>; additionalProperties: unknown };
    expect(Object.keys(schema.properties)).toContain("layers");
    expect(schema.additionalProperties).toBe(false);
  });
});

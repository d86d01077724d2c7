import { describe, expect, it } from "vitest";
import { DrawTable } from "./draw.js";
import type { PartSpec } from "./model.js";

const part = (file: string, z: number, extra: Partial<PartSpec> = {}): PartSpec => ({ file, z, blend: "source-over", opacity: 1, x: 0, y: 0, ...extra });

describe("DrawTable", () => {
  it("numbers a flat layer set's drawables layer by layer, trait by trait, and draws them in layer order", () => {
    const table = new DrawTable([
      { parts: [[part("bg/a.png", 0)], [part("bg/b.png", 0)]] },
      { parts: [[part("body/x.png", 10)], [part("body/y.png", 10)], [part("body/z.png", 10)]] },
    ]);
    expect(table.drawables.map((d) => d.file)).toEqual(["bg/a.png", "bg/b.png", "body/x.png", "body/y.png", "body/z.png"]);
    expect(table.drawList([1, 2])).toEqual([1, 4]);
  });

  it("sorts by (z, layer, part): a negative z goes under the background, equal z keeps layer then part order", () => {
    const table = new DrawTable([
      { parts: [[part("Background/stars.png", 0)]] },
      { parts: [[part("Accessory/Glasses/front.png", 0), part("Accessory/Glasses/back.png", -10)]] },
      { parts: [[part("Eyes/happy.png", 1)]] },
      { parts: [[part("Chain/gold.png", 0)]] },
    ]);
    const files = table.drawList([0, 0, 0, 0]).map((d) => table.drawables[d]?.file);
    expect(files).toEqual(["Accessory/Glasses/back.png", "Background/stars.png", "Accessory/Glasses/front.png", "Chain/gold.png", "Eyes/happy.png"]);
  });

  it("draws variant art keyed by the trait the variantOf layer drew, else the default parts", () => {
    const table = new DrawTable([
      { parts: [[], [], []] },
      {
        parts: [[part("Arms/Beta.png", 10)], [part("Arms/Lure.png", 10)]],
        variants: [{ Blue: [part("Arms/Blue/Beta.png", 10)], Red: [part("Arms/Red/Beta.png", 10)] }, undefined],
        variantOf: { layer: 0, traitNames: ["Blue", "Green", "Red"] },
      },
    ]);
    const file = (traits: number[]) => table.drawList(traits).map((d) => table.drawables[d]?.file);
    expect(file([0, 0])).toEqual(["Arms/Blue/Beta.png"]);
    expect(file([2, 0])).toEqual(["Arms/Red/Beta.png"]);
    expect(file([1, 0])).toEqual(["Arms/Beta.png"]);
    expect(file([0, 1])).toEqual(["Arms/Lure.png"]);
  });

  it("one drawable per distinct file and style: the same file drawn two ways is two drawables", () => {
    const table = new DrawTable([{ parts: [[part("a.png", 0)], [part("a.png", 0, { blend: "multiply", opacity: 0.5 })], [part("a.png", 0)]] }]);
    expect(table.drawables).toHaveLength(2);
    expect(table.drawList([2])).toEqual(table.drawList([0]));
  });
});

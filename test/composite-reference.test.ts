import { describe, expect, it } from "vitest";
import sharp from "sharp";
import { compositeTraits, prepareTrait } from "../src/render/composite.js";

const fixture = (name: string) => new URL(`./fixtures/composite/${name}`, import.meta.url).pathname;

async function rgba(path: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(path).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height };
}

describe("compositor against reference images made by libvips", () => {
  it("matches test/fixtures/composite/expected.png within 2 per channel", async () => {
    const layers = await Promise.all([0, 1, 2].map((i) => rgba(fixture(`layer${i}.png`))));
    const expected = await rgba(fixture("expected.png"));
    const { width, height } = expected;
    const canvas = new Uint8Array(width * height * 4);
    compositeTraits(
      canvas,
      layers.map((l) => prepareTrait(l.data, width, height)),
    );
    let max = 0;
    let visible = 0;
    for (let i = 0; i < canvas.length; i += 4) {
      const alpha = expected.data[i + 3] ?? 0;
      if (alpha > 0) visible++;
      for (let c = 0; c < 4; c++) {
        if (c < 3 && alpha === 0) continue;
        max = Math.max(max, Math.abs((canvas[i + c] ?? 0) - (expected.data[i + c] ?? 0)));
      }
    }
    expect(visible).toBeGreaterThan(1000);
    expect(max).toBeLessThanOrEqual(2);
  });
});

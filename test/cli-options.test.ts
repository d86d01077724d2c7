import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMain } from "./helpers/cli.js";
import { readJson, removeDir, tempDir, writeBasicLayers } from "./helpers/fixtures.js";

describe("generate --compression and --format", () => {
  let root: string;
  let layers: string;
  beforeAll(async () => {
    root = await tempDir();
    layers = await writeBasicLayers(join(root, "layers"));
  });
  afterAll(async () => removeDir(root));

  it("presets change the bytes, never the pixels", async () => {
    for (const preset of ["balanced", "small"]) {
      const run = await runMain(["generate", layers, "-n", "6", "-o", join(root, preset), "--seed", "c", "--compression", preset, "-q"]);
      expect(run.code).toBe(0);
    }
    const [a, b] = await Promise.all(["balanced", "small"].map((p) => readFile(join(root, p, "images", "1.png"))));
    expect(a!.equals(b!)).toBe(false);
    const [pa, pb] = await Promise.all([a!, b!].map((buf) => sharp(buf).raw().toBuffer()));
    expect(pa!.equals(pb!)).toBe(true);
  });

  it("--format webp writes .webp images and metadata pointing at them", async () => {
    const out = join(root, "webp");
    expect((await runMain(["generate", layers, "-n", "3", "-o", out, "--seed", "c", "--format", "webp", "-q"])).code).toBe(0);
    expect(existsSync(join(out, "images", "1.webp"))).toBe(true);
    expect((await sharp(join(out, "images", "1.webp")).metadata()).format).toBe("webp");
    expect((await readJson<{ image: string }>(join(out, "metadata", "1.json"))).image).toMatch(/\/1\.webp$/);
  });

  it("an unknown preset or format is one line naming the option", async () => {
    const bad = await runMain(["generate", layers, "-n", "3", "-o", join(root, "bad"), "--seed", "c", "--compression", "tiny"]);
    expect(bad.code).toBe(1);
    expect(bad.err.join("\n")).toMatch(/^error: --compression: expected one of fast, balanced, small, found "tiny"$/m);
    const worse = await runMain(["generate", layers, "-n", "3", "-o", join(root, "bad"), "--seed", "c", "--format", "gif"]);
    expect(worse.err.join("\n")).toMatch(/--format: expected one of png, webp, jpeg, found "gif"/);
    expect(existsSync(join(root, "bad"))).toBe(false);
  });
});

describe("init", () => {
  it("points $schema at the JSON Schema this package ships, relative to the config file", async () => {
    const root = await tempDir();
    try {
      const layers = await writeBasicLayers(join(root, "layers"));
      const target = join(root, "cfg", "traitloom.json");
      expect((await runMain(["init", layers, "-o", target])).code).toBe(0);
      const { $schema } = await readJson<{ $schema: string }>(target);
      const schema = await readJson<{ title: string }>(join(root, "cfg", $schema));
      expect(schema.title).toMatch(/traitloom\.json/);
    } finally {
      await removeDir(root);
    }
  });
});

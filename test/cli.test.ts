/**
 * The command line: help, exit codes, one-line errors without stack traces, and `traitloom init`, whose config
 * gives the same collection as the folder alone.
 */
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli, runMain, stackLines } from "./helpers/cli.js";
import { readJson, removeDir, snapshotDir, tempDir, writeBasicLayers, writeJson } from "./helpers/fixtures.js";

let root: string;
let layers: string;
beforeAll(async () => {
  root = await tempDir("traitloom-cli-");
  layers = await writeBasicLayers(join(root, "layers"));
});
afterAll(async () => {
  await removeDir(root);
});

/** A user error: exit 1, exactly one line on stderr, starting "error:", no stack trace, nothing on stdout. */
async function expectUserError(argv: string[]): Promise<string> {
  const run = await runMain(argv);
  expect(run.code).toBe(1);
  const lines = run.err.filter((l) => l.trim() !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(stackLines(run.err)).toEqual([]);
  expect(run.out.join("")).toBe("");
  return lines[0] ?? "";
}

describe("traitloom --help and exit codes", () => {
  it("bin/traitloom.js --help exits 0 and shows usage and examples", async () => {
    const run = await runCli(["--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Usage:/);
    expect(run.stdout).toMatch(/Examples:\n\s+traitloom init .*\n\s+traitloom generate .*-n \d+ -o \S+ --seed/);
    expect(run.stderr).toBe("");
  });

  it("--version prints the package version", async () => {
    const pkg = await readJson<{ version: string }>(join(REPO_ROOT, "package.json"));
    const run = await runMain(["--version"]);
    expect(run.code).toBe(0);
    expect(run.out.filter((l) => l !== "")).toEqual([pkg.version]);
  });

  it("no command prints the help and exits 1", async () => {
    const run = await runMain([]);
    expect(run.code).toBe(1);
    expect(run.out.join("\n")).toContain("Examples:");
  });

  it("an unknown command is one line naming it", async () => {
    expect(await expectUserError(["genrate", layers])).toMatch(/^error: command: expected .*\bgenerate\b.*, found "genrate" \(did you mean generate\?\)/);
  });

  it("an unknown option is one line naming it", async () => {
    expect(await expectUserError(["generate", layers, "-n", "2", "--colour", "red"])).toContain("--colour");
  });

  it.each([["ten"], ["-3"], ["1.5"], ["0"]])("a bad --count %s is one line", async (count) => {
    expect(await expectUserError(["generate", layers, "-n", count, "-o", join(root, "bad-count"), "--seed", "x", "-q"])).toMatch(/count|-n/);
    await expect(stat(join(root, "bad-count"))).rejects.toThrow();
  });

  it("a missing layers folder is one line naming it", async () => {
    const missing = join(root, "no-such-layers");
    expect(await expectUserError(["generate", missing, "-n", "2", "-o", join(root, "x"), "--seed", "x"])).toContain(missing);
  });

  it('a config with an unknown key "layerz" suggests "layers"', async () => {
    const config = join(root, "typo.json");
    await writeJson(config, { layerz: ["Background", "Body", "Hat"] });
    const line = await expectUserError(["generate", layers, "-c", config, "-n", "2", "-o", join(root, "typo-out"), "--seed", "x"]);
    expect(line).toContain(config);
    expect(line).toMatch(/layerz: expected a known key \(did you mean "layers"\?\), found "layerz"/);
  });

  it("asking for more tokens than the layers allow fails before rendering, naming the capacity", async () => {
    const out = join(root, "too-many");
    const line = await expectUserError(["generate", layers, "-n", "19", "-o", out, "--seed", "x"]);
    // 3 backgrounds x 2 bodies x 3 hats.
    expect(line).toMatch(/^error: -n: expected at most 18 tokens \(the unique combinations: Background 3 × Body 2 × Hat 3\), found 19/);
    await expect(stat(out)).rejects.toThrow();
  });

  it("without --seed a seed is made up and printed; passing it makes the same collection again", async () => {
    const a = await runCli(["generate", layers, "-n", "4", "-o", join(root, "seedless"), "--workers", "1"]);
    expect(a.code).toBe(0);
    const seed = /seed: (\S+) \(pass --seed \1 to make this collection again\)/.exec(a.stderr)?.[1];
    expect(seed, a.stderr).toBeDefined();
    // Not a terminal: plain progress lines, never a redrawn bar.
    expect(a.stderr).toMatch(/^progress: 4\/4 100% .*tokens\/s ETA/m);
    expect(a.stderr).not.toContain("\r");
    const b = await runCli(["generate", layers, "-n", "4", "-o", join(root, "seeded"), "--seed", seed ?? "", "--workers", "1", "-q"]);
    expect(b.code).toBe(0);
    expect(b.stderr).toBe("");
    expect(await snapshotDir(join(root, "seeded"))).toEqual(await snapshotDir(join(root, "seedless")));
  });
});

describe("traitloom init", () => {
  it("writes traitloom.json listing the layers in order with every trait's weight", async () => {
    const cwd = join(root, "init-basic");
    await writeBasicLayers(join(cwd, "art"));
    const run = await runCli(["init", "art"], cwd);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/wrote traitloom\.json: 3 layers, 8 traits, 18 unique combinations/);
    const config = await readJson<{ layersDir: string; layers: Array<{ name: string; folder: string; traits: Record<string, number> }> }>(
      join(cwd, "traitloom.json"),
    );
    expect(config.layersDir).toBe("art");
    expect(config.layers).toEqual([
      { name: "Background", folder: "01-Background", traits: { Blue: 3, Green: 2, Red: 1 } },
      { name: "Body", folder: "02-Body", traits: { Disc: 1, Square: 1 } },
      { name: "Hat", folder: "03-Hat", traits: { Cap: 1, Crown: 1, None: 2 } },
    ]);
  });

  it("refuses to overwrite an existing traitloom.json without --force", async () => {
    const cwd = join(root, "init-force");
    await writeBasicLayers(join(cwd, "art"));
    expect((await runCli(["init", "art"], cwd)).code).toBe(0);
    await writeJson(join(cwd, "traitloom.json"), { namePrefix: "Edited by hand" });
    const refused = await runCli(["init", "art"], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/traitloom\.json: expected a new file, found one already there.*--force/);
    expect(await readJson(join(cwd, "traitloom.json"))).toEqual({ namePrefix: "Edited by hand" });
    const forced = await runCli(["init", "art", "--force"], cwd);
    expect(forced.code).toBe(0);
    expect(await readJson<{ layers: unknown[] }>(join(cwd, "traitloom.json"))).toHaveProperty("layers");
  });

  it("a config written by init gives the same collection as the layers folder alone", async () => {
    const cwd = join(root, "init-same");
    await writeBasicLayers(join(cwd, "art"));
    expect((await runCli(["init", "art"], cwd)).code).toBe(0);
    // In a folder with traitloom.json, generate picks it up and reads layersDir from it.
    const withConfig = await runCli(["generate", "-n", "10", "-o", "with", "--seed", "same", "--workers", "1"], cwd);
    expect(withConfig.code).toBe(0);
    expect(withConfig.stderr).toContain("using traitloom.json");
    const alone = await runCli(["generate", join(cwd, "art"), "-n", "10", "-o", join(root, "alone"), "--seed", "same", "--workers", "1", "-q"]);
    expect(alone.code).toBe(0);
    await expectSameCollection(join(cwd, "with"), join(root, "alone"));
  });

  it("a config written with -o into another folder still finds the layers", async () => {
    const cwd = join(root, "init-elsewhere");
    await writeBasicLayers(join(cwd, "art"));
    // -o into a folder that does not exist yet: init makes it, and writes layersDir relative to the config file.
    const init = await runCli(["init", "art", "-o", join("config", "traitloom.json")], cwd);
    expect(init.stderr).toBe("");
    expect(init.code).toBe(0);
    expect(await readJson(join(cwd, "config", "traitloom.json"))).toHaveProperty("layersDir", "../art");
    const run = await runCli(["generate", "-c", join("config", "traitloom.json"), "-n", "10", "-o", "out", "--seed", "same", "--workers", "1", "-q"], cwd);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const alone = join(root, "alone-elsewhere");
    expect((await runCli(["generate", join(cwd, "art"), "-n", "10", "-o", alone, "--seed", "same", "--workers", "1", "-q"])).code).toBe(0);
    await expectSameCollection(join(cwd, "out"), alone);
  });
});

/**
 * The same tokens: identical images, rarity files and per-token manifest entries (dna, traits, image hash) and
 * provenance. Metadata names differ by design: init writes a namePrefix placeholder for the user to edit.
 */
async function expectSameCollection(a: string, b: string): Promise<void> {
  const [sa, sb] = [await snapshotDir(a), await snapshotDir(b)];
  const images = (s: Record<string, string>): Array<[string, string]> => Object.entries(s).filter(([f]) => f.startsWith("images/"));
  expect(images(sa).length).toBeGreaterThan(0);
  expect(images(sa)).toEqual(images(sb));
  expect(sa["rarity.csv"]).toBe(sb["rarity.csv"]);
  expect(sa["rarity.json"]).toBe(sb["rarity.json"]);
  type Manifest = { tokens: unknown[]; provenance: string };
  const [ma, mb] = [await readJson<Manifest>(join(a, "manifest.json")), await readJson<Manifest>(join(b, "manifest.json"))];
  expect(ma.tokens).toEqual(mb.tokens);
  expect(ma.provenance).toBe(mb.provenance);
  type Meta = { name: string; attributes: unknown; edition: number; dna: string };
  const pick = (m: Meta): unknown => [m.edition, m.dna, m.attributes];
  const [ta, tb] = [await readJson<Meta[]>(join(a, "_metadata.json")), await readJson<Meta[]>(join(b, "_metadata.json"))];
  expect(ta.map(pick)).toEqual(tb.map(pick));
  expect((await readdir(join(a, "metadata"))).length).toBe((await readdir(join(b, "metadata"))).length);
}

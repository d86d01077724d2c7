/**
 * Whatever a user throws at the CLI: option values (negative numbers, values starting with "-", empty and
 * out-of-range numbers), too many workers, config files with a byte-order mark or that are folders, a read-only
 * file system, Ctrl-C as the last token lands, and `init` on layers that are not all one size. Each user error is
 * exit 1 with exactly one line that names the option or file, what was expected and what was found.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateCollection } from "../src/node/generate.js";
import { ensureDir } from "../src/node/files.js";
import { runMain, stackLines } from "./helpers/cli.js";
import { readJson, removeDir, tempDir, writeBasicLayers, writeLayers } from "./helpers/fixtures.js";

let root: string;
let layers: string;
beforeAll(async () => {
  root = await tempDir("traitloom-input-");
  layers = await writeBasicLayers(join(root, "layers"));
});
afterAll(async () => {
  await removeDir(root);
});

/** Exit 1, exactly this one line on stderr, nothing on stdout, no stack trace. */
async function expectOneLine(argv: string[], line: string): Promise<void> {
  const run = await runMain(argv);
  const err = run.err.filter((l) => l.trim() !== "");
  expect(err).toEqual([line]);
  expect(run.code).toBe(1);
  expect(run.out.join("")).toBe("");
  expect(stackLines(run.err)).toEqual([]);
}

describe("option values", () => {
  const COUNT = "a whole number of tokens, from 1 to 10000000";
  const WORKERS = "a whole number of render threads, 1 or more";
  it.each([
    // Negative numbers: parseArgs called these "ambiguous" without saying which option or value.
    [["-n", "-1"], `error: -n: expected ${COUNT}, found "-1"`],
    [["--count", "-1"], `error: --count: expected ${COUNT}, found "-1"`],
    [["--workers", "-1"], `error: --workers: expected ${WORKERS}, found "-1"`],
    [["--shard", "-1/2"], 'error: --shard: expected i/n such as 2/3, found "-1/2"'],
    // Every numeric option's other bad values.
    [["-n", "0"], `error: -n: expected ${COUNT}, found "0"`],
    [["-n", "1.5"], `error: -n: expected ${COUNT}, found "1.5"`],
    [["-n", "1e3"], `error: -n: expected ${COUNT}, found "1e3"`],
    [["-n", "99999999999999999999"], `error: -n: expected ${COUNT}, found "99999999999999999999"`],
    [["-n", "ten"], `error: -n: expected ${COUNT}, found "ten"`],
    [["--count=-5"], `error: --count: expected ${COUNT}, found "-5"`],
    [["--workers", "0"], `error: --workers: expected ${WORKERS}, found "0"`],
    [["--workers", "1.5"], `error: --workers: expected ${WORKERS}, found "1.5"`],
    [["--workers", "1e3"], `error: --workers: expected ${WORKERS}, found "1e3"`],
    [["--workers", "two"], `error: --workers: expected ${WORKERS}, found "two"`],
    [["--shard", "0/2"], "error: --shard: expected i/n with 1 <= i <= n, found 0/2"],
    [["--shard", "3/2"], "error: --shard: expected i/n with 1 <= i <= n, found 3/2"],
    [["--shard", "1.5/2"], 'error: --shard: expected i/n such as 2/3, found "1.5/2"'],
    [["--shard", "1/99999999999999999999"], "error: --shard: expected i/n with n <= 10000000, found 1/99999999999999999999"],
    // Missing and empty values name the option as typed.
    [["-o", ""], "error: -o: expected an output folder, found an empty value"],
    [["-c", ""], "error: -c: expected a config file, found an empty value"],
    [["--seed", ""], "error: --seed: expected a seed (any text), found an empty value"],
    [["-n"], "error: -n: expected a whole number of tokens, found none"],
    // A forgotten value: the next option is not taken for it.
    [["-n", "--seed", "x"], "error: -n: expected a whole number of tokens, found the option --seed"],
    [["--seed", "-q"], 'error: --seed: expected a seed (any text), found the option -q; for a value starting with "-", write --seed=-q'],
    [["-o", "-x"], 'error: -o: expected an output folder, found "-x", which reads as an option; for a value starting with "-", write --out=-x'],
    [["--format", "-x"], 'error: --format: expected one of png, webp, jpeg, found "-x"'],
    [["--quiet=yes"], 'error: --quiet: expected no value (it is a switch), found "yes"'],
    [["--coutn", "3"], "error: --coutn: expected an option of generate, found an unknown one (did you mean --count?); traitloom --help lists them"],
  ])("generate %j is one line naming the option", async (args, line) => {
    const out = join(root, "never-written");
    await expectOneLine(["generate", layers, "-n", "3", "--seed", "s", "-o", out, ...args], line);
    expect(existsSync(out)).toBe(false);
  });

  it("init and merge name their options the same way", async () => {
    await expectOneLine(["init", layers, "-o", ""], "error: -o: expected a config file to write, found an empty value");
    await expectOneLine(["merge", join(root, "a"), "-o", ""], "error: -o: expected an output folder, found an empty value");
    await expectOneLine(["init", ""], "error: init: expected a layers folder, found an empty argument");
  });

  it('a seed may start with "-": --seed -x makes the collection of seed "-x", the same as --seed=-x', async () => {
    const spaced = await runMain(["generate", layers, "-n", "3", "-o", join(root, "dash-seed"), "--seed", "-x", "--workers", "1", "-q"]);
    expect(spaced.err.filter((l) => l !== "")).toEqual([]);
    expect(spaced.code).toBe(0);
    expect(spaced.out[0]).toMatch(/seed "-x"$/);
    const inline = await runMain(["generate", layers, "-n", "3", "-o", join(root, "dash-seed-inline"), "--seed=-x", "--workers", "1", "-q"]);
    expect(inline.code).toBe(0);
    type Manifest = { seed: string; provenance: string };
    const [a, b] = await Promise.all(["dash-seed", "dash-seed-inline"].map((d) => readJson<Manifest>(join(root, d, "manifest.json"))));
    expect(a?.seed).toBe("-x");
    expect(a?.provenance).toBe(b?.provenance);
  });
});

describe("--workers past the machine", () => {
  it("is capped at twice the cores, with a warning line saying what was used", async () => {
    const cap = 2 * Math.max(1, availableParallelism());
    const run = await runMain(["generate", layers, "-n", "4", "-o", join(root, "many-workers"), "--seed", "w", "--workers", "1000"]);
    expect(run.code).toBe(0);
    expect(run.err).toContain(
      `warning: --workers 1000: using ${cap} render threads, twice this machine's ${cap / 2} cores (more only wait for the same cores and take memory)`,
    );
    // Within the cap nothing is said.
    const within = await runMain(["generate", layers, "-n", "4", "-o", join(root, "cap-workers"), "--seed", "w", "--workers", String(cap)]);
    expect(within.code).toBe(0);
    expect(within.err.filter((l) => l.startsWith("warning:"))).toEqual([]);
  });
});

describe("config files", () => {
  it("a UTF-8 byte-order mark (as Windows editors write) is read past", async () => {
    const config = join(root, "bom.json");
    await writeFile(config, `\uFEFF${JSON.stringify({ count: 2, namePrefix: "Bom" })}\n`);
    const run = await runMain(["generate", layers, "-c", config, "-o", join(root, "bom-out"), "--seed", "b", "--workers", "1", "-q"]);
    expect(run.err.filter((l) => l !== "")).toEqual([]);
    expect(run.code).toBe(0);
    expect((await readJson<{ name: string }>(join(root, "bom-out", "metadata", "1.json"))).name).toBe("Bom #1");
  });

  it("-c pointing at a folder says it is a folder", async () => {
    const folder = join(root, "a-folder");
    await mkdir(folder, { recursive: true });
    await expectOneLine(["generate", layers, "-c", folder, "-n", "2", "-o", join(root, "x"), "--seed", "s"], `error: ${folder}: expected a config file, found a folder`);
    await expectOneLine(
      ["generate", layers, "-c", join(root, "missing.json"), "-n", "2", "-o", join(root, "x"), "--seed", "s"],
      `error: ${join(root, "missing.json")}: expected a config file, found nothing there`,
    );
  });
});

/** A read-only tmpfs mounted for the test, where this process may mount one (root in the CI container). */
function mountReadOnly(dir: string): boolean {
  if (process.platform !== "linux" || process.getuid?.() !== 0) return false;
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", dir], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
}

describe("a read-only file system", () => {
  let ro: string;
  let mounted = false;
  beforeAll(async () => {
    ro = join(root, "read-only");
    await mkdir(ro);
    mounted = mountReadOnly(ro);
  });
  afterAll(() => {
    if (mounted) execFileSync("umount", [ro]);
  });

  it("is reported as read-only (EROFS), not as a missing folder (ENOENT)", async (ctx) => {
    if (!mounted) ctx.skip("cannot mount a read-only tmpfs here (needs root on Linux)");
    await expect(ensureDir(join(ro, "a", "b"))).rejects.toThrow(`${join(ro, "a", "b")}: expected to write a folder, found a read-only file system (EROFS)`);
    const out = join(ro, "out", "deeper");
    await expectOneLine(["generate", layers, "-n", "2", "-o", out, "--seed", "s", "-q"], `error: ${out}: expected to write a folder, found a read-only file system (EROFS)`);
    // init used to fail here with an internal error and a stack trace.
    await expectOneLine(["init", layers, "-o", join(ro, "cfg", "traitloom.json")], `error: ${join(ro, "cfg")}: expected to write a folder, found a read-only file system (EROFS)`);
  });
});

describe("a stop after the last token", () => {
  it("finishes the run: every collection file is written and the result resolves", async () => {
    const out = join(root, "late-stop");
    const controller = new AbortController();
    const result = await generateCollection({
      layersDir: layers,
      outDir: out,
      count: 6,
      seed: "late",
      workers: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === p.total) controller.abort();
      },
    });
    expect(controller.signal.aborted).toBe(true);
    expect(result.rendered).toBe(6);
    for (const f of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"]) expect(existsSync(join(out, f)), f).toBe(true);
    expect((await readdir(join(out, "images"))).sort()).toEqual(["1.png", "2.png", "3.png", "4.png", "5.png", "6.png"]);
  });

  it("a stop before the last token still stops, keeping what is done", async () => {
    const out = join(root, "early-stop");
    const controller = new AbortController();
    const run = generateCollection({
      layersDir: layers,
      outDir: out,
      count: 18,
      seed: "early",
      workers: 1,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= 1) controller.abort();
      },
    });
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
    expect(existsSync(join(out, "manifest.json"))).toBe(false);
  });
});

describe("init on layers of more than one size", () => {
  it("leaves out a layer drawn at another size, says so, and writes a config that generates", async () => {
    const cwd = join(root, "init-goo");
    const art = await writeBasicLayers(join(cwd, "art"));
    // HashLips' sample has such a layer: Goo, 1000x1000 among 512x512.
    await writeLayers(art, { "04-Goo": { "Green.png": { width: 48, height: 48, color: [0, 200, 0] } } });
    const config = join(cwd, "traitloom.json");
    const init = await runMain(["init", art, "-o", config]);
    expect(init.code).toBe(0);
    // Before init checked sizes, this generate stopped on 04-Goo/Green.png: expected 32x32, found 48x48.
    const run = await runMain(["generate", "-c", config, "-o", join(cwd, "out"), "--seed", "g", "--workers", "1", "-q"]);
    expect(run.err.filter((l) => l !== "")).toEqual([]);
    expect(run.code).toBe(0);
    expect(await readdir(join(cwd, "out", "images"))).toHaveLength(18);
    expect(init.out.filter((l) => l !== "")).toEqual([
      `wrote ${config}: 3 layers, 8 traits, 18 unique combinations`,
      "canvas 32x32: the most common trait size (8 of 9 traits)",
      'left out layer Goo (04-Goo): its 1 trait(s) are 48x48, not the canvas\'s 32x32; to use it, add it to "layers" and set "resize": "fit"',
      'count 18: every unique combination of these layers (init writes at most 1000; edit "count" or pass -n)',
    ]);
    const written = await readJson<{ count: number; resize?: string; layers: Array<{ name: string }> }>(config);
    expect(written.layers.map((l) => l.name)).toEqual(["Background", "Body", "Hat"]);
    expect(written.count).toBe(18);
    expect(written.resize).toBeUndefined();
  });

  it('keeps a layer with only some traits at another size, with "resize": "fit", and the config generates', async () => {
    const cwd = join(root, "init-mixed");
    const art = await writeBasicLayers(join(cwd, "art"));
    await writeLayers(art, { "03-Hat": { "Tall.png": { width: 32, height: 64, color: [9, 9, 200], shape: "square" } } });
    const config = join(cwd, "traitloom.json");
    const init = await runMain(["init", art, "-o", config]);
    expect(init.code).toBe(0);
    const run = await runMain(["generate", "-c", config, "-n", "24", "-o", join(cwd, "out"), "--seed", "m", "--workers", "1", "-q"]);
    expect(run.err.filter((l) => l !== "")).toEqual([]);
    expect(run.code).toBe(0);
    expect(init.out.filter((l) => l !== "")).toEqual([
      `wrote ${config}: 3 layers, 9 traits, 24 unique combinations`,
      "canvas 32x32: the most common trait size (8 of 9 traits)",
      `"resize": "fit": layer Hat has 1 of 4 traits at another size (${join(art, "03-Hat", "Tall.png")} is 32x64), scaled to fit 32x32 keeping their aspect; redraw them at 32x32 to use them as drawn`,
      'count 24: every unique combination of these layers (init writes at most 1000; edit "count" or pass -n)',
    ]);
    expect(await readJson(config)).toHaveProperty("resize", "fit");
  });

  it("writes a count within the capacity", async () => {
    const cwd = join(root, "init-count");
    await ensureDir(cwd);
    const many: Record<string, Record<string, { color: [number, number, number] }>> = {};
    for (const layer of ["01-A", "02-B", "03-C"]) {
      many[layer] = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`T${i}.png`, { color: [i * 20, 0, 0] as [number, number, number] }]));
    }
    const art = await writeLayers(join(cwd, "art"), many);
    const config = join(cwd, "traitloom.json");
    const init = await runMain(["init", art, "-o", config]);
    expect(init.out.filter((l) => l !== "")).toEqual([
      `wrote ${config}: 3 layers, 33 traits, 1331 unique combinations`,
      'count 1000 of 1331 unique combinations (edit "count" or pass -n)',
    ]);
    expect((await readJson<{ count: number }>(config)).count).toBe(1000);
  });
});

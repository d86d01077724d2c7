/**
 * Command-line options of every odd kind: bad numbers for -n, --workers, --shard; --seed edge cases; unknown
 * options and commands, missing values, empty ones; init's and merge's own options.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { readJson } from "../helpers/fixtures.js";
import { COUNT, SEED, cli, expectCollection, expectRefused, logged, suiteRoot, writeBase } from "./harness.js";

const root = suiteRoot("options");

/** The base layers, and generate with `args` in place of the usual -n/--seed (the layers, -o and -q are given). */
async function run(label: string, args: string[]) {
  const dir = await root.next(label);
  const layers = await writeBase(dir);
  const out = join(dir, "out");
  return { dir, layers, out, run: await cli(["generate", layers, "-o", out, "--workers", "1", "-q", ...args]) };
}

const N = /(^|\s|error: )(-n|--count)\b/;

describe("-n: how many tokens", () => {
  const bad: Array<[string, string[]]> = [
    ["-n 0", ["-n", "0"]],
    ["-n -1", ["-n", "-1"]],
    ["--count=-1", ["--count=-1"]],
    ["-n abc", ["-n", "abc"]],
    ["-n 1.5", ["-n", "1.5"]],
    ["-n 1e3", ["-n", "1e3"]],
    ["-n ''", ["-n", ""]],
    ["-n ' 4' (a space)", ["-n", " 4"]],
    ["-n 0x10", ["-n", "0x10"]],
    ["-n +4", ["-n", "+4"]],
    ["-n 99999999999999999999", ["-n", "99999999999999999999"]],
    ["-n as the last argument (no value)", ["--seed", SEED, "-n"]],
    ["-n followed by another option", ["-n", "--seed", SEED]],
  ];
  for (const [what, args] of bad) {
    it(what, async () => {
      const r = await run(what, [...(args.includes("--seed") ? [] : ["--seed", SEED]), ...args]);
      await expectRefused(r.run, { names: N, out: r.out, before: undefined });
    });
  }

  it("-n more than the layers allow (7 of 6)", async () => {
    const r = await run("n-capacity", ["-n", "7", "--seed", SEED]);
    await expectRefused(r.run, { names: N, out: r.out, before: undefined });
  });

  it("no -n and no count in a config", async () => {
    const r = await run("n-none", ["--seed", SEED]);
    await expectRefused(r.run, { names: /-n\b|count/, out: r.out, before: undefined });
  });

  it("-n4 (the value attached)", async () => {
    const r = await run("n-attached", ["-n4", "--seed", SEED]);
    await expectCollection(r.run, r.out, 4);
  });

  it("-n given twice (the last one counts)", async () => {
    const r = await run("n-twice", ["-n", "5", "-n", "3", "--seed", SEED]);
    await expectCollection(r.run, r.out, 3);
  });
});

describe("--workers", () => {
  const bad: Array<[string, string[]]> = [
    ["--workers 0", ["--workers", "0"]],
    ["--workers -1", ["--workers", "-1"]],
    ["--workers abc", ["--workers", "abc"]],
    ["--workers 1.5", ["--workers", "1.5"]],
    ["--workers ''", ["--workers", ""]],
    ["--workers as the last argument", ["--workers"]],
  ];
  for (const [what, args] of bad) {
    it(what, async () => {
      const r = await run(what, ["-n", String(COUNT), "--seed", SEED, ...args]);
      await expectRefused(r.run, { names: /--workers\b/, out: r.out, before: undefined });
    });
  }

  // A real process: a run that started 64 threads on 2 cores would show in its time and memory, not in main().
  it("--workers 64 on a small machine: capped, the collection made", async () => {
    const dir = await root.next("workers-64");
    const layers = await writeBase(dir);
    const out = join(dir, "out");
    const r = await runCli(["generate", layers, "-n", String(COUNT), "-o", out, "--seed", SEED, "--workers", "64", "-q"]);
    await expectCollection(logged({ code: r.code ?? -1, out: r.stdout.split("\n"), err: r.stderr.split("\n") }), out);
  });
});

describe("--shard", () => {
  const bad = ["0/3", "4/3", "1/0", "a/b", "1-3", "1/3/5", "", "-1/3", "1/3 ", "/3", "1/"];
  for (const value of bad) {
    it(`--shard ${JSON.stringify(value)}`, async () => {
      const r = await run(`shard ${value}`, ["-n", String(COUNT), "--seed", SEED, "--shard", value]);
      await expectRefused(r.run, { names: /--shard\b/, out: r.out, before: undefined });
    });
  }

  it("--shard 01/02 (leading zeros)", async () => {
    const r = await run("shard-zeros", ["-n", String(COUNT), "--seed", SEED, "--shard", "01/02"]);
    await expectCollection(r.run, r.out, COUNT);
    expect((await readJson<{ shard: { index: number; of: number } }>(join(r.out, "manifest.json"))).shard).toMatchObject({ index: 1, of: 2 });
  });

  it("--shard 1/1 (the whole collection as one shard)", async () => {
    const r = await run("shard-1-1", ["-n", String(COUNT), "--seed", SEED, "--shard", "1/1"]);
    await expectCollection(r.run, r.out, COUNT);
  });
});

describe("--seed", () => {
  it("--seed '' (empty)", async () => {
    const r = await run("seed-empty", ["-n", String(COUNT), "--seed", ""]);
    await expectRefused(r.run, { names: /--seed\b|seed/, out: r.out, before: undefined });
  });

  it("--seed as the last argument", async () => {
    const r = await run("seed-missing", ["-n", String(COUNT), "--seed"]);
    await expectRefused(r.run, { names: /--seed\b/, out: r.out, before: undefined });
  });

  const odd: Array<[string, string[], string]> = [
    ["--seed -1 (a seed starting with -)", ["--seed", "-1"], "-1"],
    ["--seed=-x", ["--seed=-x"], "-x"],
    ["--seed 0", ["--seed", "0"], "0"],
    ["a 10,000-character seed", ["--seed", "s".repeat(10_000)], "s".repeat(10_000)],
    ["a unicode and emoji seed", ["--seed", "Zoë \u{1F525} 种子"], "Zoë \u{1F525} 种子"],
    ["a seed with a newline", ["--seed", "line1\nline2"], "line1\nline2"],
  ];
  for (const [what, args, seed] of odd) {
    it(what, async () => {
      const r = await run(what, ["-n", String(COUNT), ...args]);
      await expectCollection(r.run, r.out);
      expect((await readJson<{ seed: string }>(join(r.out, "manifest.json"))).seed).toBe(seed);
    });
  }

  it("no --seed: one is made up and printed", async () => {
    const r = await run("seed-none", ["-n", String(COUNT)]);
    await expectCollection(r.run, r.out);
    const seed = (await readJson<{ seed: string }>(join(r.out, "manifest.json"))).seed;
    expect(r.run.err.join("\n")).toContain(`--seed ${seed}`);
  });
});

describe("--format, --compression and options that do not exist", () => {
  const bad: Array<[string, string[], RegExp]> = [
    ["--format gif", ["--format", "gif"], /--format\b/],
    ["--format PNG (upper case)", ["--format", "PNG"], /--format\b/],
    ["--compression max", ["--compression", "max"], /--compression\b/],
    ["an unknown option --colour", ["--colour", "red"], /--colour\b/],
    ["an unknown short option -x", ["-x"], /-x\b/],
    ["a value given to a switch (--overwrite=yes)", ["--overwrite=yes"], /--overwrite\b/],
    ["a value given to -q (--quiet=1)", ["--quiet=1"], /--quiet\b/],
    ["-o as the last argument", ["-o"], /-o\b|--out\b/],
    ["-o ''", ["-o", ""], /-o\b|--out\b/],
    ["-o followed by another option", ["-o", "--seed", "x"], /-o\b|--out\b/],
    ["-c as the last argument", ["-c"], /-c\b|--config\b/],
  ];
  for (const [what, args, name] of bad) {
    it(what, async () => {
      const r = await run(what, ["-n", String(COUNT), "--seed", SEED, ...args]);
      await expectRefused(r.run, { names: name, out: r.out, before: undefined });
    });
  }

  const good: Array<[string, string[], string]> = [
    ["--format webp", ["--format", "webp"], "webp"],
    ["--format jpeg", ["--format", "jpeg"], "jpg"],
    ["--compression fast", ["--compression", "fast"], "png"],
    ["--compression small", ["--compression", "small"], "png"],
    ["-- before the layers folder", ["--"], "png"],
  ];
  for (const [what, args, ext] of good) {
    it(what, async () => {
      const dir = await root.next(what);
      const layers = await writeBase(dir);
      const out = join(dir, "out");
      const argv = args[0] === "--" ? ["generate", "-n", "4", "-o", out, "--seed", SEED, "--workers", "1", "-q", "--", layers] : ["generate", layers, "-n", "4", "-o", out, "--seed", SEED, "--workers", "1", "-q", ...args];
      await expectCollection(await cli(argv), out, COUNT, ext);
    });
  }

  it("two layers folders", async () => {
    const dir = await root.next("two-positionals");
    const layers = await writeBase(dir);
    const out = join(dir, "out");
    await expectRefused(await cli(["generate", layers, layers, "-n", "4", "-o", out, "--seed", SEED, "-q"]), { names: layers, out, before: undefined });
  });

  it("an unknown command (gen)", async () => {
    await expectRefused(await cli(["gen", "layers"]), { names: '"gen"' });
  });
});

describe("init's options", () => {
  it("init without a layers folder", async () => {
    await expectRefused(await cli(["init"]), { names: /init/ });
  });

  it("init on a layers folder that does not exist", async () => {
    const dir = await root.next("init-missing");
    await expectRefused(await cli(["init", join(dir, "nope"), "-o", join(dir, "t.json")]), { names: join(dir, "nope") });
  });

  it("init on a layers folder with a bad trait", async () => {
    const dir = await root.next("init-bad-trait");
    const layers = await writeBase(dir, { "02-Hat": { "Crown#abc.png": "x" } });
    await expectRefused(await cli(["init", layers, "-o", join(dir, "t.json")]), { names: "Crown#abc.png" });
  });

  it("init -o a file that exists, without --force: kept as it was", async () => {
    const dir = await root.next("init-exists");
    const layers = await writeBase(dir);
    await writeFile(join(dir, "t.json"), "mine\n");
    await expectRefused(await cli(["init", layers, "-o", join(dir, "t.json")]), { names: join(dir, "t.json") });
    expect(await readFile(join(dir, "t.json"), "utf8")).toBe("mine\n");
  });

  it("init -o a folder", async () => {
    const dir = await root.next("init-folder");
    const layers = await writeBase(dir);
    await mkdir(join(dir, "conf"));
    await expectRefused(await cli(["init", layers, "-o", join(dir, "conf"), "--force"]), { names: join(dir, "conf") });
  });

  it("init -o ''", async () => {
    const dir = await root.next("init-o-empty");
    const layers = await writeBase(dir);
    await expectRefused(await cli(["init", layers, "-o", ""]), { names: /-o\b|--out\b/ });
  });

  it("init -o under a file (a/b.json where a is a file)", async () => {
    const dir = await root.next("init-under-file");
    const layers = await writeBase(dir);
    await writeFile(join(dir, "a"), "x");
    await expectRefused(await cli(["init", layers, "-o", join(dir, "a", "b.json")]), { names: join(dir, "a") });
  });

  it("init --force over a file, then generate -c with it", async () => {
    const dir = await root.next("init-force");
    const layers = await writeBase(dir, { "02-Hat": { "Cafe\u0301 #2.png": { width: 8, height: 8, color: [1, 2, 3], shape: "disc" } } });
    await writeFile(join(dir, "t.json"), "old\n");
    const init = await cli(["init", layers, "-o", join(dir, "t.json"), "--force"]);
    expect(init.code, init.err.join("\n")).toBe(0);
    const out = join(dir, "out");
    await expectCollection(await cli(["generate", "-c", join(dir, "t.json"), "-n", "9", "-o", out, "--seed", SEED, "--workers", "1", "-q"]), out, 9);
  });
});

describe("merge's options", () => {
  it("merge without -o", async () => {
    const dir = await root.next("merge-no-o");
    await expectRefused(await cli(["merge", join(dir, "s1")]), { names: /-o\b/ });
  });

  it("merge -o without shard folders", async () => {
    const dir = await root.next("merge-no-dirs");
    await expectRefused(await cli(["merge", "-o", join(dir, "out")]), { names: /merge|shard/, out: join(dir, "out"), before: undefined });
  });

  it("merge -o ''", async () => {
    const dir = await root.next("merge-o-empty");
    await expectRefused(await cli(["merge", join(dir, "s1"), "-o", ""]), { names: /-o\b|--out\b/ });
  });

  it("merge of a folder that does not exist", async () => {
    const dir = await root.next("merge-missing");
    await expectRefused(await cli(["merge", join(dir, "nope"), "-o", join(dir, "out")]), { names: join(dir, "nope"), out: join(dir, "out"), before: undefined });
  });
});

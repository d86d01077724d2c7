/**
 * What a user's folder can hold that reads one way and looks another, or that cannot be read: names with
 * several "#", Unicode twins and spaces at their ends, names a spreadsheet would run as formulas, symlinks to
 * nothing or out of the folder, files and folders the user may not read. Each through the CLI's main() in-process:
 * the exit code and the exact line it prints.
 */
import type * as FsPromises from "node:fs/promises";
import { chmod, readdir, readFile, realpath, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import { traitReadFailure } from "../src/node/traits.js";
import { runMain, stackLines } from "./helpers/cli.js";
import { removeDir, tempDir, writeLayers, type LayerFiles } from "./helpers/fixtures.js";

/** Paths whose read is refused with EACCES: where tests run as root (CI), chmod 000 does not stop reads. */
const { refused } = vi.hoisted(() => ({ refused: new Set<string>() }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const refuse = (path: unknown, syscall: string): void => {
    if (refused.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, ${syscall} '${String(path)}'`), { code: "EACCES", syscall });
  };
  const readdirRefusing = (async (path: Parameters<typeof fs.readdir>[0], options?: unknown) => {
    refuse(path, "scandir");
    return fs.readdir(path, options as never);
  }) as typeof fs.readdir;
  const readFileRefusing = (async (path: Parameters<typeof fs.readFile>[0], options?: unknown) => {
    refuse(path, "open");
    return fs.readFile(path, options as never);
  }) as typeof fs.readFile;
  return { ...fs, readdir: readdirRefusing, readFile: readFileRefusing };
});

let root: string;
let n = 0;

beforeAll(async () => {
  root = await realpath(await tempDir("traitloom-names-"));
});
afterEach(() => {
  refused.clear();
});
afterAll(async () => {
  await removeDir(root);
});

/** A layers folder of its own for each test: a background and whatever `hat` holds. */
async function layersWith(hat: LayerFiles[string]): Promise<string> {
  n++;
  return writeLayers(join(root, `case-${n}`, "layers"), {
    "01-Background": { "Sky#2.png": { color: [20, 40, 200] }, "Sea#1.png": { color: [20, 160, 60] } },
    "02-Hat": hat,
  });
}

async function generate(layers: string): Promise<{ code: number; err: string[]; out: string; csv: string | undefined }> {
  const out = join(layers, "..", "out");
  const run = await runMain(["generate", layers, "-n", "2", "-o", out, "--seed", "names", "--workers", "1"]);
  expect(stackLines(run.err)).toEqual([]);
  const csv = await readFile(join(out, "rarity.csv"), "utf8").catch(() => undefined);
  return { code: run.code, err: run.err.filter((l) => l.trim() !== ""), out, csv };
}

const warningsOf = (err: string[]): string[] => err.filter((l) => l.startsWith("warning: "));
const CAP = { color: [10, 10, 10], shape: "square" } as const;
const CROWN = { color: [250, 220, 0], shape: "disc" } as const;

describe("several # in a trait name", () => {
  it("is read as HashLips reads it (name to the first #, weight after the last), with a warning naming the file", async () => {
    const layers = await layersWith({ "Cap#1#5.png": CAP, "Crown#1.png": CROWN });
    const run = await generate(layers);
    expect(run.code).toBe(0);
    expect(warningsOf(run.err)).toEqual([
      `warning: ${layers}/02-Hat/Cap#1#5.png: expected one "#" before the weight, found 2; read as HashLips reads it: trait "Cap" (up to the first "#"), weight 5 (after the last "#")`,
    ]);
    expect(run.csv?.split("\n").filter((l) => l.startsWith("Hat,Cap,"))).toEqual([expect.stringMatching(/^Hat,Cap,5,/)]);
  });
});

describe("names that print alike", () => {
  it("the same name composed (NFC) and decomposed (NFD) in one layer is the duplicate-trait error naming both files", async () => {
    const layers = await layersWith({ "Caf\u00e9#1.png": CAP, "Cafe\u0301#2.png": CROWN });
    const run = await generate(layers);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([
      `error: ${layers}/02-Hat/Caf\u00e9#1.png: expected one file per trait name, found trait "Caf\u00e9" also given by 02-Hat/Cafe\u0301#2.png, the same name written in another Unicode form (NFC and NFD: macOS ZIPs do this)`,
    ]);
  });

  it("a decomposed name alone is written to metadata and rarity.csv in NFC", async () => {
    const layers = await layersWith({ "Cafe\u0301#1.png": CAP, "Crown#1.png": CROWN });
    const run = await generate(layers);
    expect(run.code).toBe(0);
    expect(run.csv).toContain("\nHat,Caf\u00e9,1,");
    expect(run.csv).not.toContain("Cafe\u0301");
  });

  it("a trait name with a space at its end is read trimmed, with a warning quoting the path so the space shows", async () => {
    const layers = await layersWith({ "Cap .png": CAP, "Crown#1.png": CROWN });
    const run = await generate(layers);
    expect(run.code).toBe(0);
    expect(warningsOf(run.err)).toEqual([
      `warning: "${layers}/02-Hat/Cap .png": expected a trait name without spaces at its ends, found "Cap "; read as "Cap" (HashLips keeps the spaces)`,
    ]);
  });
});

describe("names a spreadsheet would run", () => {
  it("land in rarity.csv as text: a single quote in front, in quotes; other names as before", async () => {
    const layers = await layersWith({ '=HYPERLINK("x.example","go").png': CAP, "@SUM(1).png": CROWN, "-Sad.png": CAP, "+Plus.png": CROWN, "Crown, gold.png": CAP });
    const run = await generate(layers);
    expect(run.code).toBe(0);
    const hats = (run.csv ?? "").split("\n").filter((l) => /^Hat,/.test(l)).map((l) => l.split(",1,")[0]);
    expect(hats.sort()).toEqual([`Hat,"'+Plus"`, `Hat,"'-Sad"`, `Hat,"'=HYPERLINK(""x.example"",""go"")"`, `Hat,"'@SUM(1)"`, `Hat,"Crown, gold"`].sort());
  });
});

describe("symlinks", () => {
  it("a symlink to a missing file is an error naming it and its target", async () => {
    const layers = await layersWith({ "Crown#1.png": CROWN });
    await symlink("../../art/Cap#2.png", join(layers, "02-Hat", "Cap#2.png"));
    const run = await generate(layers);
    expect(run.code).toBe(1);
    expect(run.err).toEqual([`error: ${layers}/02-Hat/Cap#2.png: expected a readable trait image, found a symlink to a missing file ../../art/Cap#2.png`]);
  });

  it("a symlink out of the layers folder is followed, with one warning naming it and its target", async () => {
    const layers = await layersWith({ "Crown#1.png": CROWN });
    const art = join(layers, "..", "shared-art");
    await writeLayers(art, { hats: { "Cap.png": CAP } });
    await symlink(join(art, "hats", "Cap.png"), join(layers, "02-Hat", "Cap#3.png"));
    const run = await generate(layers);
    expect(run.code).toBe(0);
    expect(warningsOf(run.err)).toEqual([`warning: ${layers}/02-Hat/Cap#3.png: a symlink to ${art}/hats/Cap.png, outside the layers folder; read from there`]);
    expect(run.csv).toMatch(/\nHat,Cap,3,/);
  });
});

/**
 * Makes `path` unreadable: chmod 000, and where a read still works (root ignores the mode, as in CI), refuses
 * it the way the file system would, so the test asserts the same line either way.
 */
async function makeUnreadable(path: string, isFolder: boolean): Promise<void> {
  await chmod(path, 0o000);
  const readable = await (isFolder ? readdir(path) : readFile(path)).then(
    () => true,
    () => false,
  );
  if (readable) refused.add(path);
}

describe("files and folders the user may not read", () => {
  it("a trait file: exit 1 and one line naming it and saying there is no permission to read it", async () => {
    const layers = await layersWith({ "Cap#1.png": CAP, "Crown#1.png": CROWN });
    const file = join(layers, "02-Hat", "Crown#1.png");
    await makeUnreadable(file, false);
    try {
      const run = await generate(layers);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([`error: ${file}: expected a trait image, found no permission to read it (EACCES)`]);
    } finally {
      await chmod(file, 0o644);
    }
  });

  it("a layer folder: exit 1 and one line naming it", async () => {
    const layers = await layersWith({ "Cap#1.png": CAP });
    const folder = join(layers, "02-Hat");
    await makeUnreadable(folder, true);
    try {
      const run = await generate(layers);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([`error: ${folder}: expected a layer folder, found no permission to read it (EACCES)`]);
    } finally {
      await chmod(folder, 0o755);
    }
  });

  it("the layers folder itself: exit 1 and one line naming it", async () => {
    const layers = await layersWith({ "Cap#1.png": CAP });
    await makeUnreadable(layers, true);
    try {
      const run = await generate(layers);
      expect(run.code).toBe(1);
      expect(run.err).toEqual([`error: ${layers}: expected a layers folder, found no permission to read it (EACCES)`]);
    } finally {
      await chmod(layers, 0o755);
    }
  });

  it("traitReadFailure maps a refused read to that line, and leaves other errors as they are", () => {
    const eacces = Object.assign(new Error("EACCES: permission denied, open 'l/Hat/Cap.png'"), { code: "EACCES" });
    const mapped = traitReadFailure(eacces, "l/Hat/Cap.png");
    expect(isTraitloomError(mapped)).toBe(true);
    expect((mapped as Error).message).toBe("l/Hat/Cap.png: expected a trait image, found no permission to read it (EACCES)");
    const eperm = Object.assign(new Error("EPERM"), { code: "EPERM" });
    expect((traitReadFailure(eperm, "x.png") as Error).message).toBe("x.png: expected a trait image, found no permission to read it (EPERM)");
    const bug = new TypeError("x is undefined");
    expect(traitReadFailure(bug, "x.png")).toBe(bug);
  });
});

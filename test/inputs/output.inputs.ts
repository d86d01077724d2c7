/**
 * Output folders of every kind: a file in the way, a read-only folder, the layers folder, another collection or
 * another tool's images, a damaged or missing run state, locks, symlinks and odd paths. A refused run leaves the
 * folder as it was; a run that goes ahead leaves a correct collection.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";
import { cp, mkdir, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { snapshotDir } from "../helpers/fixtures.js";
import { COUNT, IS_ROOT, SEED, expectCollection, expectRefused, finishedCollection, generate, logged, snapshot, suiteRoot, writeBase } from "./harness.js";

const root = suiteRoot("output");

/** A fresh case: the base layers and the path of an output folder not made yet. */
async function fresh(label: string): Promise<{ dir: string; layers: string; out: string }> {
  const dir = await root.next(label);
  return { dir, layers: await writeBase(dir), out: join(dir, "out") };
}

/** A fresh case whose output folder holds a finished collection of the base layers. */
async function finished(label: string, extra: string[] = []): Promise<{ dir: string; layers: string; out: string }> {
  const c = await fresh(label);
  await finishedCollection(c.layers, c.out, extra);
  return c;
}

/**
 * Makes folder `path` refuse new entries, undone by the returned function: mode 555 for a user; for root, whom
 * modes do not stop, chattr +i (immutable). Undefined where neither is possible (the case then says why).
 */
function makeReadOnly(path: string): (() => void) | undefined {
  if (!IS_ROOT) {
    chmodSync(path, 0o555);
    return () => chmodSync(path, 0o755);
  }
  const r = spawnSync("chattr", ["+i", path]);
  if (r.status !== 0) return undefined;
  return () => void spawnSync("chattr", ["-i", path]);
}

/** The snapshot of a collection folder without its run state (.traitloom/), which a resumed run rewrites. */
async function collectionFiles(out: string): Promise<Record<string, string>> {
  const all = await snapshotDir(out);
  return Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith(".traitloom")));
}

describe("output folders that are refused, and left as they were", () => {
  it("a file in place of -o", async () => {
    const c = await fresh("file-as-out");
    await writeFile(c.out, "mine\n");
    await expectRefused(await generate(c.layers, c.out), { names: c.out });
    expect(await readFile(c.out, "utf8")).toBe("mine\n");
  });

  it("-o under a file (file/sub)", async () => {
    const c = await fresh("under-file");
    await writeFile(join(c.dir, "file"), "mine\n");
    await expectRefused(await generate(c.layers, join(c.dir, "file", "sub")), { names: join(c.dir, "file") });
    expect(await readFile(join(c.dir, "file"), "utf8")).toBe("mine\n");
  });

  it("a read-only output folder", async (ctx) => {
    const c = await fresh("read-only");
    await mkdir(c.out);
    const undo = makeReadOnly(c.out);
    if (!undo) {
      console.log("a read-only output folder: skipped, running as root where chattr +i is not possible (not ext2/3/4, or no CAP_LINUX_IMMUTABLE)");
      ctx.skip();
      return;
    }
    try {
      await expectRefused(await generate(c.layers, c.out), { names: c.out, out: c.out, before: {} });
    } finally {
      undo();
    }
  });

  it("a resumed run whose images/ folder is read-only: the tokens done are kept", async (ctx) => {
    const c = await finished("read-only-images");
    const before = await collectionFiles(c.out);
    await rm(join(c.out, "images", "2.png"));
    const undo = makeReadOnly(join(c.out, "images"));
    if (!undo) {
      console.log("a read-only images/ folder: skipped, running as root where chattr +i is not possible");
      ctx.skip();
      return;
    }
    try {
      await expectRefused(await generate(c.layers, c.out), { names: join(c.out, "images") });
    } finally {
      undo();
    }
    const after = await collectionFiles(c.out);
    delete before["images/2.png"];
    expect(after).toEqual(before);
  });

  it("-o inside the layers folder", async () => {
    const c = await fresh("inside-layers");
    const out = join(c.layers, "out");
    const before = await snapshotDir(c.layers);
    await expectRefused(await generate(c.layers, out), { names: out });
    expect(await snapshotDir(c.layers)).toEqual(before);
  });

  it("-o the layers folder itself", async () => {
    const c = await fresh("is-layers");
    const before = await snapshotDir(c.layers);
    await expectRefused(await generate(c.layers, c.layers), { names: c.layers });
    expect(await snapshotDir(c.layers)).toEqual(before);
  });

  it("another collection there (another seed)", async () => {
    const c = await finished("other-seed", ["--seed", "other"]);
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out), { names: c.out, out: c.out, before });
  });

  it("another collection there (another count)", async () => {
    const c = await finished("other-count");
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out, [], 5), { names: c.out, out: c.out, before });
  });

  it("another tool's images/ there", async () => {
    const c = await fresh("other-tool");
    await mkdir(join(c.out, "images"), { recursive: true });
    await writeFile(join(c.out, "images", "1.png"), "theirs");
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out), { names: c.out, out: c.out, before });
  });

  it("another tool's metadata/ there", async () => {
    const c = await fresh("other-tool-meta");
    await mkdir(join(c.out, "metadata"), { recursive: true });
    await writeFile(join(c.out, "metadata", "1.json"), "{}");
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out), { names: c.out, out: c.out, before });
  });

  const damagedStates: Array<[string, string]> = [
    ["a damaged .traitloom/state.json (not JSON)", '{"tool": "traitloom", "inputH'],
    ["an empty .traitloom/state.json", ""],
    ["a .traitloom/state.json with a bad field", JSON.stringify({ tool: "traitloom", version: "0.1.0", inputHash: "zz", seed: SEED, count: COUNT })],
  ];
  for (const [what, text] of damagedStates) {
    it(what, async () => {
      const c = await finished(what);
      await writeFile(join(c.out, ".traitloom", "state.json"), text);
      const before = await snapshot(c.out);
      await expectRefused(await generate(c.layers, c.out), { names: ".traitloom/state.json", out: c.out, before });
    });
  }

  it("a file named images where the images/ folder goes", async () => {
    const c = await fresh("images-file");
    await mkdir(c.out);
    await writeFile(join(c.out, "images"), "x");
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out), { names: /images/, out: c.out, before });
  });

  it("a folder another live run holds (its lock)", async () => {
    const c = await finished("locked");
    await writeFile(join(c.out, ".traitloom.lock"), JSON.stringify({ pid: process.pid, host: hostname(), started: "2026-01-01T00:00:00.000Z" }));
    const before = await snapshot(c.out);
    await expectRefused(await generate(c.layers, c.out), { names: c.out, out: c.out, before });
  });

  it("-o a dangling symlink", async () => {
    const c = await fresh("dangling-out");
    await symlink(join(c.dir, "gone"), c.out);
    await expectRefused(await generate(c.layers, c.out), { names: c.out });
  });

  it("-o a name longer than the file system allows (300 bytes)", async () => {
    const c = await fresh("long-name");
    const out = join(c.dir, "o".repeat(300));
    await expectRefused(await generate(c.layers, out), { names: "ooooo" });
  });
});

describe("output folders a run goes ahead in", () => {
  it("the same collection there, finished: nothing changes", async () => {
    const c = await finished("same");
    const before = await collectionFiles(c.out);
    await expectCollection(await generate(c.layers, c.out), c.out);
    expect(await collectionFiles(c.out)).toEqual(before);
  });

  it("another collection there, with --overwrite", async () => {
    const c = await finished("overwrite", ["--seed", "other"]);
    await expectCollection(await generate(c.layers, c.out, ["--overwrite"]), c.out);
  });

  it("a damaged .traitloom/state.json, with --overwrite", async () => {
    const c = await finished("state-overwrite");
    await writeFile(join(c.out, ".traitloom", "state.json"), "{");
    await expectCollection(await generate(c.layers, c.out, ["--overwrite"]), c.out);
  });

  it("a collection copied without .traitloom/", async () => {
    const c = await finished("no-state");
    const copy = join(c.dir, "copy");
    await cp(c.out, copy, { recursive: true, filter: (src) => !src.includes(".traitloom") });
    const before = await collectionFiles(copy);
    await expectCollection(await generate(c.layers, copy), copy);
    expect(await collectionFiles(copy)).toEqual(before);
  });

  it("a collection copied without .traitloom/ and with a damaged image", async () => {
    const c = await finished("no-state-damaged");
    const before = await collectionFiles(c.out);
    const copy = join(c.dir, "copy");
    await cp(c.out, copy, { recursive: true, filter: (src) => !src.includes(".traitloom") });
    await writeFile(join(copy, "images", "3.png"), "damaged");
    await expectCollection(await generate(c.layers, copy), copy);
    expect(await collectionFiles(copy)).toEqual(before);
  });

  it("a lock left by a process that is gone", async () => {
    const c = await fresh("stale-lock");
    await mkdir(c.out);
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => gone.on("close", r));
    await writeFile(join(c.out, ".traitloom.lock"), JSON.stringify({ pid: gone.pid, host: hostname(), started: "x" }));
    await expectCollection(await generate(c.layers, c.out), c.out);
  });

  it("a lock file cut short (not JSON)", async () => {
    const c = await fresh("garbage-lock");
    await mkdir(c.out);
    await writeFile(join(c.out, ".traitloom.lock"), '{"pid": 12');
    await expectCollection(await generate(c.layers, c.out), c.out);
  });

  it("-o with a trailing slash", async () => {
    const c = await fresh("trailing-slash");
    await expectCollection(await generate(c.layers, `${c.out}/`), c.out);
  });

  it("-o a symlink to a folder", async () => {
    const c = await fresh("symlink-out");
    await mkdir(join(c.dir, "real"));
    await symlink(join(c.dir, "real"), c.out);
    await expectCollection(await generate(c.layers, c.out), join(c.dir, "real"));
  });

  it("-o the folder that holds the layers folder", async () => {
    const c = await fresh("parent-of-layers");
    const before = await snapshotDir(c.layers);
    await expectCollection(await generate(c.layers, c.dir), c.dir);
    expect(await snapshotDir(c.layers)).toEqual(before);
  });

  it("a folder holding the user's own files (notes.txt)", async () => {
    const c = await fresh("user-files");
    await mkdir(c.out);
    await writeFile(join(c.out, "notes.txt"), "mine\n");
    await expectCollection(await generate(c.layers, c.out), c.out);
    expect(await readFile(join(c.out, "notes.txt"), "utf8")).toBe("mine\n");
  });

  it("temp files a killed run left in images/, metadata/ and .traitloom/tmp/", async () => {
    const c = await finished("temp-files");
    await writeFile(join(c.out, "images", ".1.png.99999.1.tmp"), "half");
    await writeFile(join(c.out, "metadata", ".1.json.99999.2.tmp"), "{");
    await writeFile(join(c.out, ".manifest.json.99999.3.tmp"), "{");
    await mkdir(join(c.out, ".traitloom", "tmp"), { recursive: true });
    await writeFile(join(c.out, ".traitloom", "tmp", "5.png"), "half");
    await expectCollection(await generate(c.layers, c.out), c.out);
  });

  it("an -o path with spaces, unicode and an emoji", async () => {
    const c = await fresh("unicode-out");
    const out = join(c.dir, "my collection Zoë \u{1F525}");
    await expectCollection(await generate(c.layers, out), out);
  });

  it("an -o path 20 folders deep that does not exist yet", async () => {
    const c = await fresh("deep-out");
    const out = join(c.dir, ...Array.from({ length: 20 }, (_, i) => `d${i}`));
    await expectCollection(await generate(c.layers, out), out);
  });

  it("a relative -o (a real process in the case's folder)", async () => {
    const c = await fresh("relative-out");
    const r = await runCli(["generate", "layers", "-n", String(COUNT), "-o", "out", "--seed", SEED, "--workers", "1", "-q"], c.dir);
    await expectCollection(logged({ code: r.code ?? -1, out: r.stdout.split("\n"), err: r.stderr.split("\n") }), c.out);
  });
});

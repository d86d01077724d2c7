import { chmod, mkdir, mkdtemp, readdir, realpath, rm, symlink, writeFile } from "node:fs/promises";
import type * as FsPromises from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { TraitloomError } from "../core/errors.js";
import { analyzeLayers } from "../core/layers.js";
import { listLayersDir, readRefusal, writeFailure } from "./files.js";

/** Folders whose listing is refused with EACCES: where tests run as root, chmod 000 does not stop reads. */
const { refusedDirs } = vi.hoisted(() => ({ refusedDirs: new Set<string>() }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const readdirRefusing = (async (path: Parameters<typeof fs.readdir>[0], options?: unknown) => {
    if (refusedDirs.has(String(path))) throw Object.assign(new Error(`EACCES: permission denied, scandir '${String(path)}'`), { code: "EACCES", syscall: "scandir" });
    return fs.readdir(path, options as never);
  }) as typeof fs.readdir;
  return { ...fs, readdir: readdirRefusing };
});

const fsError = (code: string): Error => Object.assign(new Error(`${code}: something, open 'x'`), { code });

describe("writeFailure", () => {
  it("turns a full disk into one line naming the file, what was written and what the file system said", () => {
    const e = writeFailure(fsError("ENOSPC"), "out/images/7.png", "token 7's image");
    expect(e).toBeInstanceOf(TraitloomError);
    expect((e as TraitloomError).code).toBe("WRITE_FAILED");
    expect((e as TraitloomError).message).toBe("out/images/7.png: expected to write token 7's image, found no space left on the device (ENOSPC)");
  });

  it("names refusals it knows and still reports codes it does not", () => {
    expect((writeFailure(fsError("EROFS"), "o/a", "the file") as Error).message).toBe("o/a: expected to write the file, found a read-only file system (EROFS)");
    expect((writeFailure(fsError("EACCES"), "o/a", "the file") as Error).message).toContain("no permission to write there (EACCES)");
    expect((writeFailure(fsError("EXDEV"), "o/a", "the file") as Error).message).toBe("o/a: expected to write the file, found the file system refusing (EXDEV)");
  });

  it("returns anything that is not a file system error unchanged", () => {
    const bug = new TypeError("x is undefined");
    expect(writeFailure(bug, "o/a", "the file")).toBe(bug);
    expect(writeFailure("text", "o/a", "the file")).toBe("text");
    const coded = Object.assign(new Error("zlib"), { code: "Z_BUF_ERROR" });
    expect(writeFailure(coded, "o/a", "the file")).toBe(coded);
  });
});

describe("readRefusal", () => {
  it("says what a refused read found, with the code", () => {
    expect(readRefusal(fsError("EACCES"))).toBe("no permission to read it (EACCES)");
    expect(readRefusal(fsError("EPERM"))).toBe("no permission to read it (EPERM)");
    expect(readRefusal(fsError("EXDEV"))).toBe("the file system refusing (EXDEV)");
    expect(readRefusal(new TypeError("bug"))).toBeUndefined();
  });
});

describe("listLayersDir: symlinks and folders that may not be read", () => {
  let root: string;
  let layers: string;
  let outside: string;
  const png = Buffer.from("not decoded here: the listing only stats");

  beforeEach(async () => {
    // Real, so the targets warnings name are the paths written here (macOS's /tmp is a link).
    root = await realpath(await mkdtemp(join(tmpdir(), "traitloom-files-")));
    layers = join(root, "layers");
    outside = join(root, "shared-art");
    await mkdir(join(layers, "01-Hat"), { recursive: true });
    await mkdir(join(outside, "eyes"), { recursive: true });
    await writeFile(join(layers, "01-Hat", "Crown.png"), png);
    await writeFile(join(outside, "Cap.png"), png);
    await writeFile(join(outside, "eyes", "Blue.png"), png);
  });
  afterEach(async () => {
    refusedDirs.clear();
    await chmod(join(layers, "02-Eyes"), 0o755).catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  });

  it("a symlink to a missing file is listed as unreadable, and core names it as a problem of its layer", async () => {
    await symlink("../../gone/Cap.png", join(layers, "01-Hat", "Cap.png"));
    const listing = await listLayersDir(layers);
    expect(listing.folders[0]?.files.find((f) => f.name === "Cap.png")).toEqual({
      name: "Cap.png",
      size: 0,
      unreadable: "expected a readable trait image, found a symlink to a missing file ../../gone/Cap.png",
    });
    expect(analyzeLayers(listing).problems.map((p) => p.message)).toEqual([
      `${layers}/01-Hat/Cap.png: expected a readable trait image, found a symlink to a missing file ../../gone/Cap.png`,
    ]);
  });

  it("a symlink out of the layers folder is followed, with one warning naming it and its target; one inside is not worth a word", async () => {
    await symlink(join(outside, "Cap.png"), join(layers, "01-Hat", "Cap.png"));
    await symlink("Crown.png", join(layers, "01-Hat", "Crown2.png"));
    const listing = await listLayersDir(layers);
    expect(listing.folders[0]?.files.map((f) => [f.name, f.size]).sort()).toEqual([
      ["Cap.png", png.length],
      ["Crown.png", png.length],
      ["Crown2.png", png.length],
    ]);
    expect(listing.warnings).toEqual([`${layers}/01-Hat/Cap.png: a symlink to ${outside}/Cap.png, outside the layers folder; read from there`]);
    expect(analyzeLayers(listing).warnings).toContain(listing.warnings?.[0]);
  });

  it("a layer folder linked from outside is one warning, not one per file in it", async () => {
    await symlink(join(outside, "eyes"), join(layers, "02-Eyes"));
    const listing = await listLayersDir(layers);
    expect(listing.folders.map((f) => [f.folder, f.files.map((x) => x.name)])).toEqual([
      ["01-Hat", ["Crown.png"]],
      ["02-Eyes", ["Blue.png"]],
    ]);
    expect(listing.warnings).toEqual([`${layers}/02-Eyes: a symlink to ${outside}/eyes, outside the layers folder; read from there`]);
  });

  it("a symlink to nothing beside the layer folders is listed as a layer folder that cannot be read, and core names it", async () => {
    await symlink("/nowhere/04-Mouth", join(layers, "04-Mouth"));
    const listing = await listLayersDir(layers);
    expect(listing.folders.map((f) => [f.folder, f.unreadable])).toEqual([
      ["01-Hat", undefined],
      ["04-Mouth", "expected a layer folder, found a symlink to /nowhere/04-Mouth, which does not exist"],
    ]);
    expect(analyzeLayers(listing).problems.map((p) => p.message)).toEqual([`${layers}/04-Mouth: expected a layer folder, found a symlink to /nowhere/04-Mouth, which does not exist`]);
  });

  it("a symlink to nothing named like a file beside the layer folders is a warning", async () => {
    await symlink("/nowhere/notes.txt", join(layers, "notes.txt"));
    const listing = await listLayersDir(layers);
    expect(listing.folders.map((f) => f.folder)).toEqual(["01-Hat"]);
    expect(listing.warnings).toEqual([`${layers}/notes.txt: expected a layer folder or a file, found a symlink to a missing file /nowhere/notes.txt; skipped`]);
  });

  it("a layer folder that may not be read is listed so, and core names it: no raw error", async () => {
    const eyes = join(layers, "02-Eyes");
    await mkdir(eyes);
    await writeFile(join(eyes, "Blue.png"), png);
    await chmod(eyes, 0o000);
    // As root (CI), chmod does not stop reads: refuse the listing the way the file system would.
    const chmodWorks = await readdir(eyes).then(
      () => false,
      () => true,
    );
    if (!chmodWorks) refusedDirs.add(eyes);
    const listing = await listLayersDir(layers);
    expect(listing.folders.find((f) => f.folder === "02-Eyes")).toEqual({ folder: "02-Eyes", files: [], subfolders: [], unreadable: "expected a layer folder, found no permission to read it (EACCES)" });
    expect(analyzeLayers(listing).problems.map((p) => p.message)).toEqual([`${layers}/02-Eyes: expected a layer folder, found no permission to read it (EACCES)`]);
  });

  it("a layers folder that may not be read is one line saying so", async () => {
    refusedDirs.add(layers);
    await expect(listLayersDir(layers)).rejects.toThrow(new TraitloomError("LAYERS_NOT_FOUND", `${layers}: expected a layers folder, found no permission to read it (EACCES)`));
    await expect(listLayersDir(join(root, "none"))).rejects.toThrow(`${join(root, "none")}: expected a layers folder, found nothing there`);
  });
});

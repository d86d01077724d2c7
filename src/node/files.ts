import type { ListedDir } from "../core/model.js";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, readlink, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { once } from "node:events";
import { TraitloomError } from "../core/errors.js";
import type { LayersListing, ListedFolder } from "../core/layers.js";
import { isJunkFile, isJunkFolder } from "../core/weights.js";

/** What the file system's refusals mean, in the words of an error line. */
const WRITE_REFUSALS: Record<string, string> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota used up",
  EACCES: "no permission to write there",
  EPERM: "no permission to write there",
  EROFS: "a read-only file system",
  EISDIR: "a folder in the way",
  ENOTEMPTY: "a folder in the way",
  EEXIST: "something else in the way",
  ENOTDIR: "a file where a folder should be",
  ENAMETOOLONG: "a path too long for the file system",
  EMFILE: "too many files open",
  ENFILE: "too many files open",
  EIO: "an input/output error on the device",
  ENOENT: "a file or folder missing on the way",
};

/**
 * A failed write as a one-line WRITE_FAILED error naming the file, what was being written and what the file
 * system said; anything that is not a file system error is returned as it is.
 */
export function writeFailure(e: unknown, path: string, what: string): unknown {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return e;
  return new TraitloomError("WRITE_FAILED", `${path}: expected to write ${what}, found ${WRITE_REFUSALS[code] ?? "the file system refusing"} (${code})`);
}

let tmpCounter = 0;
/** A temp name beside `path` (same folder, so a rename is atomic), hidden and unique to this process. */
function tmpPathFor(path: string): string {
  tmpCounter++;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${tmpCounter}.tmp`);
}

/**
 * Makes `path` whole or not at all: `fill` writes a temp file beside it, renamed into place once complete, so a
 * crash or Ctrl-C leaves the old file or none, never half of one. A refused write is a one-line WRITE_FAILED
 * error naming `path` and `what` was being written.
 */
export async function replaceAtomically(path: string, what: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = tmpPathFor(path);
  try {
    await fill(tmp);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw writeFailure(e, path, what);
  }
}

/** Writes a file whole or not at all (replaceAtomically). */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await replaceAtomically(path, "the file", (tmp) => writeFile(tmp, data));
}

/** Streams string chunks to a file atomically, so a 100,000-token JSON never exists as one string. */
export async function writeChunksAtomic(path: string, chunks: Iterable<string>): Promise<void> {
  await replaceAtomically(path, "the file", async (tmp) => {
    const out = createWriteStream(tmp);
    try {
      let buffered = "";
      for (const chunk of chunks) {
        buffered += chunk;
        if (buffered.length >= 1 << 16) {
          if (!out.write(buffered)) await once(out, "drain");
          buffered = "";
        }
      }
      out.end(buffered);
      await once(out, "finish");
    } catch (e) {
      out.destroy();
      throw e;
    }
  });
}

/** Names of the temp files of writeFileAtomic and the render workers: ".<name>.<pid>[.<n>].tmp". */
const TEMP_FILE_RE = /^\..+\.\d+(?:\.\d+)?\.tmp$/;

/** Removes temp files that a killed run left in dir (not recursive). */
export async function removeTempFiles(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => []);
  await Promise.all(names.filter((n) => TEMP_FILE_RE.test(n)).map((n) => rm(join(dir, n), { force: true })));
}

/**
 * Makes a folder and the folders on the way to it (mkdir -p); a refusal is a one-line WRITE_FAILED error naming the
 * folder and the file system's own reason.
 */
export async function ensureDir(path: string): Promise<void> {
  try {
    await makeFolders(resolve(path));
  } catch (e) {
    // mkdir's EEXIST is a file (or a link to one) where the folder should be: makeFolders takes a folder as made.
    if (errorCode(e) === "EEXIST") throw new TraitloomError("WRITE_FAILED", `${path}: expected to write a folder, found a file there (EEXIST)`);
    throw writeFailure(e, path, "a folder");
  }
}

function errorCode(e: unknown): unknown {
  return (e as { code?: unknown } | undefined)?.code;
}

/**
 * mkdir -p one folder at a time, not `mkdir(path, { recursive: true })`: on a refusal other than EACCES, EPERM,
 * ENOTDIR (and ENOSPC in newer Node), Node's recursive mkdir stats the folder it could not make and reports that
 * stat's ENOENT instead (MKDirpAsync in src/node_file.cc), so a read-only file system (EROFS), a used-up quota
 * (EDQUOT) or a failing disk (EIO) all read "a file or folder missing on the way".
 */
async function makeFolders(dir: string): Promise<void> {
  const made = async (): Promise<boolean> => {
    try {
      await mkdir(dir);
      return true;
    } catch (e) {
      if (errorCode(e) === "ENOENT") return false;
      // Made meanwhile (by a sibling's call, say) is as good; a file of that name is not.
      if (errorCode(e) === "EEXIST" && (await stat(dir).catch(() => undefined))?.isDirectory()) return true;
      throw e;
    }
  };
  if (await made()) return;
  const parent = dirname(dir);
  if (parent === dir) throw Object.assign(new Error(`ENOENT: no root folder ${dir}`), { code: "ENOENT" });
  await makeFolders(parent);
  if (!(await made())) throw Object.assign(new Error(`ENOENT: ${dir} vanished while it was made`), { code: "ENOENT" });
}

/** Why an entry could not be read, in the words of an error line; `readRefusal` adds the code. */
const READ_REFUSALS: Record<string, string> = {
  EACCES: "no permission to read it",
  EPERM: "no permission to read it",
  ELOOP: "a symlink loop",
  ENOENT: "nothing there (removed while reading?)",
  EISDIR: "a folder",
  ENOTDIR: "a file where a folder should be",
  ENAMETOOLONG: "a path too long for the file system",
  EMFILE: "too many files open",
  ENFILE: "too many files open",
  EIO: "an input/output error on the device",
};

/**
 * What a refused read found, for the "found …" part of a one-line error: "no permission to read it (EACCES)";
 * undefined for anything that is not a file system error (a bug, to be reported as one).
 */
export function readRefusal(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (typeof code !== "string" || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  return `${READ_REFUSALS[code] ?? "the file system refusing"} (${code})`;
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** One entry of a listed folder, symlinks followed: what it is, or why it cannot be read (the "found …" part). */
type Entry = { kind: "folder" } | { kind: "file"; size: number } | { kind: "unreadable"; found: string; missingTarget?: string } | { kind: "gone" };

/**
 * Stats an entry, following a symlink; a symlink whose target lies outside every folder of `within` is
 * followed (users link shared art) with a warning naming it and its target.
 */
async function statEntry(full: string, shown: string, isLink: boolean, within: readonly string[], warnings: string[]): Promise<Entry> {
  let s;
  try {
    s = await stat(full);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (isLink && (code === "ENOENT" || code === "ENOTDIR")) {
      const target = await readlink(full).catch(() => "?");
      return { kind: "unreadable", found: `a symlink to a missing file ${target}`, missingTarget: target };
    }
    // Gone between readdir and stat: another program's doing, not a file of the layers.
    if (code === "ENOENT") return { kind: "gone" };
    const found = readRefusal(e);
    if (found === undefined) throw e;
    return { kind: "unreadable", found };
  }
  if (isLink && !isJunkFile(basename(full))) {
    const target = await realpath(full).catch(() => undefined);
    if (target !== undefined && !within.some((dir) => isInside(dir, target))) warnings.push(`${shown}: a symlink to ${target}, outside the layers folder; read from there`);
  }
  return s.isDirectory() ? { kind: "folder" } : { kind: "file", size: s.size };
}

/** Extensions of the files that lie beside layer folders (configs, notes, art sources): such a name is no layer. */
const FILE_NAME_RE = /\.(png|jpe?g|webp|gif|svg|tiff?|psd|ai|json|txt|md|csv|zip|js|ts|html?|pdf)$/i;

function looksLikeFileName(name: string): boolean {
  return FILE_NAME_RE.test(name);
}

/**
 * Lists a layers folder from disk into the listing core's buildLayerSet reads. Symlinks are followed: one to a
 * missing file, or an entry that may not be read, is listed as `unreadable` (a problem of its layer, named by core
 * with the others; beside the layer folders, an entry not named like a file is listed as an unreadable layer
 * folder); one pointing out of the layers folder is read with a warning naming the link and its target.
 */
export async function listLayersDir(root: string): Promise<LayersListing> {
  let entries;
  try {
    const s = await stat(root);
    if (!s.isDirectory()) throw new TraitloomError("LAYERS_NOT_FOUND", `${root}: expected a layers folder, found a file`);
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    if (e instanceof TraitloomError) throw e;
    const code = (e as { code?: unknown } | undefined)?.code;
    const found = code === "ENOENT" || code === "ENOTDIR" ? undefined : readRefusal(e);
    throw new TraitloomError("LAYERS_NOT_FOUND", `${root}: expected a layers folder, found ${found ?? "nothing there"}`);
  }
  const realRoot = await realpath(root);
  const folders: ListedFolder[] = [];
  const rootFiles: string[] = [];
  const warnings: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(root, entry.name);
    const shown = `${root}/${entry.name}`;
    const s = await statEntry(full, shown, entry.isSymbolicLink(), [realRoot], warnings);
    if (s.kind === "gone") continue;
    if (s.kind === "unreadable") {
      if (isJunkFile(entry.name)) continue;
      // Files beside the layer folders are never read, so one named as a file is passed over with a word. Any other
      // entry may be a layer (a linked layer folder whose target moved, say): it is listed as a layer folder that
      // cannot be read, which core names as a problem, not dropped so that the collection silently lacks a layer.
      if (looksLikeFileName(entry.name)) {
        warnings.push(`${shown}: expected a layer folder or a file, found ${s.found}; skipped`);
        continue;
      }
      const found = s.missingTarget !== undefined ? `a symlink to ${s.missingTarget}, which does not exist` : s.found;
      folders.push({ folder: entry.name, files: [], subfolders: [], unreadable: `expected a layer folder, found ${found}` });
      continue;
    }
    if (s.kind === "file") {
      rootFiles.push(entry.name);
      continue;
    }
    const folder: ListedFolder = { folder: entry.name, files: [], subfolders: [] };
    folders.push(folder);
    // Core skips these whole (.git, __MACOSX, hidden folders): nothing in them is read, or worth a word.
    if (isJunkFolder(entry.name)) continue;
    let inner;
    try {
      inner = await readdir(full, { withFileTypes: true });
    } catch (e) {
      const found = readRefusal(e);
      if (found === undefined) throw e;
      folder.unreadable = `expected a layer folder, found ${found}`;
      continue;
    }
    // A linked layer folder may link on within its own target without a warning for each file.
    const within = [realRoot, await realpath(full).catch(() => realRoot)];
    for (const file of inner) {
      const innerStat = await statEntry(join(full, file.name), `${shown}/${file.name}`, file.isSymbolicLink(), within, warnings);
      if (innerStat.kind === "gone") continue;
      if (innerStat.kind === "folder") folder.subfolders.push(file.name);
      else if (innerStat.kind === "file") folder.files.push({ name: file.name, size: innerStat.size });
      else folder.files.push({ name: file.name, size: 0, unreadable: `expected a readable trait image, found ${innerStat.found}` });
    }
    // Sub-folders (nested choices, parts, variants) are listed whole, for the trait model's dialects.
    if (folder.subfolders.some((d) => !isJunkFolder(d))) {
      folder.tree = {
        name: entry.name,
        files: folder.files.filter((f) => f.unreadable === undefined).map((f) => ({ name: f.name, size: f.size })),
        dirs: await Promise.all(folder.subfolders.filter((d) => !isJunkFolder(d)).sort(byteOrder).map((d) => listTree(join(full, d), `${shown}/${d}`, d, within, warnings))),
      };
    }
  }
  return { root, folders, rootFiles, warnings };
}

const byteOrder = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A folder inside a layer folder with everything under it (names and sizes); an entry it may not read is left out with a warning. */
async function listTree(full: string, shown: string, name: string, within: readonly string[], warnings: string[]): Promise<ListedDir> {
  const dir: ListedDir = { name, files: [], dirs: [] };
  let entries;
  try {
    entries = await readdir(full, { withFileTypes: true });
  } catch (e) {
    const found = readRefusal(e);
    if (found === undefined) throw e;
    warnings.push(`${shown}: expected a folder it can read, found ${found}; skipped`);
    return dir;
  }
  for (const entry of entries.sort((a, b) => byteOrder(a.name, b.name))) {
    const s = await statEntry(join(full, entry.name), `${shown}/${entry.name}`, entry.isSymbolicLink(), within, warnings);
    if (s.kind === "file") dir.files.push({ name: entry.name, size: s.size });
    else if (s.kind === "folder") {
      if (!isJunkFolder(entry.name)) dir.dirs.push(await listTree(join(full, entry.name), `${shown}/${entry.name}`, entry.name, within, warnings));
    } else if (s.kind === "unreadable" && !isJunkFile(entry.name)) warnings.push(`${shown}/${entry.name}: expected a readable file, found ${s.found}; skipped`);
  }
  return dir;
}

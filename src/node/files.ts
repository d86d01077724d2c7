import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { once } from "node:events";
import { TraitloomError } from "../core/errors.js";
import type { LayersListing, ListedFolder } from "../core/layers.js";

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

export async function ensureDir(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (e) {
    throw writeFailure(e, path, "a folder");
  }
}

/** Lists a layers folder from disk into the listing core's buildLayerSet reads. */
export async function listLayersDir(root: string): Promise<LayersListing> {
  let entries;
  try {
    const s = await stat(root);
    if (!s.isDirectory()) throw new TraitloomError("LAYERS_NOT_FOUND", `${root}: expected a layers folder, found a file`);
    entries = await readdir(root, { withFileTypes: true });
  } catch (e) {
    if (e instanceof TraitloomError) throw e;
    throw new TraitloomError("LAYERS_NOT_FOUND", `${root}: expected a layers folder, found nothing there`);
  }
  const folders: ListedFolder[] = [];
  const rootFiles: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(root, entry.name);
    const s = await stat(full).catch(() => undefined);
    if (!s) continue;
    if (!s.isDirectory()) {
      rootFiles.push(entry.name);
      continue;
    }
    const folder: ListedFolder = { folder: entry.name, files: [], subfolders: [] };
    for (const inner of await readdir(full, { withFileTypes: true })) {
      const innerStat = await stat(join(full, inner.name)).catch(() => undefined);
      if (!innerStat) continue;
      if (innerStat.isDirectory()) folder.subfolders.push(inner.name);
      else folder.files.push({ name: inner.name, size: innerStat.size });
    }
    folders.push(folder);
  }
  return { root, folders, rootFiles };
}

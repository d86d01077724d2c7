/**
 * Files the studio's user gave (a picked or dropped folder, or a ZIP) as the FolderView core's validators read
 * (src/core/targets): the same checks and messages as `traitloom validate` on a disk folder. Nothing is read until
 * a validator asks for a file's text.
 */
import { entriesIn } from "../core/targets/index.js";
import type { FolderEntry, FolderView } from "../core/targets/types.js";
import { unzip } from "fflate";
import { readZipIndex } from "./zipIndex.js";

/** Paths relative to the folder given, "/"-separated, each with its bytes. */
export type FolderFiles = ReadonlyMap<string, Blob>;

/**
 * Drops the one folder every path is in, where there is one and no file beside it: a picked folder's name
 * ("out/metadata/1.json") or the folder a ZIP was made of. Returns the folder's name, for messages.
 */
export function withoutTopFolder(files: FolderFiles): { files: FolderFiles; top: string | undefined } {
  const tops = new Set<string>();
  for (const path of files.keys()) {
    const cut = path.indexOf("/");
    tops.add(cut < 0 ? "" : path.slice(0, cut));
    if (tops.size > 1 || tops.has("")) return { files, top: undefined };
  }
  const [top] = [...tops];
  if (top === undefined) return { files, top: undefined };
  const out = new Map<string, Blob>();
  for (const [path, blob] of files) out.set(path.slice(top.length + 1), blob);
  return { files: out, top };
}

/** A FolderView over files in memory or on disk, by path. */
export function blobFolder(files: FolderFiles): FolderView {
  return {
    list(dir: string): Promise<FolderEntry[]> {
      return Promise.resolve(entriesIn(files.keys(), dir));
    },
    async readText(path: string): Promise<string> {
      const blob = files.get(path);
      if (!blob) throw new Error(`${path}: no such file`);
      return blob.text();
    },
  };
}

/**
 * The files of a ZIP made by any tool, by path (folders' own entries left out): JSON files inflated, every other
 * file by its name only (an empty Blob), since the validators read no image. A Blob that is no ZIP is an Error
 * naming `name`.
 */
export async function zipFiles(zip: Blob, name: string): Promise<Map<string, Blob>> {
  let names: string[];
  try {
    names = (await readZipIndex(zip)).map((e) => e.name).filter((n) => !n.endsWith("/"));
  } catch (e) {
    throw new Error(`${name}: expected a ZIP archive, found ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  const bytes = new Uint8Array(await zip.arrayBuffer());
  const texts = await new Promise<Record<string, Uint8Array>>((resolve, reject) => {
    unzip(bytes, { filter: (f) => /\.json$/i.test(f.name) }, (err, data) => (err ? reject(new Error(`${name}: expected a readable ZIP, found ${err.message}`)) : resolve(data)));
  });
  const out = new Map<string, Blob>();
  for (const n of names) out.set(n, new Blob(texts[n] ? [texts[n] as Uint8Array<ArrayBuffer>] : []));
  return out;
}

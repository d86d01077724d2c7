/**
 * Getting layer files into the studio: a picked folder, a dropped folder or ZIP, a ZIP file, or the demo.
 * Every loader gives paths relative to the layers folder; ZIP entries that would leave the folder are refused
 * and listed, never extracted.
 */
import { unzip } from "fflate";
import { checkPixels, HEADER_BYTES, readHeaderSize } from "../browser/imageHeader.js";
import { detectLayout } from "../browser/layout.js";
import { unsafeZipPath, type Decoded, type Problem } from "../browser/project.js";
import { imageExtension } from "../core/weights.js";

/** A settings file that came with the layers: its path as picked, and its text. */
export interface FoundText {
  path: string;
  text: string;
}

export interface LoadedFiles {
  root: string;
  files: Array<{ path: string; blob: Blob }>;
  problems: Problem[];
  /** Said to the user about how the pick was read (the layers/ sub-folder of a project folder was used). */
  notice?: string | undefined;
  /** An engine's config.js beside the layers, for the layer order. */
  engineConfig?: FoundText | undefined;
  /** A traitloom.json beside or in the layers folder: the project's settings. */
  traitloomJson?: FoundText | undefined;
}

/**
 * The picked files read as a layers folder (src/browser/layout.ts): the folder itself, the layers/ sub-folder of a
 * project folder, never a flat folder of images. `picked`: every path starts with the picked folder's name.
 */
async function fromPaths(fallbackRoot: string, entries: Array<{ path: string; blob: Blob }>, problems: Problem[], picked: boolean): Promise<LoadedFiles> {
  const layout = detectLayout(fallbackRoot, entries.map((e) => e.path), picked);
  const text = async (found: { path: string; index: number } | undefined): Promise<FoundText | undefined> =>
    found && entries[found.index] ? { path: found.path, text: await entries[found.index]!.blob.text() } : undefined;
  return {
    root: layout.root,
    files: entries.flatMap((e, i) => {
      const path = layout.paths[i];
      return path !== undefined && path.length > 0 ? [{ path, blob: e.blob }] : [];
    }),
    problems,
    notice: layout.notice,
    engineConfig: await text(layout.engineConfig),
    traitloomJson: await text(layout.traitloomJson),
  };
}

/** Files from `<input type=file webkitdirectory>`: each carries its path under the picked folder. */
export function fromFileList(list: FileList | readonly File[]): Promise<LoadedFiles> {
  const files = [...list];
  const picked = files.every((f) => f.webkitRelativePath.includes("/"));
  return fromPaths("layers", files.map((f) => ({ path: f.webkitRelativePath || f.name, blob: f })), [], picked);
}

/** Files from a ZIP of the layers folder. Paths with "..", absolute paths and the like are listed and left out. */
export async function fromZip(zip: Blob, name: string): Promise<LoadedFiles> {
  const bytes = new Uint8Array(await zip.arrayBuffer());
  const problems: Problem[] = [];
  const entries = await new Promise<Record<string, Uint8Array>>((resolve, reject) => {
    unzip(
      bytes,
      {
        filter: (file) => {
          if (file.name.endsWith("/")) return false;
          const why = unsafeZipPath(file.name);
          if (why) {
            problems.push({ path: file.name, message: `ignored: the path ${why}` });
            return false;
          }
          return true;
        },
      },
      (err, data) => (err ? reject(new Error(`${name}: not a readable ZIP (${err.message})`)) : resolve(data)),
    );
  });
  const list = Object.entries(entries).map(([path, data]) => ({ path, blob: new Blob([data as Uint8Array<ArrayBuffer>]) }));
  return fromPaths(name.replace(/\.zip$/i, ""), list, problems, false);
}

async function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  // readEntries answers in chunks (100 in Chromium) until an empty one.
  for (;;) {
    const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (chunk.length === 0) return all;
    all.push(...chunk);
  }
}

export async function walk(entry: FileSystemEntry, out: Array<{ path: string; blob: Blob }>): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ path: entry.fullPath.replace(/^\//, ""), blob: file });
  } else if (entry.isDirectory) {
    for (const child of await readAllEntries(entry as FileSystemDirectoryEntry)) await walk(child, out);
  }
}

/**
 * A drop: a folder (walked through its entries), or a single ZIP. Where the browser gives no entries (a drop
 * made by script, an older browser), the plain file list is used: a ZIP, or loose files.
 */
export async function fromDrop(transfer: DataTransfer): Promise<LoadedFiles> {
  const items = [...transfer.items].filter((i) => i.kind === "file");
  const entries = items.map((i) => i.webkitGetAsEntry?.() ?? null).filter((e): e is FileSystemEntry => e !== null);
  const files = [...transfer.files];
  const zip = files.length === 1 && /\.zip$/i.test(files[0]?.name ?? "") ? files[0] : undefined;
  if (zip && (entries.length === 0 || (entries.length === 1 && entries[0]?.isFile))) return fromZip(zip, zip.name);
  if (entries.length === 0) return fromPaths("layers", files.map((f) => ({ path: f.webkitRelativePath || f.name, blob: f })), [], false);
  const out: Array<{ path: string; blob: Blob }> = [];
  for (const e of entries) await walk(e, out);
  const single = entries.length === 1 && entries[0]?.isDirectory ? entries[0].name : "layers";
  return fromPaths(single, out, [], entries.length === 1 && entries[0]?.isDirectory === true);
}

/** The project's sample layers, shipped with the site under demo-layers/. */
export async function fromDemo(): Promise<LoadedFiles> {
  const base = new URL("demo-layers/", document.baseURI);
  const res = await fetch(new URL("index.json", base));
  if (!res.ok) throw new Error(`demo layers: ${res.status} ${res.statusText}`);
  const listing = (await res.json()) as Array<{ path: string; size: number; url: string }>;
  const files = await Promise.all(
    listing.map(async (f) => {
      const r = await fetch(new URL(f.url, base));
      if (!r.ok) throw new Error(`demo layers: ${f.path}: ${r.status}`);
      return { path: f.path, blob: await r.blob() };
    }),
  );
  return { root: "demo-layers", files, problems: [] };
}

/** Images decoded at once while a project loads: a few, so a folder of large images does not fill the tab's memory. */
const DECODE_CONCURRENCY = 4;

/**
 * Reads an image's size: from its header first (src/browser/imageHeader.ts), refusing one past MAX_INPUT_PIXELS
 * without decoding it; then decodes it to learn whether it decodes at all (a corrupt PNG, a text file named .png).
 */
export async function readImageSize(blob: Blob): Promise<{ decoded: Decoded; warning: string | undefined }> {
  const header = readHeaderSize(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  const check = header ? checkPixels(header) : undefined;
  if (check && "refuse" in check) return { decoded: { error: check.refuse }, warning: undefined };
  try {
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return { decoded: size, warning: check && "warn" in check ? check.warn : undefined };
  } catch {
    return { decoded: { error: "not a readable image: the file is damaged or not a PNG, JPEG or WebP" }, warning: undefined };
  }
}

/** Decodes an image to learn its size and whether it decodes at all; one past the pixel limit is refused undecoded. */
export async function decodeSize(blob: Blob): Promise<Decoded> {
  return (await readImageSize(blob)).decoded;
}

export interface DecodeProgress {
  done: number;
  total: number;
}

/**
 * Every image of the project read with `decode` (readImageSize in the studio), a few at a time, with progress after
 * each: what "Reading layers… 12 of 40" counts. Warnings (large images) come back by path.
 */
export async function decodeAll(
  files: ReadonlyMap<string, Blob>,
  onProgress: (p: DecodeProgress) => void = () => undefined,
  decode: (blob: Blob) => Promise<{ decoded: Decoded; warning: string | undefined }> = readImageSize,
): Promise<{ decoded: Map<string, Decoded>; warnings: Problem[] }> {
  const todo = [...files].filter(([path, blob]) => blob.size > 0 && imageExtension(path));
  const decoded = new Map<string, Decoded>();
  const warnings: Problem[] = [];
  let next = 0;
  let done = 0;
  onProgress({ done, total: todo.length });
  const worker = async (): Promise<void> => {
    for (;;) {
      const item = todo[next++];
      if (!item) return;
      const [path, blob] = item;
      const { decoded: d, warning } = await decode(blob);
      decoded.set(path, d);
      if (warning) warnings.push({ path, message: warning });
      onProgress({ done: ++done, total: todo.length });
    }
  };
  await Promise.all(Array.from({ length: Math.min(DECODE_CONCURRENCY, todo.length) }, worker));
  warnings.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { decoded, warnings };
}

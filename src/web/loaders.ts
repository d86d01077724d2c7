/**
 * Getting layer files into the studio: a picked folder, a dropped folder or ZIP, a ZIP file, or the demo.
 * Every loader gives paths relative to the layers folder; ZIP entries that would leave the folder are refused
 * and listed, never extracted.
 */
import { unzip } from "fflate";
import { relativeToLayersFolder, unsafeZipPath, type Problem } from "../browser/project.js";

export interface LoadedFiles {
  root: string;
  files: Array<{ path: string; blob: Blob }>;
  problems: Problem[];
}

function fromPaths(fallbackRoot: string, entries: Array<{ path: string; blob: Blob }>, problems: Problem[]): LoadedFiles {
  const rel = relativeToLayersFolder(entries.map((e) => e.path));
  return {
    root: rel.root ?? fallbackRoot,
    files: entries.map((e, i) => ({ path: rel.paths[i] ?? e.path, blob: e.blob })).filter((e) => e.path.length > 0),
    problems,
  };
}

/** Files from `<input type=file webkitdirectory>`: each carries its path under the picked folder. */
export function fromFileList(list: FileList | readonly File[]): LoadedFiles {
  const files = [...list];
  return fromPaths("layers", files.map((f) => ({ path: f.webkitRelativePath || f.name, blob: f })), []);
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
  return fromPaths(name.replace(/\.zip$/i, ""), list, problems);
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

async function walk(entry: FileSystemEntry, out: Array<{ path: string; blob: Blob }>): Promise<void> {
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
  if (entries.length === 0) return fromPaths("layers", files.map((f) => ({ path: f.webkitRelativePath || f.name, blob: f })), []);
  const out: Array<{ path: string; blob: Blob }> = [];
  for (const e of entries) await walk(e, out);
  const single = entries.length === 1 && entries[0]?.isDirectory ? entries[0].name : "layers";
  return fromPaths(single, out, []);
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

/** Decodes an image to learn its size and whether it decodes at all (a corrupt PNG, a text file named .png). */
export async function decodeSize(blob: Blob): Promise<{ width: number; height: number } | { error: string }> {
  try {
    const bitmap = await createImageBitmap(blob);
    const size = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return size;
  } catch {
    return { error: "not a readable image: the file is damaged or not a PNG, JPEG or WebP" };
  }
}

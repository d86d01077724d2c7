/**
 * The studio's publishing steps on a finished run, page side: "set base URI / metadata" writes the updated archive
 * beside the run's in the origin-private file system (src/browser/archiveStore.ts does the update itself, with
 * core's and render's code) and keeps it as a past run of its own, under the key of the settings it now matches.
 * The publishing code (the update, the IPFS importer, gifenc) is loaded when first used, not with the page.
 */
import type { GeneratedCollection } from "../browser/engine.js";
import { studioConfig, type Analysis, type StudioSettings } from "../browser/project.js";
import type { ArchiveOutput } from "../browser/archiveStore.js";
import type { ArchivePack, CarOutput } from "../browser/packArchive.js";
import type { MetadataChanges, UpdateResult } from "../render/update.js";
import type { RunMade } from "./GeneratePanel.js";
import { runKey } from "./runKey.js";
import { saveRun } from "./runs.js";

/** The OPFS folder of the runs' archives (src/web/runs.ts). */
const RUNS_DIR = "runs";

/** The settings a run's archive matches once `changes` are applied to it. */
export function settingsWith(settings: StudioSettings, changes: MetadataChanges): StudioSettings {
  const next: StudioSettings = { ...settings };
  if (changes.baseUri !== undefined) next.baseUri = changes.baseUri;
  if (changes.namePrefix !== undefined) next.namePrefix = changes.namePrefix;
  if (changes.description !== undefined) next.description = changes.description;
  if (changes.externalUrl === "") delete next.externalUrl;
  else if (changes.externalUrl !== undefined) next.externalUrl = changes.externalUrl;
  return next;
}

/** The project as it is now: its analysis, settings and 1-of-1s' key (runKey's parts). */
export interface ProjectNow {
  analysis: Analysis;
  settings: StudioSettings;
  onesKey?: string | undefined;
}

/**
 * The key of an updated run. Where the run was made from the project as it is now, it is the key the project would
 * have with the new values (so setting them in the project makes the result current again, and a Generate of other
 * settings sees it as outdated); otherwise the run's own key marked with the update, which no settings have.
 */
export function updatedKey(made: RunMade, changes: MetadataChanges, metadataHash: string, now: ProjectNow | undefined): string {
  if (now && runKey(now.analysis, now.settings, now.onesKey) === made.key) {
    const resize = now.analysis.config.resize ?? "error";
    // Only where studioConfig gives the analysis's config back from the settings: then it gives the updated one too.
    if (JSON.stringify(studioConfig({ ...now.settings, resize })) === JSON.stringify(now.analysis.config)) {
      const next = settingsWith(now.settings, changes);
      return runKey({ ...now.analysis, config: studioConfig({ ...next, resize }) }, next, now.onesKey);
    }
  }
  return `${made.key}~${metadataHash.slice(0, 16)}`;
}

export interface UpdatedRun {
  result: GeneratedCollection;
  made: RunMade;
  update: UpdateResult;
}

async function runsDir(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(RUNS_DIR, { create: true });
  } catch {
    return undefined;
  }
}

/**
 * A new archive made from a run's by `produce`, written beside it in the origin-private file system (in memory where
 * there is none); a failure or a stop leaves nothing behind.
 */
async function newArchive<T>(suffix: string, produce: (output: ArchiveOutput) => Promise<T>): Promise<{ file: Blob; zipName: string; stored: boolean; value: T }> {
  const zipName = `collection-${Date.now().toString(36)}-${suffix}.zip`;
  const dir = await runsDir();
  const handle = await dir?.getFileHandle(zipName, { create: true }).catch(() => undefined);
  const writable = await handle?.createWritable().catch(() => undefined);
  const parts: Uint8Array[] = [];
  const output: ArchiveOutput = writable
    ? async (chunks) => {
        // One write per call: each is a call into the browser's file backend.
        await writable.write(new Blob(chunks as Uint8Array<ArrayBuffer>[]));
      }
    : async (chunks) => void parts.push(...chunks);
  let value: T;
  try {
    value = await produce(output);
    await writable?.close();
  } catch (e) {
    await writable?.abort().catch(() => undefined);
    if (handle) await dir?.removeEntry(zipName).catch(() => undefined);
    throw e;
  }
  const file = writable && handle ? await handle.getFile() : new Blob(parts as Uint8Array<ArrayBuffer>[], { type: "application/zip" });
  return { file, zipName, stored: writable !== undefined, value };
}

/** The run a new archive makes, kept as a past run where it is in OPFS. */
async function keep(run: { result: GeneratedCollection }, made: RunMade, archive: { file: Blob; zipName: string; stored: boolean }, imageOffsets: Float64Array, fields: string[]): Promise<GeneratedCollection> {
  const { file: _old, ...kept } = run.result;
  const result: GeneratedCollection = { ...kept, file: archive.file, zipName: archive.zipName, storage: archive.stored ? "opfs" : "memory", bytes: archive.file.size, imageOffsets };
  if (archive.stored) {
    const { file: _file, ...record } = result;
    await saveRun({ id: archive.zipName, finishedAt: Date.now(), downloadName: made.downloadName, settings: made.settings, key: made.key, onesKey: made.onesKey, result: record, updatedFrom: run.result.zipName, updatedFields: fields }).catch(() => undefined);
  }
  return result;
}

/**
 * Updates the metadata of a finished run (`traitloom update` on its archive) into a new archive, kept as a past run
 * where the origin-private file system is there (in memory otherwise); the run it came from is left as it was.
 */
export async function updateRun(
  run: { result: GeneratedCollection; made: RunMade },
  changes: MetadataChanges,
  now: ProjectNow | undefined,
  signal?: AbortSignal,
): Promise<UpdatedRun> {
  const { updateArchive } = await import("../browser/archiveStore.js");
  const archive = await newArchive("update", (output) => updateArchive(run.result.file, changes, output, { modified: new Date(), location: run.made.downloadName, signal }));
  const done = archive.value;
  const settings = settingsWith(run.made.settings, changes);
  const made: RunMade = { settings, key: updatedKey(run.made, changes, done.result.metadataHash, now), downloadName: run.made.downloadName, onesKey: run.made.onesKey };
  const result = await keep(run, made, archive, done.imageOffsets, done.result.fields);
  return { result, made, update: done.result };
}

/**
 * A pack recorded in a new archive of the run (manifest.json's `pack` and ipfs/cids.json, as `traitloom pack` writes
 * them), kept as a past run of the same settings: its metadata and images are the run's.
 */
export async function recordPackRun(run: { result: GeneratedCollection; made: RunMade }, pack: ArchivePack): Promise<{ result: GeneratedCollection; made: RunMade }> {
  const { recordPack } = await import("../browser/packArchive.js");
  const archive = await newArchive("pack", (output) => recordPack(run.result.file, pack, output, { modified: new Date(), location: run.made.downloadName }));
  return { result: await keep(run, run.made, archive, archive.value, ["pack"]), made: run.made };
}

/** Bytes gathered before one write into an OPFS file: the CAR writer hands over three small pieces per block. */
const CAR_BUFFER_BYTES = 1 << 20;

/**
 * A CAR written into the origin-private file system (runs/<name>, deleted with the partial archives at the next
 * start, as no run owns it), so a collection's images are never all in memory; memory where there is no OPFS.
 */
export async function opfsCar(name: string): Promise<CarOutput> {
  const dir = await runsDir();
  const handle = await dir?.getFileHandle(name, { create: true }).catch(() => undefined);
  const writable = await handle?.createWritable().catch(() => undefined);
  if (!dir || !handle || !writable) return (await import("../browser/packArchive.js")).memoryCar();
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const blob = new Blob(pending as Uint8Array<ArrayBuffer>[]);
    pending = [];
    pendingBytes = 0;
    await writable.write(blob);
  };
  return {
    async write(chunk) {
      pending.push(chunk.slice());
      pendingBytes += chunk.length;
      if (pendingBytes >= CAR_BUFFER_BYTES) await flush();
    },
    async finish(header) {
      await flush();
      if (header) await writable.write({ type: "write", position: 0, data: header as Uint8Array<ArrayBuffer> });
      await writable.close();
      return handle.getFile();
    },
    async discard() {
      await writable.abort().catch(() => undefined);
      await dir.removeEntry(name).catch(() => undefined);
    },
  };
}

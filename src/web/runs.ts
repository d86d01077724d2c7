/**
 * Finished runs kept across reloads. The archive already lies in the origin-private file system (runs/<zipName>,
 * written by src/browser/zipSink.ts); what the token browser and rarity panel need besides it (ranks, offsets,
 * the rarity table) and the settings that made it are kept in IndexedDB, one record per archive. At start-up,
 * archives without a record (a run closed or crashed mid-way) are deleted, and records without an archive dropped.
 */
import { z } from "zod";
import type { GeneratedCollection } from "../browser/engine.js";
import type { StudioSettings } from "../browser/project.js";
import { studioSettingsSchema } from "../core/stored.js";
import { idbStore } from "./idb.js";

const DB_NAME = "traitloom-runs";
const STORE = "runs";
/** The OPFS folder the collection worker writes archives into (src/browser/collection.worker.ts). */
const RUNS_DIR = "runs";

/** What a finished run keeps besides its archive. */
export interface RunRecord {
  /** The archive's name in OPFS runs/, unique per run. */
  id: string;
  /** Date.now() when it finished. */
  finishedAt: number;
  /** The ZIP's name on download, from the run's own settings. */
  downloadName: string;
  /** The settings that made it: the result is outdated once the project's differ (see runKey). */
  settings: StudioSettings;
  /** runKey of the settings and analysis that made it. */
  key: string;
  /** oneOfOnesKey of the 1-of-1s it placed (absent: none, or a run kept before 1-of-1s had a key). */
  onesKey?: string | undefined;
  result: Omit<GeneratedCollection, "file">;
  /** Set where the metadata of another run was updated into this archive (src/web/publish.ts): that run's id. */
  updatedFrom?: string | undefined;
  /** The settings the update changed, as config keys ("baseUri"). */
  updatedFields?: string[] | undefined;
}

/** A past run with its archive opened from disk. */
export interface PastRun extends RunRecord {
  file: Blob;
}

const typed = <T>(ctor: new (...args: never[]) => T, name: string) => z.custom<T>((v) => v instanceof ctor, `expected a ${name}`);

/** The record as IndexedDB gives it back: outside input by then (an older version, damage). */
const runRecordSchema = z.object({
  id: z.string().regex(/^[\w.-]+\.zip$/, "expected an archive name such as collection-abc.zip"),
  finishedAt: z.number(),
  downloadName: z.string().min(1),
  settings: studioSettingsSchema,
  key: z.string(),
  onesKey: z.string().optional(),
  updatedFrom: z.string().optional(),
  updatedFields: z.array(z.string()).optional(),
  result: z
    .object({
      count: z.number().int().min(1),
      startId: z.number().int().min(0),
      bytes: z.number().min(0),
      imageOffsets: typed(Float64Array, "Float64Array"),
      imageSizes: typed(Uint32Array, "Uint32Array"),
      ranks: typed(Uint32Array, "Uint32Array"),
      scores: typed(Float64Array, "Float64Array"),
      traits: z.array(z.object({ layer: z.string(), trait: z.string() }).passthrough()),
    })
    .passthrough(),
});

const { run } = idbStore(DB_NAME, STORE, { keyPath: "id" });

async function runsDir(): Promise<FileSystemDirectoryHandle | undefined> {
  try {
    return await (await navigator.storage.getDirectory()).getDirectoryHandle(RUNS_DIR, { create: true });
  } catch {
    return undefined;
  }
}

export async function saveRun(record: RunRecord): Promise<void> {
  await run("readwrite", (s) => s.put(record));
}

/**
 * The past runs, newest first, each with its archive. Records that do not parse or whose archive is gone are
 * deleted; `dropped` says how many, for one line in the UI.
 */
export async function listRuns(): Promise<{ runs: PastRun[]; dropped: number }> {
  let raw: unknown[];
  try {
    raw = await run("readonly", (s) => s.getAll() as IDBRequest<unknown[]>);
  } catch {
    return { runs: [], dropped: 0 };
  }
  const dir = await runsDir();
  const runs: PastRun[] = [];
  let dropped = 0;
  for (const value of raw) {
    const parsed = runRecordSchema.safeParse(value);
    const id = typeof value === "object" && value !== null && "id" in value ? (value as { id: unknown }).id : undefined;
    const file = parsed.success && dir ? await dir.getFileHandle(parsed.data.id).then((h) => h.getFile(), () => undefined) : undefined;
    if (!parsed.success || !file) {
      dropped++;
      if (typeof id === "string") await run("readwrite", (s) => s.delete(id)).catch(() => undefined);
      continue;
    }
    runs.push({ ...(value as RunRecord), file });
  }
  runs.sort((a, b) => b.finishedAt - a.finishedAt);
  return { runs, dropped };
}

/** Deletes a past run: its archive and its record. */
export async function deleteRun(id: string): Promise<void> {
  const dir = await runsDir();
  await dir?.removeEntry(id).catch(() => undefined);
  await run("readwrite", (s) => s.delete(id));
}

/**
 * When an archive was started, from its name: collection-<Date.now() in base 36>-<n>.zip (engine.ts; publish.ts adds
 * a word after n). undefined for another name.
 * @example archiveTime("collection-mfz0c1xs-0.zip") === parseInt("mfz0c1xs", 36)
 */
export function archiveTime(name: string): number | undefined {
  const made = /^collection-([0-9a-z]+)(?:-[0-9a-z-]+)?\.zip$/.exec(name)?.[1];
  return made === undefined ? undefined : parseInt(made, 36);
}

/**
 * Deletes the archives no finished run owns: those of runs cut short by a reload, a closed tab or a crash. Call it
 * at start-up. Returns the names deleted, and how many could not be yet (a closing tab's worker still holds them).
 */
export async function removePartialArchives(): Promise<{ removed: string[]; left: number }> {
  const dir = await runsDir();
  if (!dir) return { removed: [], left: 0 };
  let kept: Set<string>;
  try {
    kept = new Set((await run("readonly", (s) => s.getAllKeys())).map(String));
  } catch {
    return { removed: [], left: 0 };
  }
  const names: string[] = [];
  // An archive named after a time since this page loaded is a run of this page, under way: never partial.
  const pageStart = Date.now() - performance.now();
  for await (const name of dir.keys()) {
    const made = archiveTime(name);
    if (!kept.has(name) && !(made !== undefined && made >= pageStart)) names.push(name);
  }
  const removed: string[] = [];
  for (const name of names) await dir.removeEntry(name).then(() => removed.push(name), () => undefined);
  return { removed, left: names.length - removed.length };
}

/** What the origin stores in all (IndexedDB, OPFS) and may store, where the browser says. */
export async function storageEstimate(): Promise<{ usage: number; quota: number } | undefined> {
  try {
    const e = await navigator.storage.estimate();
    return e.usage !== undefined && e.quota !== undefined ? { usage: e.usage, quota: e.quota } : undefined;
  } catch {
    return undefined;
  }
}

/** Bytes as people read them: 812 KB, 48.3 MB, 1.62 GB. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${Math.round(n / 1000)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/**
 * The project (layer files and settings) kept across reloads in IndexedDB. Blobs are stored as they are:
 * the browser keeps them on disk, not in the page's memory.
 */
import type { Problem, StudioSettings } from "../browser/project.js";
import { parseSavedProject, type StoredProject, type StoredStudioSettings } from "../core/stored.js";
import { idbStore } from "./idb.js";

const DB_NAME = "traitloom-studio";
const STORE = "project";
const KEY = "current";

export interface SavedProject {
  root: string;
  files: Array<{ path: string; blob: Blob }>;
  loadProblems: Problem[];
  settings: StudioSettings;
}

const { run, transact } = idbStore(DB_NAME, STORE);

// The stored schema (src/core/stored.ts) checks every StudioSettings field: a setting added to StudioSettings
// and not to the schema fails to compile here (else it would be dropped from every project on reload).
const _everySettingChecked: [keyof StudioSettings] extends [keyof StoredStudioSettings] ? true : never = true;

const isBlob = (value: unknown): value is Blob => value instanceof Blob;

/** The object without its undefined fields: zod gives `field: undefined` where StudioSettings has no such field. */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function toSavedProject(p: StoredProject<Blob>): SavedProject {
  // StudioSettings always has width and height (undefined: the traits' size) and has the optional ones only when set.
  const { width, height, layers, ...rest } = p.settings;
  const settings = { ...defined(rest), width, height, layers: layers.map(defined) } as StudioSettings;
  return { root: p.root, files: p.files, loadProblems: p.loadProblems, settings };
}

/** What a reload finds: the saved project, or none; `dropped` says why a stored one was thrown away. */
export interface RestoredProject {
  project: SavedProject | undefined;
  /** One line for the UI, e.g. "saved project: settings.count: expected a number >= 1, received 0; it was dropped". */
  dropped: string | undefined;
}

/**
 * Reads the saved project and validates it (src/core/stored.ts). One that does not parse (an older shape, a
 * damaged store) is deleted and reported in `dropped`, so the studio starts empty instead of crashing on it,
 * and not again on the next reload. IndexedDB itself failing (private mode, quota) reads as no project.
 */
export async function restoreProject(): Promise<RestoredProject> {
  let value: unknown;
  try {
    value = await run("readonly", (s) => s.get(KEY));
  } catch {
    return { project: undefined, dropped: undefined };
  }
  if (value === undefined) return { project: undefined, dropped: undefined };
  const parsed = parseSavedProject(value, isBlob);
  if (parsed.ok) return { project: toSavedProject(parsed.project), dropped: undefined };
  await clearProject().catch(() => undefined);
  return { project: undefined, dropped: `${parsed.error}; it was dropped, load the layers again` };
}

/** The saved project, validated; undefined when there is none or it did not parse (see restoreProject for why). */
export async function loadProject(): Promise<SavedProject | undefined> {
  const { project, dropped } = await restoreProject();
  if (dropped) console.warn(`traitloom studio: ${dropped}`);
  return project;
}

export async function saveProject(project: SavedProject): Promise<void> {
  await run("readwrite", (s) => s.put(project, KEY));
}

/** Saves new settings into the stored project, leaving its files as they are. */
export async function saveSettings(settings: StudioSettings): Promise<void> {
  await transact("readwrite", (store) => {
    const get = store.get(KEY);
    get.onsuccess = () => {
      const current = get.result as SavedProject | undefined;
      if (current) store.put({ ...current, settings }, KEY);
    };
  });
}

export async function clearProject(): Promise<void> {
  await run("readwrite", (s) => s.delete(KEY));
}

/** The 1-of-1s panel's files and ids, kept beside the project (its own key: a settings save leaves them alone). */
const ONE_OF_ONES_KEY = "one-of-ones";

export interface SavedOneOfOnes {
  files: Array<{ name: string; bytes: Uint8Array }>;
  place: Record<string, number>;
}

function isSavedOneOfOnes(value: unknown): value is SavedOneOfOnes {
  if (typeof value !== "object" || value === null) return false;
  const { files, place } = value as { files?: unknown; place?: unknown };
  if (!Array.isArray(files) || typeof place !== "object" || place === null) return false;
  const fileOk = (f: unknown): boolean => typeof f === "object" && f !== null && typeof (f as { name?: unknown }).name === "string" && (f as { bytes?: unknown }).bytes instanceof Uint8Array;
  return files.every(fileOk) && Object.values(place).every((id) => Number.isSafeInteger(id));
}

/** The saved 1-of-1s, or none (also where the store fails or holds something else: it is then cleared). */
export async function loadOneOfOnes(): Promise<SavedOneOfOnes | undefined> {
  let value: unknown;
  try {
    value = await run("readonly", (s) => s.get(ONE_OF_ONES_KEY));
  } catch {
    return undefined;
  }
  if (value === undefined) return undefined;
  if (isSavedOneOfOnes(value)) return value;
  await clearOneOfOnes().catch(() => undefined);
  return undefined;
}

export async function saveOneOfOnes(value: SavedOneOfOnes): Promise<void> {
  if (value.files.length === 0) await clearOneOfOnes();
  else await run("readwrite", (s) => s.put(value, ONE_OF_ONES_KEY));
}

export async function clearOneOfOnes(): Promise<void> {
  await run("readwrite", (s) => s.delete(ONE_OF_ONES_KEY));
}

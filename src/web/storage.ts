/**
 * The project (layer files and settings) kept across reloads in IndexedDB. Blobs are stored as they are:
 * the browser keeps them on disk, not in the page's memory.
 */
import type { Problem, StudioSettings } from "../browser/project.js";

const DB_NAME = "traitloom-studio";
const STORE = "project";
const KEY = "current";

export interface SavedProject {
  root: string;
  files: Array<{ path: string; blob: Blob }>;
  loadProblems: Problem[];
  settings: StudioSettings;
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error("IndexedDB: open failed"));
  });
}

async function run<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = body(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB: transaction failed"));
      tx.onabort = () => reject(tx.error ?? new Error("IndexedDB: transaction aborted"));
    });
  } finally {
    db.close();
  }
}

export async function loadProject(): Promise<SavedProject | undefined> {
  try {
    const value = (await run("readonly", (s) => s.get(KEY))) as SavedProject | undefined;
    return value && Array.isArray(value.files) ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function saveProject(project: SavedProject): Promise<void> {
  await run("readwrite", (s) => s.put(project, KEY));
}

/** Saves new settings into the stored project, leaving its files as they are. */
export async function saveSettings(settings: StudioSettings): Promise<void> {
  const db = await open();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, "readwrite");
      const store = tx.objectStore(STORE);
      const get = store.get(KEY);
      get.onsuccess = () => {
        const current = get.result as SavedProject | undefined;
        if (current) store.put({ ...current, settings }, KEY);
      };
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error("IndexedDB: transaction failed"));
    });
  } finally {
    db.close();
  }
}

export async function clearProject(): Promise<void> {
  await run("readwrite", (s) => s.delete(KEY));
}

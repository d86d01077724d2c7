/**
 * The studio's project state: files, what they decoded to, settings; the analysis core makes of them; and
 * persistence in IndexedDB, so a reload finds the project as it was.
 */
import { renderImagesOf } from "../core/draw.js";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { seedFromEntropy } from "../core/rng.js";
import { defaultLayerOrder, settingsFromConfigText, type Imported } from "../browser/importConfig.js";
import { analyzeProject, DEFAULT_SETTINGS, mergeLayers, type Analysis, type Decoded, type LayerState, type Problem, type StudioSettings } from "../browser/project.js";
import type { TraitSource } from "../browser/protocol.js";
import { record, redo as redoStep, startHistory, undo as undoStep, type History } from "./history.js";
import { decodeAll, type DecodeProgress, type LoadedFiles } from "./loaders.js";
import { clearProject, restoreProject, saveProject, saveSettings } from "./storage.js";

export interface Project {
  root: string;
  files: Map<string, Blob>;
  decoded: Map<string, Decoded>;
  loadProblems: Problem[];
  /**
   * What the user should know about this load that stops nothing: the layers/ sub-folder of a project folder was
   * used, large images, layers a config names that no folder matches. Not kept across reloads.
   */
  notices: Problem[];
  /** Bumped on every load: previews and workers re-read the files. */
  version: number;
}

const EMPTY: Project = { root: "", files: new Map(), decoded: new Map(), loadProblems: [], notices: [], version: 0 };

export interface ProjectApi {
  project: Project;
  settings: StudioSettings;
  analysis: Analysis | undefined;
  restoring: boolean;
  loading: boolean;
  /** While loading: images read so far, of how many. */
  progress: DecodeProgress | undefined;
  loadError: string | undefined;
  load: (loader: () => Promise<LoadedFiles>) => Promise<void>;
  update: (patch: Partial<StudioSettings>) => void;
  /** A traitloom.json (settings) or an engine's config.js (layer order) applied to the loaded layers. */
  applyFile: (file: File) => Promise<void>;
  startOver: () => Promise<void>;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  /** sources[layer][trait] of the analysed layer set, for the render workers. */
  sources: TraitSource[][] | undefined;
}

/** Fields whose consecutive edits are one undo step (typing into them). */
const TYPED_FIELDS = new Set<keyof StudioSettings>(["count", "seed", "namePrefix", "description", "baseUri", "startId", "width", "height", "workers", "externalUrl", "backgroundColor"]);

/**
 * Which field an edit changes, for undo steps: one typed field, or one trait's weight or value; undefined for
 * everything else (a reorder, a layer shown or hidden, several fields at once), which is always a step of its own.
 */
export function editGroup(prev: StudioSettings, patch: Partial<StudioSettings>): string | undefined {
  // An edition's id, name prefix or count typed into (the count and shown layers that follow it are derived).
  if (patch.editions !== undefined) return editionGroup(prev, patch);
  const keys = Object.keys(patch) as Array<keyof StudioSettings>;
  if (keys.length === 1 && keys[0] !== undefined && TYPED_FIELDS.has(keys[0])) return keys[0];
  if (keys.length !== 1 || !patch.layers || patch.layers.length !== prev.layers.length) return undefined;
  let group: string | undefined;
  for (let i = 0; i < prev.layers.length; i++) {
    const a = prev.layers[i] as LayerState;
    const b = patch.layers[i] as LayerState;
    if (a === b) continue;
    if (a.folder !== b.folder || a.visible !== b.visible || a.name !== b.name || a.countsForUniqueness !== b.countsForUniqueness || group !== undefined) return undefined;
    const traits = new Set([...Object.keys(a.weights), ...Object.keys(b.weights), ...Object.keys(a.values ?? {}), ...Object.keys(b.values ?? {})]);
    const changed = [...traits].filter((t) => a.weights[t] !== b.weights[t] || a.values?.[t] !== b.values?.[t]);
    if (changed.length !== 1) return undefined;
    group = `trait:${a.folder}/${changed[0] ?? ""}`;
  }
  return group;
}

/** Typing into one field of one edition: its step; anything else (layers picked, one added or removed, shuffle): undefined. */
function editionGroup(prev: StudioSettings, patch: Partial<StudioSettings>): string | undefined {
  const before = prev.editions ?? [];
  const after = patch.editions ?? [];
  if (before.length !== after.length || (patch.shuffle ?? undefined) !== (prev.shuffle ?? undefined)) return undefined;
  let group: string | undefined;
  for (let i = 0; i < before.length; i++) {
    const a = before[i];
    const b = after[i];
    if (a === b || a === undefined || b === undefined) continue;
    const fields = (["id", "count", "namePrefix"] as const).filter((f) => a[f] !== b[f]);
    if (group !== undefined || fields.length !== 1 || a.layers.join("\u0000") !== b.layers.join("\u0000") || a.description !== b.description || a.restartNameNumbers !== b.restartNameNumbers) return undefined;
    group = `edition:${i}:${fields[0] ?? ""}`;
  }
  return group;
}

const folderOrder = (layers: readonly LayerState[]): string => layers.map((l) => l.folder).join("\u0000");

/** The patch applied; a reorder by the user says so in `layerOrder` (unless the patch sets it itself). */
function applyPatch(prev: StudioSettings, patch: Partial<StudioSettings>): StudioSettings {
  const next = { ...prev, ...patch };
  if (patch.layers && patch.layerOrder === undefined && folderOrder(patch.layers) !== folderOrder(prev.layers)) {
    next.layerOrder = { source: "you", detail: `layer order set by you: ${patch.layers.filter((l) => l.visible).map((l) => l.name).join(", ")} (bottom first)` };
  }
  return next;
}

export function useProject(): ProjectApi {
  const [project, setProject] = useState<Project>(EMPTY);
  const [history, setHistory] = useState<History<StudioSettings>>(() => startHistory(DEFAULT_SETTINGS));
  const settings = history.present;
  const [restoring, setRestoring] = useState(true);
  const [progress, setProgress] = useState<DecodeProgress | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const versionRef = useRef(0);
  const loading = progress !== undefined;

  useEffect(() => {
    let live = true;
    void (async () => {
      const { project: saved, dropped } = await restoreProject();
      if (!live) return;
      // A stored project that no longer parses (damage, an older shape) is dropped, and the user is told so.
      if (dropped) setLoadError(dropped);
      if (saved) {
        const files = new Map(saved.files.map((f) => [f.path, f.blob]));
        const { decoded, warnings } = await decodeAll(files, (p) => live && setProgress(p));
        if (!live) return;
        setProgress(undefined);
        setProject({ root: saved.root, files, decoded, loadProblems: saved.loadProblems, notices: warnings, version: ++versionRef.current });
        setHistory(startHistory({ ...DEFAULT_SETTINGS, ...saved.settings }));
      }
      setRestoring(false);
    })();
    return () => {
      live = false;
    };
  }, []);

  // Settings are saved a moment after the last change.
  const firstSave = useRef(true);
  useEffect(() => {
    if (restoring) return;
    if (firstSave.current) {
      firstSave.current = false;
      return;
    }
    const t = setTimeout(() => void saveSettings(settings).catch(() => undefined), 250);
    return () => clearTimeout(t);
  }, [settings, restoring]);

  const load = useCallback(async (loader: () => Promise<LoadedFiles>) => {
    setProgress({ done: 0, total: 0 });
    setLoadError(undefined);
    try {
      const loaded = await loader();
      const files = new Map(loaded.files.map((f) => [f.path, f.blob]));
      const { decoded, warnings } = await decodeAll(files, setProgress);
      const fresh = analyzeProject(loaded.root, [...files].map(([path, b]) => ({ path, size: b.size })), decoded, { ...DEFAULT_SETTINGS });
      let nextSettings: StudioSettings = { ...DEFAULT_SETTINGS, seed: settingsSeed(), layers: mergeLayers([], fresh.listing), layerOrder: defaultLayerOrder(fresh.listing) };
      const notices: Problem[] = [...(loaded.notice ? [{ path: loaded.root, message: loaded.notice }] : []), ...warnings];
      // The settings beside the layers: a traitloom.json wins over an engine's config.js (it says more).
      const found = loaded.traitloomJson ?? loaded.engineConfig;
      if (found) {
        try {
          const imported: Imported = loaded.traitloomJson
            ? settingsFromConfigText(found.text, found.path, fresh.listing, nextSettings)
            : (await import("../browser/engineOrder.js")).layerOrderFromEngineConfig(found.text, found.path, fresh.listing, nextSettings);
          nextSettings = imported.settings;
          notices.push(...imported.notes.map((message) => ({ path: found.path, message })));
        } catch (e) {
          notices.push({ path: found.path, message: `${e instanceof Error ? e.message : String(e)}; not applied, the default order is used` });
        }
      }
      const next: Project = { root: loaded.root, files, decoded, loadProblems: loaded.problems, notices, version: ++versionRef.current };
      setProject(next);
      setHistory(startHistory(nextSettings));
      // Read: the status line goes now, not after the save below (IndexedDB takes a while for large folders).
      setProgress(undefined);
      await saveProject({ root: loaded.root, files: loaded.files, loadProblems: loaded.problems, settings: nextSettings });
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    } finally {
      setProgress(undefined);
    }
  }, []);

  const update = useCallback(
    (patch: Partial<StudioSettings>) => setHistory((h) => record(h, applyPatch(h.present, patch), editGroup(h.present, patch), Date.now())),
    [],
  );
  const undo = useCallback(() => setHistory(undoStep), []);
  const redo = useCallback(() => setHistory(redoStep), []);

  const startOver = useCallback(async () => {
    await clearProject().catch(() => undefined);
    setProject({ ...EMPTY, version: ++versionRef.current });
    setHistory(startHistory(DEFAULT_SETTINGS));
    setLoadError(undefined);
  }, []);

  const analysis = useMemo(() => {
    if (project.files.size === 0) return undefined;
    const files = [...project.files].map(([path, b]) => ({ path, size: b.size }));
    return analyzeProject(project.root, files, project.decoded, settings);
  }, [project, settings]);

  const applyFile = useCallback(
    async (file: File) => {
      setLoadError(undefined);
      if (!analysis) {
        setLoadError(`${file.name}: load the layers first, then ${file.name} to apply it to them`);
        return;
      }
      try {
        const text = await file.text();
        const imported = /\.json$/i.test(file.name)
          ? settingsFromConfigText(text, file.name, analysis.listing, settings)
          : (await import("../browser/engineOrder.js")).layerOrderFromEngineConfig(text, file.name, analysis.listing, settings);
        setHistory((h) => record(h, { ...imported.settings, workers: h.present.workers }, undefined, Date.now()));
        setProject((p) => ({ ...p, notices: [...p.notices.filter((n) => n.path !== file.name), ...imported.notes.map((message) => ({ path: file.name, message }))] }));
      } catch (e) {
        setLoadError(e instanceof Error ? e.message : String(e));
      }
    },
    [analysis, settings],
  );

  const sources = useMemo(() => {
    const ls = analysis?.layerSet;
    if (!ls) return undefined;
    const out: TraitSource[][] = [];
    // Traits per layer, or the render plan's images (parts, variants) in one row: core/draw.ts renderImagesOf.
    for (const images of renderImagesOf(ls)) {
      const row: TraitSource[] = [];
      for (const image of images) {
        const blob = project.files.get(image.file);
        const d = project.decoded.get(image.file);
        if (!blob || !d || "error" in d) return undefined;
        row.push({ file: blob, width: d.width, height: d.height, ...(image.x !== 0 || image.y !== 0 ? { x: image.x, y: image.y } : {}) });
      }
      out.push(row);
    }
    return out;
  }, [analysis, project]);

  return {
    project,
    settings,
    analysis,
    restoring,
    loading,
    progress,
    loadError,
    load,
    update,
    applyFile,
    startOver,
    undo,
    redo,
    canUndo: history.past.length > 0,
    canRedo: history.future.length > 0,
    sources,
  };
}

/** A fresh seed for a new project, from the browser's entropy; core never makes one itself. */
export function settingsSeed(): string {
  return seedFromEntropy(() => crypto.getRandomValues(new Uint32Array(1))[0]! / 4294967296);
}

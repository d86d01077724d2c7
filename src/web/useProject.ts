/**
 * The studio's project state: files, what they decoded to, settings; the analysis core makes of them; and
 * persistence in IndexedDB, so a reload finds the project as it was.
 */
import { renderImagesOf } from "../core/draw.js";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { seedFromEntropy } from "../core/rng.js";
import { imageExtension } from "../core/weights.js";
import { analyzeProject, DEFAULT_SETTINGS, mergeLayers, type Analysis, type Decoded, type Problem, type StudioSettings } from "../browser/project.js";
import type { TraitSource } from "../browser/protocol.js";
import { decodeSize, type LoadedFiles } from "./loaders.js";
import { clearProject, restoreProject, saveProject, saveSettings } from "./storage.js";

export interface Project {
  root: string;
  files: Map<string, Blob>;
  decoded: Map<string, Decoded>;
  loadProblems: Problem[];
  /** Bumped on every load: previews and workers re-read the files. */
  version: number;
}

const EMPTY: Project = { root: "", files: new Map(), decoded: new Map(), loadProblems: [], version: 0 };

async function decodeAll(files: Map<string, Blob>): Promise<Map<string, Decoded>> {
  const decoded = new Map<string, Decoded>();
  await Promise.all(
    [...files].map(async ([path, blob]) => {
      if (blob.size > 0 && imageExtension(path)) decoded.set(path, await decodeSize(blob));
    }),
  );
  return decoded;
}

export interface ProjectApi {
  project: Project;
  settings: StudioSettings;
  analysis: Analysis | undefined;
  restoring: boolean;
  loading: boolean;
  loadError: string | undefined;
  load: (loader: () => Promise<LoadedFiles>) => Promise<void>;
  update: (patch: Partial<StudioSettings>) => void;
  startOver: () => Promise<void>;
  /** sources[layer][trait] of the analysed layer set, for the render workers. */
  sources: TraitSource[][] | undefined;
}

export function useProject(): ProjectApi {
  const [project, setProject] = useState<Project>(EMPTY);
  const [settings, setSettings] = useState<StudioSettings>(DEFAULT_SETTINGS);
  const [restoring, setRestoring] = useState(true);
  const [loading, setLoading] = useState(false);
  const [loadError, setLoadError] = useState<string | undefined>();
  const versionRef = useRef(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const { project: saved, dropped } = await restoreProject();
      if (!live) return;
      // A stored project that no longer parses (damage, an older shape) is dropped, and the user is told so.
      if (dropped) setLoadError(dropped);
      if (saved) {
        const files = new Map(saved.files.map((f) => [f.path, f.blob]));
        const decoded = await decodeAll(files);
        if (!live) return;
        setProject({ root: saved.root, files, decoded, loadProblems: saved.loadProblems, version: ++versionRef.current });
        setSettings({ ...DEFAULT_SETTINGS, ...saved.settings });
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
    setLoading(true);
    setLoadError(undefined);
    try {
      const loaded = await loader();
      const files = new Map(loaded.files.map((f) => [f.path, f.blob]));
      const decoded = await decodeAll(files);
      const next: Project = { root: loaded.root, files, decoded, loadProblems: loaded.problems, version: ++versionRef.current };
      const fresh = analyzeProject(loaded.root, [...files].map(([path, b]) => ({ path, size: b.size })), decoded, { ...DEFAULT_SETTINGS });
      const nextSettings: StudioSettings = { ...DEFAULT_SETTINGS, seed: settingsSeed(), layers: mergeLayers([], fresh.listing) };
      setProject(next);
      setSettings(nextSettings);
      await saveProject({ root: loaded.root, files: loaded.files, loadProblems: loaded.problems, settings: nextSettings });
    } catch (e) {
      setLoadError(e instanceof Error ? e.message : String(e));
    } finally {
      setLoading(false);
    }
  }, []);

  const update = useCallback((patch: Partial<StudioSettings>) => setSettings((s) => ({ ...s, ...patch })), []);

  const startOver = useCallback(async () => {
    await clearProject().catch(() => undefined);
    setProject({ ...EMPTY, version: ++versionRef.current });
    setSettings(DEFAULT_SETTINGS);
    setLoadError(undefined);
  }, []);

  const analysis = useMemo(() => {
    if (project.files.size === 0) return undefined;
    const files = [...project.files].map(([path, b]) => ({ path, size: b.size }));
    return analyzeProject(project.root, files, project.decoded, settings);
  }, [project, settings]);

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

  return { project, settings, analysis, restoring, loading, loadError, load, update, startOver, sources };
}

/** A fresh seed for a new project, from the browser's entropy; core never makes one itself. */
export function settingsSeed(): string {
  return seedFromEntropy(() => crypto.getRandomValues(new Uint32Array(1))[0]! / 4294967296);
}

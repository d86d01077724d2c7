import { useEffect, useMemo, useRef, useState } from "react";
import { generateCollection, WarmWorkers, type GeneratedCollection, type GenerateProgress } from "../browser/engine.js";
import type { Analysis, StudioSettings } from "../browser/project.js";
import { entryBlob, readZipIndex } from "../browser/zipIndex.js";
import type { TraitSource } from "../browser/protocol.js";

export type RunState =
  | { state: "idle" }
  | { state: "running"; progress: GenerateProgress | undefined }
  | { state: "done"; result: GeneratedCollection }
  | { state: "cancelled"; done: number; total: number }
  | { state: "error"; message: string };

interface Props {
  analysis: Analysis;
  settings: StudioSettings;
  sources: TraitSource[][] | undefined;
  run: RunState;
  setRun: (r: RunState) => void;
}

function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "collection";
}

/** How long settings must stay unchanged before the workers warm up and plan them. */
const WARM_DELAY_MS = 250;

type DirectoryPicker = (options?: { mode?: "readwrite" }) => Promise<FileSystemDirectoryHandle>;

export function GeneratePanel({ analysis, settings, sources, run, setRun }: Props) {
  const controller = useRef<AbortController | undefined>(undefined);
  const lastProgress = useRef<GenerateProgress | undefined>(undefined);
  const [saving, setSaving] = useState<string | undefined>();
  const canRun =
    analysis.layerSet !== undefined && analysis.canvas !== undefined && sources !== undefined && settings.count <= analysis.capacity && settings.seed.length > 0;
  const running = run.state === "running";
  const downloadName = `${slug(settings.namePrefix)}-${settings.count}.zip`;
  const url = useMemo(() => (run.state === "done" ? URL.createObjectURL(run.result.file) : undefined), [run]);
  useEffect(() => () => (url ? URL.revokeObjectURL(url) : undefined), [url]);
  useEffect(() => () => controller.current?.abort(), []);
  // Render workers started and traits decoded (and the collection planned) before the click, kept between runs.
  const pool = useMemo(() => new WarmWorkers(), []);
  useEffect(() => () => pool.dispose(), [pool]);
  const workers = settings.workers > 0 ? settings.workers : navigator.hardwareConcurrency || 2;
  useEffect(() => {
    if (!canRun || !analysis.canvas || !sources) return;
    const { width, height } = analysis.canvas;
    const plan = { listing: analysis.listing, config: analysis.config, count: settings.count, seed: settings.seed };
    // After a pause in typing, so an edit plans once, and the preview's first render gets a head start.
    const timer = setTimeout(() => void pool.warm({ width, height, resize: analysis.config.resize ?? "error", sources, workers, plan }).catch(() => undefined), WARM_DELAY_MS);
    return () => clearTimeout(timer);
  }, [pool, canRun, analysis, sources, workers, settings.count, settings.seed]);

  const start = async () => {
    if (!canRun || !analysis.canvas || !sources) return;
    const c = new AbortController();
    controller.current = c;
    lastProgress.current = undefined;
    setRun({ state: "running", progress: undefined });
    try {
      const result = await generateCollection(
        {
          listing: analysis.listing,
          config: analysis.config,
          count: settings.count,
          seed: settings.seed,
          width: analysis.canvas.width,
          height: analysis.canvas.height,
          resize: analysis.config.resize ?? "error",
          sources,
          workers,
          warm: pool,
        },
        {
          signal: c.signal,
          onProgress: (p) => {
            lastProgress.current = p;
            setRun({ state: "running", progress: p });
          },
        },
      );
      setRun({ state: "done", result });
    } catch (e) {
      if (c.signal.aborted) setRun({ state: "cancelled", done: (lastProgress.current as GenerateProgress | undefined)?.done ?? 0, total: settings.count });
      else setRun({ state: "error", message: e instanceof Error ? e.message : String(e) });
    } finally {
      if (controller.current === c) controller.current = undefined;
    }
  };

  const picker = (window as unknown as { showDirectoryPicker?: DirectoryPicker }).showDirectoryPicker;
  const saveToFolder = async () => {
    if (run.state !== "done" || !picker) return;
    try {
      const root = await picker({ mode: "readwrite" });
      const entries = await readZipIndex(run.result.file);
      let n = 0;
      for (const entry of entries) {
        const parts = entry.name.split("/");
        let dir = root;
        for (const p of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(p, { create: true });
        const handle = await dir.getFileHandle(parts[parts.length - 1] ?? entry.name, { create: true });
        const writable = await handle.createWritable();
        await (await entryBlob(run.result.file, entry)).stream().pipeTo(writable);
        if (++n % 200 === 0) setSaving(`saved ${n} of ${entries.length} files…`);
      }
      setSaving(`saved ${entries.length} files to “${root.name}”`);
    } catch (e) {
      if (e instanceof DOMException && e.name === "AbortError") return;
      setSaving(`could not save: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const exportConfig = () => {
    const json = `${JSON.stringify({ ...analysis.config, count: settings.count, seed: settings.seed }, null, 2)}\n`;
    const a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([json], { type: "application/json" }));
    a.download = "traitloom.json";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  let status: string;
  let done = 0;
  let total = settings.count;
  switch (run.state) {
    case "idle":
      status = canRun ? "ready" : "not ready";
      break;
    case "running": {
      const p = run.progress;
      done = p?.done ?? 0;
      total = p?.total ?? settings.count;
      status = p
        ? `${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} tokens · ${p.tokensPerSecond.toFixed(1)} tokens/s · ETA ${p.etaSeconds === undefined ? "…" : formatDuration(p.etaSeconds)}`
        : "planning…";
      break;
    }
    case "done":
      done = total = run.result.count;
      status = `Done: ${run.result.count.toLocaleString("en-US")} tokens in ${(run.result.elapsedMs / 1000).toFixed(1)} s (${run.result.tokensPerSecond.toFixed(1)} tokens/s), ZIP ${(run.result.bytes / 1048576).toFixed(1)} MB`;
      break;
    case "cancelled":
      done = run.done;
      total = run.total;
      status = `Cancelled after ${run.done.toLocaleString("en-US")} of ${run.total.toLocaleString("en-US")} tokens`;
      break;
    case "error":
      status = `Failed: ${run.message}`;
      break;
  }

  return (
    <section className="panel generate" aria-labelledby="generate-title">
      <h2 id="generate-title">Generate</h2>
      <div className="row">
        <button type="button" className="primary" data-testid="generate-button" disabled={!canRun || running} onClick={() => void start()}>
          Generate {settings.count.toLocaleString("en-US")} tokens
        </button>
        <button type="button" data-testid="cancel-button" disabled={!running} onClick={() => controller.current?.abort()}>
          Cancel
        </button>
        <button type="button" data-testid="export-config-button" disabled={!analysis.layerSet} onClick={exportConfig}>
          traitloom.json
        </button>
      </div>
      <div className="progress" data-testid="progress" data-state={run.state} data-done={done} data-total={total} role="status" aria-live="polite">
        <progress max={Math.max(1, total)} value={done} />
        <span>{status}</span>
      </div>
      {run.state === "done" && url ? (
        <div className="row">
          <a className="button primary" data-testid="download-button" href={url} download={downloadName}>
            Download ZIP
          </a>
          {picker ? (
            <button type="button" data-testid="save-folder-button" onClick={() => void saveToFolder()}>
              Save to folder…
            </button>
          ) : null}
          {saving ? (
            <span className="muted" data-testid="save-status">
              {saving}
            </span>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

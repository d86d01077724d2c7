import { useEffect, useMemo, useRef, useState } from "react";
import { generateCollection, WarmWorkers, type GeneratedCollection, type GenerateProgress } from "../browser/engine.js";
import type { Analysis, StudioSettings } from "../browser/project.js";
import { entryBlob, readZipIndex } from "../browser/zipIndex.js";
import type { StudioOneOfOnes, TraitSource } from "../browser/protocol.js";
import { formatDuration, rate, type Rate, type RateSample } from "./eta.js";
import { configJson, download, projectConfig } from "./projectFile.js";
import { saveRun } from "./runs.js";
import { oneOfOnesKey, runKey, settingsChanges } from "./runKey.js";

/** What made a finished run: its settings, their key, and the download name they give. */
export interface RunMade {
  settings: StudioSettings;
  key: string;
  downloadName: string;
  /** oneOfOnesKey of its 1-of-1s ("" or undefined: none). */
  onesKey?: string | undefined;
}

export type RunState =
  | { state: "idle" }
  | { state: "running"; progress: GenerateProgress | undefined; rate: Rate }
  | { state: "done"; result: GeneratedCollection; made: RunMade }
  | { state: "cancelled"; done: number; total: number }
  | { state: "error"; message: string };

interface Props {
  analysis: Analysis;
  settings: StudioSettings;
  sources: TraitSource[][] | undefined;
  run: RunState;
  setRun: (r: RunState) => void;
  /** Hand-made 1-of-1s placed among the tokens (the 1-of-1s panel). */
  oneOfOnes?: StudioOneOfOnes | undefined;
  /** Core's refusal of those 1-of-1s (the panel shows it): Generate waits until it is mended. */
  oneOfOnesError?: string | undefined;
  /** Files the config names besides the layers (the outputs panel's Solana collection image). */
  projectFiles?: ReadonlyMap<string, Uint8Array> | undefined;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "collection";
}

/** How long settings must stay unchanged before the workers warm up and plan them. */
const WARM_DELAY_MS = 250;
/** The ZIP's name on download, from the settings that made it: "traitloom-50.zip". */
export function downloadNameOf(settings: StudioSettings): string {
  return `${slug(settings.namePrefix)}-${settings.count}.zip`;
}

type DirectoryPicker = (options?: { mode?: "readwrite" }) => Promise<FileSystemDirectoryHandle>;

export function GeneratePanel({ analysis, settings, sources, run, setRun, oneOfOnes, oneOfOnesError, projectFiles }: Props) {
  const controller = useRef<AbortController | undefined>(undefined);
  const lastProgress = useRef<GenerateProgress | undefined>(undefined);
  const [saving, setSaving] = useState<string | undefined>();
  // Core refuses both before a token is drawn (the editions and 1-of-1s panels show its lines): never run into them.
  const editionRefused = analysis.editionsError !== undefined || (analysis.editions?.some((e) => e.refusal !== undefined) ?? false);
  const onesWithEditions = oneOfOnes !== undefined && analysis.config.editions !== undefined;
  const onesRefused = oneOfOnes !== undefined && oneOfOnesError !== undefined;
  const canRun =
    analysis.layerSet !== undefined &&
    analysis.canvas !== undefined &&
    sources !== undefined &&
    settings.count <= analysis.capacity &&
    !editionRefused &&
    !onesWithEditions &&
    !onesRefused &&
    settings.seed.length > 0 &&
    // The studio's render workers encode PNG only; WebP and JPEG are the CLI's (MetadataSettings says so).
    (analysis.config.image?.format ?? "png") === "png";
  const running = run.state === "running";
  const onesKey = useMemo(() => oneOfOnesKey(oneOfOnes), [oneOfOnes]);
  const key = runKey(analysis, settings, onesKey);
  const outdated = run.state === "done" && run.made.key !== key ? settingsChanges(run.made.settings, settings, run.made.onesKey, onesKey) : [];
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
  // Leaving mid-run loses it (the workers stop, the partial archive is deleted at the next start): ask first.
  useEffect(() => {
    if (!running) return;
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      e.preventDefault();
      e.returnValue = "";
    };
    window.addEventListener("beforeunload", onBeforeUnload);
    return () => window.removeEventListener("beforeunload", onBeforeUnload);
  }, [running]);

  const start = async () => {
    if (!canRun || !analysis.canvas || !sources) return;
    const c = new AbortController();
    controller.current = c;
    lastProgress.current = undefined;
    const made: RunMade = { settings, key, downloadName: downloadNameOf(settings), onesKey };
    let first: RateSample | undefined;
    setRun({ state: "running", progress: undefined, rate: rate(undefined, { done: 0, elapsedMs: 0 }, settings.count) });
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
          oneOfOnes,
          projectFiles,
        },
        {
          signal: c.signal,
          onProgress: (p) => {
            lastProgress.current = p;
            // The first tokens stored start the clock: planning and start-up before them are no rendering time.
            const now = { done: p.done, elapsedMs: p.elapsedMs };
            if (!first && p.done > 0) first = now;
            setRun({ state: "running", progress: p, rate: rate(first, now, p.total) });
          },
        },
      );
      if (result.storage === "opfs") {
        // Kept as a past run before it is shown, so the list of past runs has it.
        const { file: _file, ...kept } = result;
        await saveRun({ id: result.zipName, finishedAt: Date.now(), downloadName: made.downloadName, settings: made.settings, key: made.key, onesKey: made.onesKey, result: kept }).catch(() => undefined);
      }
      setRun({ state: "done", result, made });
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

  const exportConfig = () => download(new Blob([configJson({ ...projectConfig(analysis, settings), ...(oneOfOnes ? { oneOfOnes: oneOfOnes.config } : {}) })], { type: "application/json" }), "traitloom.json");

  let status: string;
  let done = 0;
  let total = settings.count;
  switch (run.state) {
    case "idle":
      // Not "not ready": what stands in the way, so the user knows what to fix.
      status = canRun
        ? "ready"
        : analysis.layerSet === undefined
          ? "blocked: a problem stops generation (see “Generation is blocked”)"
          : editionRefused
            ? analysis.editionsError !== undefined
              ? "blocked: a rule or fixed count fits no edition (see Editions)"
              : "blocked: an edition's count is more than its unique combinations (see Editions)"
            : onesWithEditions
              ? "blocked: 1-of-1s cannot be placed among editions (see 1-of-1s)"
              : onesRefused
                ? "blocked: a 1-of-1 cannot be placed (see 1-of-1s)"
                : settings.count > analysis.capacity
                ? "blocked: the size is more than the unique combinations"
                : settings.seed.length === 0
                  ? "blocked: enter a seed"
                  : (analysis.config.image?.format ?? "png") !== "png"
                    ? "blocked: the studio writes PNG only (WebP and JPEG are the CLI's)"
                    : "reading the trait images…";
      break;
    case "running": {
      const p = run.progress;
      done = p?.done ?? 0;
      total = p?.total ?? settings.count;
      const r = run.rate;
      // Rate and ETA from rendering only, and the ETA once the rate is steady (src/web/eta.ts).
      status = p
        ? `${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} tokens${r.tokensPerSecond === undefined ? "" : ` · ${r.tokensPerSecond.toFixed(1)} tokens/s`} · ${r.etaSeconds === undefined ? "estimating time left…" : `ETA ${formatDuration(r.etaSeconds)}`}`
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
    <section className="panel generate" id="generate" aria-labelledby="generate-title">
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
      {/* No live region: it would read out every update; ProgressAnnouncer says the start, each quarter and the end. */}
      <div
        className="progress"
        id="generate-progress"
        tabIndex={-1}
        data-testid="progress"
        data-state={run.state}
        data-done={done}
        data-total={total}
        data-eta={run.state === "running" && run.rate.etaSeconds !== undefined ? Math.round(run.rate.etaSeconds) : undefined}
      >
        <progress max={Math.max(1, total)} value={done} aria-label="Generation progress" />
        <span>{status}</span>
      </div>
      {run.state === "done" && outdated.length > 0 ? (
        <p className="notice warning" data-testid="result-outdated" role="status">
          <strong>Outdated:</strong> this result was made before {outdated.join(", ")} changed. Its download, rarity and tokens are those of the
          earlier settings; generate again for the current ones.
        </p>
      ) : null}
      {run.state === "done" && url ? (
        <div className="row">
          <a className="button primary" data-testid="download-button" href={url} download={run.made.downloadName} data-outdated={outdated.length > 0}>
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

import { useEffect, useMemo, useRef, useState, type DragEvent } from "react";
import { PreviewRenderer } from "../browser/engine.js";
import { chooseCanvasSize, type ImageSize } from "../core/canvas.js";
import { GeneratePanel, type RunState } from "./GeneratePanel.js";
import { useUndoKeys } from "./history.js";
import { LayerOrderNotice } from "./LayerOrderNotice.js";
import { Notices } from "./Notices.js";
import { OneOfOnesPanel, placeStudioOneOfOnes, studioOneOfOnes } from "./OneOfOnesPanel.js";
import { useOneOfOnes } from "./useOneOfOnes.js";
import { PastRuns } from "./PastRuns.js";
import { PackPanel } from "./PackPanel.js";
import { PreviewsDownload } from "./PreviewsDownload.js";
import { PublishPanel } from "./PublishPanel.js";
import { ValidatePanel } from "./ValidatePanel.js";
import { ProjectTools } from "./ProjectTools.js";
import { oneOfOnesKey, previewRenderKey, runKey } from "./runKey.js";
import { StartOverDialog } from "./StartOverDialog.js";
import { LayersPanel } from "./LayersPanel.js";
import { fromDemo, fromDrop, fromFileList, fromZip } from "./loaders.js";
import { PreviewPanel } from "./PreviewPanel.js";
import { ProblemsPanel, ProblemSummary, projectProblems } from "./ProblemsPanel.js";
import { ProgressAnnouncer } from "./ProgressAnnouncer.js";
import { ResultsPanel } from "./ResultsPanel.js";
import { EditionsPanel } from "./EditionsPanel.js";
import { OutputsPanel } from "./OutputsPanel.js";
import { RulesPanel } from "./RulesPanel.js";
import { SettingsPanel } from "./SettingsPanel.js";
import { useProject } from "./useProject.js";
import { Welcome } from "./Welcome.js";

const directoryAttributes = { webkitdirectory: "", directory: "" } as Record<string, string>;

/** Moves focus to an element of the page once React has drawn it (after a load, a run's start or end). */
function focusSoon(selector: string): void {
  requestAnimationFrame(() => document.querySelector<HTMLElement>(selector)?.focus());
}

/** The Generate button where it can be pressed; else what stops it (the problem summary beside it). */
function goToGenerate(): void {
  const button = document.querySelector<HTMLElement>('[data-testid="generate-button"]:not(:disabled)');
  const target = button ?? document.querySelector<HTMLElement>('[data-testid="problem-summary"] a') ?? document.querySelector<HTMLElement>('[data-testid="generate-button"]');
  target?.scrollIntoView({ block: "center" });
  target?.focus();
}

export function App() {
  const { project, settings, analysis, restoring, loading, progress, loadError, load, update, applyFile, startOver, undo, redo, canUndo, canRedo, sources } = useProject();
  const [confirmStartOver, setConfirmStartOver] = useState(false);
  const [run, setRun] = useState<RunState>({ state: "idle" });
  const [dropActive, setDropActive] = useState(false);
  const { value: oneOfOnes, set: setOneOfOnes, clear: clearOneOfOnes } = useOneOfOnes();
  const runOneOfOnes = useMemo(() => studioOneOfOnes(oneOfOnes), [oneOfOnes]);
  const onesKey = useMemo(() => oneOfOnesKey(runOneOfOnes), [runOneOfOnes]);
  const onesPlaced = useMemo(() => (analysis ? placeStudioOneOfOnes(oneOfOnes, analysis, settings) : undefined), [oneOfOnes, analysis, settings]);
  const onesError = onesPlaced && "error" in onesPlaced ? onesPlaced.error : undefined;
  // Solana's collection image (outputs panel): held here, sent with the run as a project file (not kept across reloads).
  const [collectionImage, setCollectionImage] = useState<{ name: string; bytes: Uint8Array } | undefined>();
  const projectFiles = useMemo(() => (collectionImage ? new Map([[collectionImage.name, collectionImage.bytes]]) : undefined), [collectionImage]);
  const [baseUriFill, setBaseUriFill] = useState<{ baseUri: string; nonce: number } | undefined>();
  const renderer = useMemo(() => new PreviewRenderer(), []);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const running = run.state === "running";
  useUndoKeys(undo, redo, !running && analysis !== undefined);
  const renderKey = previewRenderKey(project.version, analysis);

  // Focus follows what the user did: after a load, the loaded project's heading (or the load error); after
  // Generate, the progress; at the end, the result.
  const focusAfterLoad = useRef(false);
  useEffect(() => {
    if (loading || !focusAfterLoad.current) return;
    focusAfterLoad.current = false;
    focusSoon(loadError ? "#load-error" : "#project-title");
  }, [loading, loadError, project.version]);
  const lastRunState = useRef(run.state);
  useEffect(() => {
    const before = lastRunState.current;
    lastRunState.current = run.state;
    if (before === run.state) return;
    if (run.state === "running") focusSoon("#generate-progress");
    else if (run.state === "done") focusSoon('[data-testid="download-button"]');
    else if (before === "running") focusSoon("#generate-progress");
  }, [run.state]);

  const loadWith = (loader: Parameters<typeof load>[0]) => {
    if (running) return;
    setRun({ state: "idle" });
    focusAfterLoad.current = true;
    void load(loader);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDropActive(false);
    // Only files: a layer dragged in the layers panel and let go elsewhere is not a new project.
    const single = e.dataTransfer.files.length === 1 ? e.dataTransfer.files[0] : undefined;
    if (single && /\.(json|js)$/i.test(single.name) && !running) {
      // A traitloom.json or an engine's config.js dropped on a loaded project: applied to its layers.
      void applyFile(single);
    } else if (e.dataTransfer.types.includes("Files")) {
      // Entries and files must be taken during the drop event; fromDrop does so before its first await.
      const pending = fromDrop(e.dataTransfer);
      loadWith(() => pending);
    }
  };

  // The traits' own size, as the canvas would be without an output size: the settings label both apart.
  const traitSize = useMemo(() => {
    const sizes: ImageSize[] = [];
    for (const layer of analysis?.layers ?? [])
      for (const t of layer.traits) {
        const d = project.decoded.get(t.file);
        if (d && !("error" in d)) sizes.push({ file: t.file, width: d.width, height: d.height });
      }
    return sizes.length > 0 ? chooseCanvasSize(sizes, { resize: "fit" }) : undefined;
  }, [analysis, project]);
  const problems = projectProblems(analysis, project.loadProblems ?? []);
  // Not the trait a layer holds on other editions' tokens (editions.ts), which is no trait of the folder.
  const traitCount = analysis?.layerSet?.layers.reduce((n, l) => n + l.traits.filter((t) => !t.absent).length, 0);
  const loaded = project.files.size > 0;

  return (
    <div
      className={`app${dropActive ? " drop-active" : ""}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes("Files")) {
          e.preventDefault();
          setDropActive(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDropActive(false);
      }}
      onDrop={onDrop}
    >
      <a className="skip-link" href="#main">
        Skip to the project
      </a>
      {analysis ? (
        <a
          className="skip-link"
          href="#generate-title"
          onClick={(e) => {
            e.preventDefault();
            goToGenerate();
          }}
        >
          Skip to Generate
        </a>
      ) : null}
      <header className="topbar">
        <p className="brand">
          Traitloom <span className="muted">studio</span>
        </p>
        <div className="loaders">
          <button type="button" disabled={running || loading} onClick={() => folderInput.current?.click()}>
            Choose layers folder…
          </button>
          <input
            ref={folderInput}
            className="visually-hidden"
            data-testid="layers-input"
            type="file"
            multiple
            tabIndex={-1}
            aria-label="Layers folder (one sub-folder per layer)"
            {...directoryAttributes}
            onChange={(e) => {
              const files = e.target.files ? [...e.target.files] : [];
              e.target.value = "";
              if (files.length > 0) loadWith(async () => fromFileList(files));
            }}
          />
          <button type="button" disabled={running || loading} onClick={() => zipInput.current?.click()}>
            Open ZIP…
          </button>
          <input
            ref={zipInput}
            className="visually-hidden"
            data-testid="zip-input"
            type="file"
            tabIndex={-1}
            aria-label="ZIP of a layers folder"
            accept=".zip,application/zip"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = "";
              if (file) loadWith(() => fromZip(file, file.name));
            }}
          />
          <button type="button" data-testid="demo-button" disabled={running || loading} onClick={() => loadWith(fromDemo)}>
            Load demo
          </button>
          <button
            type="button"
            data-testid="start-over-button"
            disabled={running || !loaded}
            onClick={() => setConfirmStartOver(true)}
          >
            Start over
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1 className="visually-hidden">Traitloom studio</h1>
        {restoring || loading ? (
          <p className="status-line" role="status" data-testid="load-status">
            {restoring && !progress ? "Restoring your project…" : `Reading layers…${progress && progress.total > 0 ? ` ${progress.done} of ${progress.total}` : ""}`}
          </p>
        ) : null}
        {loadError ? (
          // Apart from the project's problems: a load that failed changed nothing of the project below.
          <div className="alert" role="alert" id="load-error" tabIndex={-1} data-testid="load-error">
            <h2>Could not load those layers</h2>
            <p>{loadError}</p>
            {loaded ? <p className="muted">The project below is unchanged: {project.root}.</p> : null}
          </div>
        ) : null}
        {!analysis ? (
          restoring ? null : (
            <Welcome
              disabled={running || loading}
              onDemo={() => loadWith(fromDemo)}
              onFolder={() => folderInput.current?.click()}
              onZip={() => zipInput.current?.click()}
            />
          )
        ) : (
          <>
            <section className="project-bar" aria-labelledby="project-title" data-testid="project-bar">
              <div>
                <h2 id="project-title" tabIndex={-1}>
                  {project.root}
                </h2>
                <p className="facts" data-testid="project-facts">
                  {settings.layers.filter((l) => l.visible).length} layers · {traitCount !== undefined ? `${traitCount} traits · ` : ""}
                  {analysis.layerSet ? `${analysis.capacity.toLocaleString("en-US")} unique combinations` : "blocked by a problem"}
                  {analysis.canvas ? ` · ${analysis.canvas.width}×${analysis.canvas.height} px` : ""} · {project.files.size} files
                </p>
              </div>
              <nav className="steps-nav" aria-label="Panels">
                <ul>
                  <li>
                    <a
                      href="#generate-title"
                      className="next"
                      data-testid="jump-generate"
                      onClick={(e) => {
                        e.preventDefault();
                        goToGenerate();
                      }}
                    >
                      Next: Generate
                    </a>
                  </li>
                  <li>
                    <a href="#layers">Layers</a>
                  </li>
                  <li>
                    <a href="#preview">Preview</a>
                  </li>
                  {problems.length > 0 ? (
                    <li>
                      <a href="#problems">Problems ({problems.length})</a>
                    </li>
                  ) : null}
                </ul>
              </nav>
            </section>
            <ProjectTools
              project={project}
              analysis={analysis}
              settings={settings}
              undo={undo}
              redo={redo}
              canUndo={canUndo}
              canRedo={canRedo}
              applyFile={applyFile}
              disabled={running}
              oneOfOnes={runOneOfOnes}
            />
            <ProblemsPanel problems={problems} skipped={analysis.skipped} />
            <Notices notices={project.notices} />
            <div className="workspace">
              <div className="column column-layers">
                <LayerOrderNotice settings={settings} applyFile={applyFile} disabled={running} />
                <LayersPanel project={project} settings={settings} analysis={analysis} update={update} disabled={running} />
              </div>
              <div className="column column-preview">
                <PreviewPanel analysis={analysis} settings={settings} sources={sources} renderer={renderer} renderKey={renderKey} update={update} disabled={running} />
              </div>
              <div className="column column-side">
                <SettingsPanel settings={settings} analysis={analysis} update={update} disabled={running} traitSize={traitSize} />
                {/* Panels that shape the run (rules, outputs) mount here, one line each, before Generate. */}
                <EditionsPanel settings={settings} analysis={analysis} update={update} disabled={running} />
                <RulesPanel settings={settings} analysis={analysis} update={update} disabled={running} />
                <OneOfOnesPanel analysis={analysis} value={oneOfOnes} placed={onesPlaced} onChange={setOneOfOnes} disabled={running} />
                <OutputsPanel settings={settings} update={update} disabled={running} collectionImage={collectionImage?.name} onCollectionImage={setCollectionImage} />
                <ProblemSummary problems={problems} />
                <GeneratePanel analysis={analysis} settings={settings} sources={sources} run={run} setRun={setRun} oneOfOnes={runOneOfOnes} oneOfOnesError={onesError} projectFiles={projectFiles} />
              </div>
            </div>
            {run.state === "done" ? <ResultsPanel result={run.result} /> : null}
            {run.state === "done" ? (
              <div className="publish-steps" data-testid="publish-steps">
                <PublishPanel
                  run={run}
                  now={{ analysis, settings, onesKey }}
                  disabled={running}
                  applyToSettings={update}
                  fill={baseUriFill}
                  onUpdated={(u) => setRun({ state: "done", result: u.result, made: u.made })}
                />
                <PackPanel
                  result={run.result}
                  made={run.made}
                  downloadName={run.made.downloadName}
                  disabled={running}
                  onUseBaseUri={(baseUri) => setBaseUriFill({ baseUri, nonce: Date.now() })}
                  onRecorded={(r) => setRun({ state: "done", result: r.result, made: r.made })}
                />
                <PreviewsDownload result={run.result} downloadName={run.made.downloadName} disabled={running} />
              </div>
            ) : null}
          </>
        )}
        <PastRuns
          current={run.state === "done" ? run.result.zipName : undefined}
          currentKey={analysis ? runKey(analysis, settings, onesKey) : undefined}
          disabled={running}
          onShow={(r) => setRun({ state: "done", result: { ...r.result, file: r.file }, made: { settings: r.settings, key: r.key, downloadName: r.downloadName, onesKey: r.onesKey } })}
          onDeleted={(id) => setRun((now) => (now.state === "done" && now.result.zipName === id ? { state: "idle" } : now))}
        />
        <ValidatePanel />
        <StartOverDialog
          open={confirmStartOver}
          root={project.root}
          onClose={() => setConfirmStartOver(false)}
          onConfirm={() => {
            setConfirmStartOver(false);
            setRun({ state: "idle" });
            clearOneOfOnes();
            void startOver();
          }}
        />
        <ProgressAnnouncer run={run} count={settings.count} />
      </main>
    </div>
  );
}

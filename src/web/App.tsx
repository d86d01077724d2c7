import { useMemo, useRef, useState, type DragEvent } from "react";
import { PreviewRenderer, removeArchives } from "../browser/engine.js";
import { GeneratePanel, type RunState } from "./GeneratePanel.js";
import { LayersPanel } from "./LayersPanel.js";
import { fromDemo, fromDrop, fromFileList, fromZip } from "./loaders.js";
import { PreviewPanel } from "./PreviewPanel.js";
import { RarityPanel, TokenBrowser } from "./ResultsPanel.js";
import { RulesPanel } from "./RulesPanel.js";
import { SettingsPanel } from "./SettingsPanel.js";
import { useProject } from "./useProject.js";

const directoryAttributes = { webkitdirectory: "", directory: "" } as Record<string, string>;

export function App() {
  const { project, settings, analysis, restoring, loading, loadError, load, update, startOver, sources } = useProject();
  const [run, setRun] = useState<RunState>({ state: "idle" });
  const [dropActive, setDropActive] = useState(false);
  const renderer = useMemo(() => new PreviewRenderer(), []);
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const running = run.state === "running";
  const renderKey = `${project.version}:${analysis?.canvas?.width ?? 0}x${analysis?.canvas?.height ?? 0}:${analysis?.config.resize ?? "error"}:${JSON.stringify(analysis?.config.layers?.map((l) => (typeof l === "string" ? l : l.folder)) ?? [])}`;

  const loadWith = (loader: Parameters<typeof load>[0]) => {
    if (running) return;
    setRun({ state: "idle" });
    void load(loader);
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDropActive(false);
    // Only files: a layer dragged in the layers panel and let go elsewhere is not a new project.
    if (e.dataTransfer.types.includes("Files")) {
      // Entries and files must be taken during the drop event; fromDrop does so before its first await.
      const pending = fromDrop(e.dataTransfer);
      loadWith(() => pending);
    }
  };

  const problems = [
    ...(loadError ? [{ path: "", message: loadError }] : []),
    ...(project.loadProblems ?? []),
    ...(analysis?.problems ?? []),
    ...(analysis?.error ? [{ path: "", message: analysis.error }] : []),
  ];

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
      <header className="topbar">
        <h1>
          Traitloom <span className="muted">studio</span>
        </h1>
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
            disabled={running || project.files.size === 0}
            onClick={() => {
              setRun({ state: "idle" });
              void removeArchives();
              void startOver();
            }}
          >
            Start over
          </button>
        </div>
      </header>
      <p className="drop-hint">
        {restoring ? "Restoring your project…" : loading ? "Reading layers…" : project.files.size > 0 ? `Project: ${project.root} (${project.files.size} files)` : "Drop a layers folder or a ZIP of it anywhere on the page, or use the buttons above. Files never leave your machine."}
      </p>
      <section className="problems" aria-label="Problems">
        <ul data-testid="error-list" className={problems.length > 0 ? "error-list" : "error-list empty"}>
          {problems.map((p, i) => (
            <li key={i} data-testid="error-item">
              {p.path ? <code className="path">{p.path}</code> : null}
              <span>{p.message}</span>
            </li>
          ))}
        </ul>
        {analysis && analysis.skipped.length > 0 ? <p className="muted">Skipped as OS junk: {analysis.skipped.join(", ")}</p> : null}
      </section>
      {analysis ? (
        <main className="columns">
          <LayersPanel project={project} settings={settings} analysis={analysis} update={update} disabled={running} />
          <div className="stack">
            <SettingsPanel settings={settings} analysis={analysis} update={update} disabled={running} />
            <RulesPanel settings={settings} analysis={analysis} update={update} disabled={running} />
            <PreviewPanel analysis={analysis} settings={settings} sources={sources} renderer={renderer} renderKey={renderKey} />
            <GeneratePanel analysis={analysis} settings={settings} sources={sources} run={run} setRun={setRun} />
            {run.state === "done" ? (
              <>
                <RarityPanel result={run.result} />
                <TokenBrowser result={run.result} />
              </>
            ) : null}
          </div>
        </main>
      ) : null}
    </div>
  );
}

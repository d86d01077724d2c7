/**
 * Edits and the project as a file: undo / redo (also Ctrl+Z, Ctrl+Shift+Z), the project file (layers + traitloom.json
 * in one ZIP, for another machine or the CLI), and a traitloom.json or an engine's config.js applied to the layers.
 */
import { useRef, useState } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { StudioOneOfOnes } from "../browser/protocol.js";
import { download, projectZip } from "./projectFile.js";
import type { Project } from "./useProject.js";

interface Props {
  project: Project;
  analysis: Analysis;
  settings: StudioSettings;
  undo: () => void;
  redo: () => void;
  canUndo: boolean;
  canRedo: boolean;
  applyFile: (file: File) => Promise<void>;
  disabled: boolean;
  /** The 1-of-1s panel's files, saved in the project under their folder. */
  oneOfOnes?: StudioOneOfOnes | undefined;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "project";
}

export function ProjectTools({ project, analysis, settings, undo, redo, canUndo, canRedo, applyFile, disabled, oneOfOnes }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [saving, setSaving] = useState(false);
  return (
    <div className="project-tools row" role="group" aria-label="Edits and project file" data-testid="project-tools" data-root={project.root} data-version={project.version}>
      <button type="button" data-testid="undo-button" disabled={disabled || !canUndo} onClick={undo} aria-keyshortcuts="Control+Z" title="Undo (Ctrl+Z)">
        Undo
      </button>
      <button type="button" data-testid="redo-button" disabled={disabled || !canRedo} onClick={redo} aria-keyshortcuts="Control+Shift+Z" title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      <button
        type="button"
        data-testid="save-project-button"
        disabled={disabled || saving}
        onClick={() => {
          setSaving(true);
          void projectZip(project.files, analysis, settings, oneOfOnes)
            .then((zip) => download(zip, `${slug(project.root.split("/")[0] ?? "project")}-project.zip`))
            .finally(() => setSaving(false));
        }}
      >
        {saving ? "Packing project…" : "Save project (ZIP)"}
      </button>
      <button type="button" data-testid="apply-settings-button" disabled={disabled} onClick={() => input.current?.click()}>
        Apply traitloom.json / config.js…
      </button>
      <input
        ref={input}
        className="visually-hidden"
        data-testid="settings-file-input"
        type="file"
        tabIndex={-1}
        aria-label="A traitloom.json (settings) or an engine’s config.js (layer order) to apply to these layers"
        accept=".json,.js,application/json,text/javascript"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = "";
          if (file) void applyFile(file);
        }}
      />
    </div>
  );
}

/**
 * "Validate a folder": a folder (picked or dropped) or a ZIP, made by Traitloom or any other tool, checked against a
 * target's rules by core's validators (src/core/targets), every problem listed with its file and field in the words
 * `traitloom validate` prints, then its closing line.
 */
import { useId, useRef, useState, type DragEvent } from "react";
import type { FolderFiles } from "../browser/folderView.js";
import type { ValidateTarget, ValidationReport } from "../core/targets/index.js";
import { TARGET_RULES, VALIDATE_TARGETS, validationSummary } from "../core/targets/summary.js";
import { walk } from "./loaders.js";

const directoryAttributes = { webkitdirectory: "", directory: "" } as Record<string, string>;

interface Given {
  /** The folder or ZIP as the user knows it, for the closing line. */
  name: string;
  files: FolderFiles;
}

interface Checked {
  report: ValidationReport;
  summary: string;
}

/** The validators and readers, loaded when first used rather than with the page. */
const load = () => Promise.all([import("../browser/folderView.js"), import("../core/targets/index.js")]).then(([view, targets]) => ({ ...view, validateFolder: targets.validateFolder }));

/** The files of a drop: a folder walked through its entries, or one ZIP. */
async function filesOfDrop(transfer: DataTransfer): Promise<Given> {
  const entries = [...transfer.items].map((i) => (i.kind === "file" ? (i.webkitGetAsEntry?.() ?? null) : null)).filter((e): e is FileSystemEntry => e !== null);
  const files = [...transfer.files];
  const zip = files.length === 1 && /\.zip$/i.test(files[0]?.name ?? "") ? files[0] : undefined;
  const { zipFiles, withoutTopFolder } = await load();
  if (zip) return named(withoutTopFolder, await zipFiles(zip, zip.name), zip.name.replace(/\.zip$/i, ""));
  const out: Array<{ path: string; blob: Blob }> = [];
  for (const e of entries) await walk(e, out);
  if (out.length === 0) for (const f of files) out.push({ path: f.webkitRelativePath || f.name, blob: f });
  return named(withoutTopFolder, new Map(out.map((f) => [f.path, f.blob])), entries.length === 1 && entries[0]?.isDirectory ? entries[0].name : "the dropped files");
}

/** The files under their folder's name: paths relative to the one folder they share, where they share one. */
function named(withoutTopFolder: (files: FolderFiles) => { files: FolderFiles; top: string | undefined }, files: FolderFiles, fallback: string): Given {
  const { files: inside, top } = withoutTopFolder(files);
  return { name: top ?? fallback, files: inside };
}

export function ValidatePanel() {
  const id = useId();
  const folderInput = useRef<HTMLInputElement>(null);
  const zipInput = useRef<HTMLInputElement>(null);
  const [target, setTarget] = useState<ValidateTarget>("opensea");
  const [given, setGiven] = useState<Given | undefined>();
  const [checked, setChecked] = useState<Checked | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState(false);

  const check = async (what: Given, on: ValidateTarget) => {
    setBusy(true);
    setError(undefined);
    try {
      const { validateFolder, blobFolder } = await load();
      const report = await validateFolder(blobFolder(what.files), on);
      setChecked({ report, summary: validationSummary(report, report.folder === "" ? what.name : `${what.name}/${report.folder}`) });
    } catch (e) {
      setChecked(undefined);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const take = async (load: () => Promise<Given>) => {
    try {
      const what = await load();
      setGiven(what);
      await check(what, target);
    } catch (e) {
      setGiven(undefined);
      setChecked(undefined);
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const onDrop = (e: DragEvent) => {
    // Not a new project: the page's own drop handler must not see it.
    e.preventDefault();
    e.stopPropagation();
    setOver(false);
    const pending = filesOfDrop(e.dataTransfer);
    void take(() => pending);
  };

  const report = checked?.report;
  return (
    <section className="panel validate" aria-labelledby={`${id}-title`} data-testid="validate-panel">
      <h2 id={`${id}-title`}>Validate a folder</h2>
      <p className="muted">
        Checks token metadata made by Traitloom or any other tool against a target’s rules, as <code>traitloom validate</code> does: a target’s own folder
        (a Sugar assets folder, a metadata folder) or a whole collection. Nothing leaves this browser.
      </p>
      <div className="row">
        <label className="field">
          <span>Target</span>
          <select
            data-testid="validate-target"
            value={target}
            disabled={busy}
            onChange={(e) => {
              const next = e.target.value as ValidateTarget;
              setTarget(next);
              if (given) void check(given, next);
            }}
          >
            {VALIDATE_TARGETS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          <small>{TARGET_RULES[target]}</small>
        </label>
      </div>
      <div
        className={`validate-drop${over ? " over" : ""}`}
        data-testid="validate-drop"
        onDragOver={(e) => {
          e.preventDefault();
          e.stopPropagation();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop a folder or a ZIP here, or</p>
        <div className="row">
          <button type="button" disabled={busy} onClick={() => folderInput.current?.click()}>
            Choose folder…
          </button>
          <button type="button" disabled={busy} onClick={() => zipInput.current?.click()}>
            Choose ZIP…
          </button>
        </div>
        <input
          ref={folderInput}
          className="visually-hidden"
          data-testid="validate-folder-input"
          type="file"
          multiple
          tabIndex={-1}
          aria-label="Folder to validate"
          {...directoryAttributes}
          onChange={(e) => {
            const files = e.target.files ? [...e.target.files] : [];
            e.target.value = "";
            if (files.length > 0) void take(async () => named((await load()).withoutTopFolder, new Map(files.map((f) => [f.webkitRelativePath || f.name, f])), "the chosen folder"));
          }}
        />
        <input
          ref={zipInput}
          className="visually-hidden"
          data-testid="validate-zip-input"
          type="file"
          tabIndex={-1}
          aria-label="ZIP to validate"
          accept=".zip,application/zip"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = "";
            if (file)
              void take(async () => {
                const { zipFiles, withoutTopFolder } = await load();
                return named(withoutTopFolder, await zipFiles(file, file.name), file.name.replace(/\.zip$/i, ""));
              });
          }}
        />
      </div>
      {busy ? (
        <p className="muted" role="status">
          Checking…
        </p>
      ) : null}
      {error ? (
        <p className="field-error" role="alert" data-testid="validate-error">
          {error}
        </p>
      ) : null}
      {report && checked ? (
        <div data-testid="validate-result" data-problems={report.problems.length} data-tokens={report.tokens}>
          <p className={report.problems.length === 0 ? "ok-line" : "bad-line"} role="status" data-testid="validate-summary">
            {checked.summary}
          </p>
          {report.problems.length > 0 ? (
            <ul className="validate-problems" data-testid="validate-problems">
              {report.problems.map((p, i) => (
                <li key={i} data-rule={p.rule} data-file={p.file}>
                  {p.message}
                </li>
              ))}
            </ul>
          ) : null}
          {report.warnings.length > 0 ? (
            <ul className="validate-warnings muted" data-testid="validate-warnings">
              {report.warnings.map((w) => (
                <li key={w.rule}>warning: {w.message}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

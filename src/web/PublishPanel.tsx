/**
 * After a run (or for a past run shown): "Set base URI / metadata", `traitloom update` on the run's archive. The
 * metadata of every target is rewritten from manifest.json, no image rendered again (src/web/publish.ts,
 * src/browser/archiveStore.ts, src/render/update.ts); the updated archive becomes the run shown and a past run.
 */
import { useEffect, useId, useRef, useState } from "react";
import type { StudioSettings } from "../browser/project.js";
import type { MetadataChanges } from "../render/update.js";
import type { RunMade } from "./GeneratePanel.js";
import type { GeneratedCollection } from "../browser/engine.js";
import { download } from "./projectFile.js";
import { updateRun, type ProjectNow, type UpdatedRun } from "./publish.js";

interface Props {
  run: { result: GeneratedCollection; made: RunMade };
  /** The project as it is now, where one is loaded: an update of a run made from it keeps it current. */
  now: ProjectNow | undefined;
  onUpdated: (run: UpdatedRun) => void;
  /** Sets the same values in the project's settings (a later Generate writes them too). */
  applyToSettings?: ((patch: Partial<StudioSettings>) => void) | undefined;
  /** A base URI to fill in (from "Pack for IPFS"), new each time by its nonce. */
  fill?: { baseUri: string; nonce: number } | undefined;
  disabled: boolean;
}

interface Form {
  baseUri: string;
  namePrefix: string;
  description: string;
  externalUrl: string;
}

function formOf(settings: StudioSettings): Form {
  return { baseUri: settings.baseUri, namePrefix: settings.namePrefix, description: settings.description, externalUrl: settings.externalUrl ?? "" };
}

/** The fields the user changed, as update's changes ("" external URL: removed). */
function changesOf(before: Form, after: Form): MetadataChanges {
  const out: MetadataChanges = {};
  for (const k of ["baseUri", "namePrefix", "description", "externalUrl"] as const) if (before[k] !== after[k]) out[k] = after[k];
  return out;
}

const LABELS: Record<keyof Form, string> = { baseUri: "base URI", namePrefix: "name prefix", description: "description", externalUrl: "external URL" };

export function PublishPanel({ run, now, onUpdated, applyToSettings, fill, disabled }: Props) {
  const id = useId();
  const initial = formOf(run.made.settings);
  const [form, setForm] = useState<Form>(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [done, setDone] = useState<{ line: string; changes: MetadataChanges } | undefined>();
  // Another run shown: the form starts from what its archive says (after an update here, the updated run's).
  const ownUpdate = useRef<string | undefined>(undefined);
  useEffect(() => {
    setForm(formOf(run.made.settings));
    setError(undefined);
    if (run.result.zipName !== ownUpdate.current) setDone(undefined);
  }, [run.result.zipName, run.made.settings]);

  const baseUriInput = useRef<HTMLInputElement>(null);
  // Only a fill asked for while the panel is shown: one left from an earlier run is not applied again.
  const filled = useRef(fill?.nonce);
  useEffect(() => {
    if (!fill || fill.nonce === filled.current) return;
    filled.current = fill.nonce;
    setForm((f) => ({ ...f, baseUri: fill.baseUri }));
    baseUriInput.current?.focus();
    baseUriInput.current?.scrollIntoView({ block: "center" });
  }, [fill]);

  const changes = changesOf(initial, form);
  const changed = Object.keys(changes) as Array<keyof Form>;
  const apply = async () => {
    setError(undefined);
    setDone(undefined);
    if (changed.length === 0) {
      setError("expected a new value in at least one field (base URI, name prefix, description, external URL), found the values the run already has");
      return;
    }
    setBusy(true);
    try {
      const updated = await updateRun(run, changes, now);
      const what = updated.update.fields.length > 0 ? updated.update.fields.map((f) => LABELS[f as keyof Form] ?? f).join(", ") : "nothing (the files already said so)";
      setDone({
        line: `Updated ${what}: ${updated.update.filesWritten.toLocaleString("en-US")} metadata files rewritten for ${updated.update.tokens.toLocaleString("en-US")} tokens; images and provenance unchanged, manifest.json records the update.`,
        changes,
      });
      ownUpdate.current = updated.result.zipName;
      onUpdated(updated);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const field = (k: keyof Form, label: string, hint?: string, wide = false) => (
    <label className={`field${wide ? " wide" : ""}`}>
      <span>{label}</span>
      {k === "description" ? (
        <textarea data-testid={`publish-${k}`} rows={2} value={form[k]} disabled={disabled || busy} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
      ) : (
        <input ref={k === "baseUri" ? baseUriInput : undefined} data-testid={`publish-${k}`} type="text" value={form[k]} disabled={disabled || busy} placeholder={k === "baseUri" ? "ipfs://<CID>" : undefined} onChange={(e) => setForm({ ...form, [k]: e.target.value })} />
      )}
      {hint ? <small>{hint}</small> : null}
    </label>
  );

  return (
    <section className="panel publish" aria-labelledby={`${id}-title`} data-testid="publish-panel">
      <h2 id={`${id}-title`}>Set base URI / metadata</h2>
      <p className="muted">
        Rewrites the metadata of every target in this run’s ZIP, as <code>traitloom update</code> does: no image is rendered again, every image byte and
        the provenance hash stay as they are, and manifest.json records the update. The updated ZIP is kept as a run of its own.
      </p>
      <div className="grid2">
        {field("baseUri", "Base URI", "Image URLs become <base URI>/<id>.png", true)}
        {field("namePrefix", "Name prefix", "Names become “<prefix> #<id>”")}
        {field("externalUrl", "External URL", "{id} is the token id; empty removes it")}
        {field("description", "Description", undefined, true)}
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="publish-apply" disabled={disabled || busy} onClick={() => void apply()}>
          {busy ? "Updating…" : changed.length > 0 ? `Update ${changed.map((k) => LABELS[k]).join(", ")}` : "Update metadata"}
        </button>
        {done ? (
          <button type="button" data-testid="publish-download" onClick={() => download(run.result.file, run.made.downloadName)}>
            Download updated ZIP
          </button>
        ) : null}
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="publish-error">
          {error}
        </p>
      ) : null}
      {done ? (
        <div role="status" data-testid="publish-status">
          <p>{done.line}</p>
          {applyToSettings ? (
            <p className="row">
              <button type="button" data-testid="publish-to-settings" disabled={disabled} onClick={() => applyToSettings(settingsPatch(done.changes))}>
                Use these in the project’s settings too
              </button>
              <span className="muted">so a later Generate writes the same metadata</span>
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function settingsPatch(changes: MetadataChanges): Partial<StudioSettings> {
  const patch: Partial<StudioSettings> = {};
  if (changes.baseUri !== undefined) patch.baseUri = changes.baseUri;
  if (changes.namePrefix !== undefined) patch.namePrefix = changes.namePrefix;
  if (changes.description !== undefined) patch.description = changes.description;
  if (changes.externalUrl !== undefined) patch.externalUrl = changes.externalUrl;
  return patch;
}

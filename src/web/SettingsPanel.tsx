import { useEffect, useState } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import { MetadataSettings } from "./MetadataSettings.js";
import { settingsSeed } from "./useProject.js";

interface Props {
  settings: StudioSettings;
  analysis: Analysis;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
  /** The traits' own (most common) size, before any output size scales them. */
  traitSize?: { width: number; height: number } | undefined;
}

/** traitloom.json's `dialect` values, as the settings offer them. */
const DIALECT_CHOICES: ReadonlyArray<readonly [NonNullable<StudioSettings["dialect"]>, string]> = [
  ["auto", "auto (from the folders' markers)"],
  ["traitloom", "Traitloom (reads HashLips folders)"],
  ["hashlips", "HashLips"],
  ["nftchef", "nftchef"],
  ["datlips", "datlips"],
  ["hl2", "HashLips v2 (__w, __z)"],
  ["nftool", "nftool"],
];

/** A whole-number input that keeps what the user typed and applies it only when it is valid. */
function IntInput(props: { testId?: string; label: string; value: number | undefined; min: number; max?: number; optional?: boolean; disabled: boolean; onChange: (n: number | undefined) => void }) {
  const { value, min, max, optional, onChange } = props;
  const [text, setText] = useState(value === undefined ? "" : String(value));
  const [bad, setBad] = useState<string | undefined>();
  useEffect(() => {
    setText(value === undefined ? "" : String(value));
    setBad(undefined);
  }, [value]);
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        data-testid={props.testId}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={text}
        disabled={props.disabled}
        aria-invalid={bad !== undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t.trim() === "" && optional) {
            setBad(undefined);
            onChange(undefined);
            return;
          }
          const n = Number(t);
          if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
            setBad(`expected a whole number ${max !== undefined ? `from ${min} to ${max}` : `>= ${min}`}`);
            return;
          }
          setBad(undefined);
          onChange(n);
        }}
      />
      {bad ? <small className="field-error">{bad}</small> : null}
    </label>
  );
}

export function SettingsPanel({ settings, analysis, update, disabled, traitSize }: Props) {
  // An output size set while "list as problems" is chosen: analyzeProject scales every trait with "fit".
  const resizeInEffect = analysis.config.resize ?? "error";
  const over = analysis.layerSet !== undefined && settings.count > analysis.capacity;
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency || 2 : 2;
  return (
    <section className="panel settings" id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Collection</h2>
      <div className="capacity-row">
        <span data-testid="capacity" data-value={analysis.layerSet ? analysis.capacity : 0}>
          {analysis.layerSet
            ? `${analysis.capacity.toLocaleString("en-US")} unique combinations${analysis.editions ? ` (the editions’ own, added up: see Editions)` : ""}`
            : "unique combinations: none until the problem that blocks the layers is fixed"}
        </span>
        {over ? (
          <strong className="warning" data-testid="capacity-warning" role="alert">
            {settings.count.toLocaleString("en-US")} tokens asked, but the layers allow only {analysis.capacity.toLocaleString("en-US")} unique
            combinations: add traits or lower the size.
          </strong>
        ) : null}
      </div>
      <div className="grid2">
        <IntInput
          testId="count-input"
          label={settings.editions !== undefined && settings.editions.length > 0 ? "Size (tokens): the editions’ counts" : "Size (tokens)"}
          value={settings.count}
          min={1}
          max={1000000}
          disabled={disabled || (settings.editions !== undefined && settings.editions.length > 0)}
          onChange={(n) => update({ count: n ?? 1 })}
        />
        <label className="field">
          <span>Seed</span>
          <span className="inline">
            <input data-testid="seed-input" type="text" value={settings.seed} disabled={disabled} onChange={(e) => update({ seed: e.target.value })} />
            <button type="button" data-testid="new-seed-button" disabled={disabled} onClick={() => update({ seed: settingsSeed() })}>
              New seed
            </button>
          </span>
          {settings.seed.length === 0 ? <small className="field-error">expected a seed</small> : null}
        </label>
        <label className="field">
          <span>Name prefix</span>
          <input data-testid="name-prefix-input" type="text" value={settings.namePrefix} disabled={disabled} onChange={(e) => update({ namePrefix: e.target.value })} />
        </label>
        <IntInput testId="start-id-input" label="Start id" value={settings.startId} min={0} disabled={disabled} onChange={(n) => update({ startId: n ?? 1 })} />
        <label className="field wide">
          <span>Description</span>
          <textarea data-testid="description-input" rows={2} value={settings.description} disabled={disabled} onChange={(e) => update({ description: e.target.value })} />
        </label>
        <label className="field wide">
          <span>Base URI (images are &lt;base URI&gt;/&lt;id&gt;.png)</span>
          <input data-testid="base-uri-input" type="text" placeholder="ipfs://REPLACE_WITH_CID" value={settings.baseUri} disabled={disabled} onChange={(e) => update({ baseUri: e.target.value })} />
        </label>
        <IntInput
          testId="width-input"
          label={`Output width, px${traitSize ? ` (empty: the traits’ ${traitSize.width})` : ""}`}
          value={settings.width}
          min={1}
          max={16384}
          optional
          disabled={disabled}
          onChange={(n) => update({ width: n })}
        />
        <IntInput
          testId="height-input"
          label={`Output height, px${traitSize ? ` (empty: the traits’ ${traitSize.height})` : ""}`}
          value={settings.height}
          min={1}
          max={16384}
          optional
          disabled={disabled}
          onChange={(n) => update({ height: n })}
        />
        {analysis.canvas ? (
          <p className="field wide muted canvas-note" data-testid="canvas-size">
            Canvas (each token’s image): {analysis.canvas.width}×{analysis.canvas.height} px
            {traitSize && (traitSize.width !== analysis.canvas.width || traitSize.height !== analysis.canvas.height) ? `, scaled from the traits’ ${traitSize.width}×${traitSize.height}` : ", the traits’ size"}
          </p>
        ) : null}
        <label className="field">
          <span>Traits of another size than the canvas</span>
          <select data-testid="resize-select" value={settings.resize} disabled={disabled} onChange={(e) => update({ resize: e.target.value as StudioSettings["resize"] })}>
            <option value="error">{resizeInEffect === "error" ? "leave out, list as problems" : "list as problems (not while an output size is set)"}</option>
            <option value="fit">fit (keep aspect, centred)</option>
            <option value="stretch">stretch</option>
          </select>
          {resizeInEffect !== settings.resize ? (
            <small data-testid="resize-effect">An output size is set, so every trait is scaled to it: “{resizeInEffect}” is in effect.</small>
          ) : null}
        </label>
        <label className="field">
          <span>Folder dialect (how file and folder names are read)</span>
          <select
            data-testid="dialect-select"
            value={settings.dialect ?? "traitloom"}
            disabled={disabled}
            onChange={(e) => update({ dialect: e.target.value as NonNullable<StudioSettings["dialect"]> })}
          >
            {DIALECT_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {analysis.detected ? <small data-testid="dialect-detected">auto: {analysis.detected.reason}</small> : null}
        </label>
        <IntInput
          testId="workers-input"
          label={`Workers (empty: one per core, ${cores})`}
          value={settings.workers > 0 ? settings.workers : undefined}
          min={1}
          max={64}
          optional
          disabled={disabled}
          onChange={(n) => update({ workers: n ?? 0 })}
        />
      </div>
      <MetadataSettings settings={settings} update={update} disabled={disabled} />
    </section>
  );
}

/**
 * How a layer's traits are drawn, for every layer (flat HashLips folders too): the layer's blend mode and opacity,
 * and per trait an override of both. What it writes is the layer's traitloom.json options (`blend`, `opacity`,
 * `traits.<name>.blend` / `.opacity`), which core's trait model reads for the preview, the studio's runs and the CLI
 * alike; a trait's own setting wins over the layer's, a part's (from its file name) over both (docs/config.md).
 * Folded away under "Blend and opacity" with a one-line summary, since most layers draw plainly.
 */
import { useEffect, useId, useState } from "react";
import type { LayerState } from "../browser/project.js";
import type { LayerOptions, TraitOptions } from "../core/dialects/types.js";
import type { Layer } from "../core/layers.js";
import { BLEND_MODES } from "../core/model.js";

const DEFAULT_BLEND = "source-over";
/** The select's value for "the layer's setting" in a trait's row. */
const INHERIT = "";

interface Draw {
  blend?: string | undefined;
  opacity?: number | undefined;
}

/** A trait's own blend/opacity: its entry by path ("<Folder>/<Trait>"), or by name as a flat layer's config has it. */
function traitDraw(options: LayerOptions, path: string, name: string): Draw {
  const t = options.traits?.[path] ?? options.traits?.[name];
  return typeof t === "object" ? { blend: t.blend, opacity: t.opacity } : {};
}

/** The layer's options with one trait's blend/opacity set (undefined removes it), its other fields kept. */
function withTraitDraw(options: LayerOptions, name: string, draw: Draw): LayerOptions {
  const before = options.traits?.[name];
  const base: Exclude<TraitOptions, number> = typeof before === "number" ? { weight: before } : { ...(before ?? {}) };
  const next: Exclude<TraitOptions, number> = { ...base, blend: draw.blend, opacity: draw.opacity };
  if (next.blend === undefined) delete next.blend;
  if (next.opacity === undefined) delete next.opacity;
  const traits = { ...(options.traits ?? {}) };
  const keys = Object.keys(next);
  if (keys.length === 0) delete traits[name];
  else traits[name] = keys.length === 1 && next.weight !== undefined ? next.weight : next;
  const out: LayerOptions = { ...options, traits };
  if (Object.keys(traits).length === 0) delete out.traits;
  return out;
}

function BlendSelect({ value, onChange, disabled, inherit, testId, label }: { value: string; onChange: (v: string) => void; disabled: boolean; inherit?: string; testId: string; label?: string }) {
  return (
    <select data-testid={testId} value={value} disabled={disabled} aria-label={label} onChange={(e) => onChange(e.target.value)}>
      {inherit !== undefined ? <option value={INHERIT}>{inherit}</option> : null}
      {BLEND_MODES.map((m) => (
        <option key={m} value={m}>
          {m === DEFAULT_BLEND ? "normal (source-over)" : m}
        </option>
      ))}
    </select>
  );
}

/** A 0-1 number field that keeps what is typed and reports only valid values (empty: undefined, where allowed). */
function OpacityInput({ value, onChange, disabled, testId, label, optional }: { value: number | undefined; onChange: (v: number | undefined) => void; disabled: boolean; testId: string; label?: string; optional?: boolean }) {
  const [text, setText] = useState(value === undefined ? "" : String(value));
  useEffect(() => setText(value === undefined ? "" : String(value)), [value]);
  const n = Number(text);
  const bad = text.trim() === "" ? !optional : !(n >= 0 && n <= 1);
  return (
    <>
      <input
        data-testid={testId}
        type="number"
        min={0}
        max={1}
        step={0.05}
        value={text}
        placeholder={optional ? "layer's" : undefined}
        aria-label={label}
        aria-invalid={bad}
        disabled={disabled}
        onChange={(e) => {
          setText(e.target.value);
          const v = e.target.value.trim();
          if (v === "" && optional) onChange(undefined);
          else if (v !== "" && Number(v) >= 0 && Number(v) <= 1) onChange(Number(v));
        }}
      />
      {bad ? <small className="field-error">expected a number from 0 to 1</small> : null}
    </>
  );
}

function summary(options: LayerOptions, layer: Layer): string {
  const parts: string[] = [];
  if (options.blend !== undefined && options.blend !== DEFAULT_BLEND) parts.push(options.blend);
  if (options.opacity !== undefined && options.opacity !== 1) parts.push(`opacity ${options.opacity}`);
  const own = layer.traits.filter((t) => {
    const d = traitDraw(options, [...(t.path ?? []), t.name].join("/"), t.name);
    return d.blend !== undefined || d.opacity !== undefined;
  }).length;
  if (own > 0) parts.push(`${own} trait${own === 1 ? "" : "s"} of their own`);
  return parts.length > 0 ? parts.join(" · ") : "normal, opaque";
}

export function DrawSettings({ layer, state, disabled, onOptions }: { layer: Layer; state: LayerState; disabled: boolean; onOptions: (o: LayerOptions) => void }) {
  const options = state.options ?? {};
  const id = useId();
  const setLayer = (patch: Draw) => {
    const next: LayerOptions = { ...options, ...patch };
    if (next.blend === undefined || next.blend === DEFAULT_BLEND) delete next.blend;
    if (next.opacity === undefined || next.opacity === 1) delete next.opacity;
    onOptions(next);
  };
  const traits = layer.traits.filter((t) => t.absent !== true);
  return (
    <details className="draw-settings" data-testid="draw-settings" data-folder={layer.folder}>
      <summary>
        Blend and opacity <span className="muted">({summary(options, layer)})</span>
      </summary>
      <div className="layer-draw">
        <label className="field">
          <span>Layer blend</span>
          <BlendSelect testId="layer-blend" value={options.blend ?? DEFAULT_BLEND} disabled={disabled} onChange={(v) => setLayer({ blend: v })} />
        </label>
        <label className="field">
          <span>Layer opacity (0–1)</span>
          <OpacityInput testId="layer-opacity" value={options.opacity ?? 1} disabled={disabled} onChange={(v) => setLayer({ opacity: v })} />
        </label>
      </div>
      {traits.length > 0 ? (
        <table className="trait-draw" aria-labelledby={`${id}-caption`}>
          <caption id={`${id}-caption`} className="hint">
            Per trait (empty: the layer’s)
          </caption>
          <thead>
            <tr>
              <th scope="col">Trait</th>
              <th scope="col">Blend</th>
              <th scope="col">Opacity</th>
            </tr>
          </thead>
          <tbody>
            {traits.map((t) => {
              const path = [...(t.path ?? []), t.name].join("/");
              const d = traitDraw(options, path, t.name);
              const key = options.traits?.[path] === undefined && options.traits?.[t.name] !== undefined ? t.name : path;
              return (
                <tr key={path} data-testid="trait-draw" data-trait={t.name}>
                  <th scope="row">{path}</th>
                  <td>
                    <BlendSelect
                      testId="trait-blend"
                      label={`Blend of ${path}`}
                      inherit="layer’s"
                      value={d.blend ?? INHERIT}
                      disabled={disabled}
                      onChange={(v) => onOptions(withTraitDraw(options, key, { ...d, blend: v === INHERIT ? undefined : v }))}
                    />
                  </td>
                  <td>
                    <OpacityInput
                      testId="trait-opacity"
                      label={`Opacity of ${path}`}
                      optional
                      value={d.opacity}
                      disabled={disabled}
                      onChange={(v) => onOptions(withTraitDraw(options, key, { ...d, opacity: v }))}
                    />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </details>
  );
}

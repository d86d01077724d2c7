/**
 * The rest of traitloom.json, so the studio's settings are the CLI's: external URL, background colour, extra
 * attributes and metadata, traits left out of attributes, trait value renames, layers that do not make a token
 * unique, and the image format. Each field keeps what the user typed and applies it only when core's config
 * schema accepts it, with core's one-line message otherwise.
 */
import { useEffect, useState } from "react";
import { parseConfig } from "../core/config.js";
import type { ExtraAttribute, ImageSettings, LayerState, StudioSettings } from "../browser/project.js";

interface Props {
  settings: StudioSettings;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

/** The message of core's config check for one field, without the source prefix; undefined where it passes. */
function configError(field: Record<string, unknown>): string | undefined {
  try {
    parseConfig(field, "traitloom.json");
    return undefined;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).replace(/^traitloom\.json: /, "");
  }
}

/** A text field whose value is parsed on each change and applied only when it parses. */
function ParsedField<T>(props: {
  testId: string;
  label: string;
  hint?: string;
  value: T;
  show: (v: T) => string;
  parse: (text: string) => { ok: true; value: T } | { ok: false; error: string };
  onChange: (v: T) => void;
  disabled: boolean;
  rows?: number;
  placeholder?: string;
}) {
  const { value, show, parse, onChange } = props;
  const [text, setText] = useState(show(value));
  const [bad, setBad] = useState<string | undefined>();
  const shown = show(value);
  useEffect(() => {
    // An undo, a file applied: the field shows the settings again, unless they are what the user is typing.
    setText((t) => {
      const p = parse(t);
      return p.ok && show(p.value) === shown ? t : shown;
    });
    setBad(undefined);
    // parse and show are pure per field
  }, [shown]);
  const common = {
    "data-testid": props.testId,
    value: text,
    disabled: props.disabled,
    placeholder: props.placeholder,
    "aria-invalid": bad !== undefined,
    "aria-describedby": bad ? `${props.testId}-error` : undefined,
    onChange: (e: { target: { value: string } }) => {
      const t = e.target.value;
      setText(t);
      const p = parse(t);
      if (p.ok) {
        setBad(undefined);
        onChange(p.value);
      } else setBad(p.error);
    },
  };
  return (
    <label className="field wide">
      <span>{props.label}</span>
      {props.rows ? <textarea rows={props.rows} spellCheck={false} {...common} /> : <input type="text" spellCheck={false} {...common} />}
      {props.hint ? <small className="muted">{props.hint}</small> : null}
      {bad ? (
        <small className="field-error" id={`${props.testId}-error`} data-testid={`${props.testId}-error`}>
          {bad}
        </small>
      ) : null}
    </label>
  );
}

type Renames = Array<{ folder: string; trait: string; value: string }>;

export function showRenames(layers: readonly LayerState[]): string {
  return layers.flatMap((l) => Object.entries(l.values ?? {}).map(([t, v]) => `${l.name} / ${t} = ${v}`)).join("\n");
}

/** "Eyes / Laser = Laser Eyes" lines, by layer name (trait_type) or folder. */
export function parseRenames(text: string, layers: readonly LayerState[]): { ok: true; value: Renames } | { ok: false; error: string } {
  const out: Renames = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (line === "") continue;
    const m = /^(.+?)\s*\/\s*(.+?)\s*=\s*(.+)$/.exec(line);
    if (!m) return { ok: false, error: `line ${i + 1}: expected “Layer / Trait = new value”, found “${line.slice(0, 40)}”` };
    const [, layerName = "", trait = "", value = ""] = m;
    const layer = layers.find((l) => l.name === layerName || l.folder === layerName);
    if (!layer) return { ok: false, error: `line ${i + 1}: expected a layer (${layers.map((l) => l.name).join(", ")}), found “${layerName}”` };
    out.push({ folder: layer.folder, trait, value });
  }
  return { ok: true, value: out };
}

export function applyRenames(layers: readonly LayerState[], renames: Renames): LayerState[] {
  return layers.map((l) => {
    const values = Object.fromEntries(renames.filter((r) => r.folder === l.folder).map((r) => [r.trait, r.value]));
    const { values: _old, ...rest } = l;
    return Object.keys(values).length > 0 ? { ...rest, values } : rest;
  });
}

function jsonField<T>(key: string, empty: T) {
  return (text: string): { ok: true; value: T } | { ok: false; error: string } => {
    if (text.trim() === "") return { ok: true, value: empty };
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: `${key}: expected JSON, found text that does not parse (${e instanceof Error ? e.message : String(e)})` };
    }
    const error = configError({ [key]: raw });
    return error ? { ok: false, error } : { ok: true, value: raw as T };
  };
}

const parseAttributes = jsonField<ExtraAttribute[]>("extraAttributes", []);
const parseMetadata = jsonField<Record<string, unknown>>("extraMetadata", {});

export function MetadataSettings({ settings, update, disabled }: Props) {
  const image: ImageSettings = settings.image ?? {};
  const setImage = (patch: ImageSettings) => {
    const next = Object.fromEntries(Object.entries({ ...image, ...patch }).filter(([, v]) => v !== undefined)) as ImageSettings;
    update({ image: next });
  };
  return (
    <fieldset className="metadata-settings" data-testid="metadata-settings" disabled={disabled}>
      <legend>Metadata and output (traitloom.json)</legend>
      <div className="grid2">
        <ParsedField
          testId="external-url-input"
          label="External URL ({id}: the token id)"
          placeholder="https://example.com/token/{id}"
          value={settings.externalUrl ?? ""}
          show={(v) => v}
          parse={(t) => ({ ok: true, value: t })}
          onChange={(v) => update({ externalUrl: v })}
          disabled={disabled}
        />
        <ParsedField
          testId="background-color-input"
          label="Background colour (OpenSea background_color, six hex digits)"
          placeholder="e.g. 1a2b3c"
          value={settings.backgroundColor ?? ""}
          show={(v) => v}
          parse={(t) => {
            const v = t.trim().replace(/^#/, "");
            const error = v === "" ? undefined : configError({ backgroundColor: v });
            return error ? { ok: false, error } : { ok: true, value: v };
          }}
          onChange={(v) => update({ backgroundColor: v })}
          disabled={disabled}
        />
        <ParsedField
          testId="none-traits-input"
          label="Trait names left out of attributes (comma-separated)"
          hint="Default: None. A token drawing one of these has no attribute for that layer."
          value={settings.noneTraitNames}
          show={(v) => (v ?? ["None"]).join(", ")}
          parse={(t) => ({ ok: true, value: t.split(",").map((s) => s.trim()).filter((s) => s.length > 0) })}
          onChange={(v) => update({ noneTraitNames: v ?? [] })}
          disabled={disabled}
        />
        <ParsedField
          testId="renames-input"
          label="Trait value renames (one a line: Layer / Trait = new value)"
          hint="The attribute value written to metadata instead of the file's trait name."
          rows={3}
          placeholder="Eyes / Laser = Laser Eyes"
          value={settings.layers}
          show={showRenames}
          parse={(t) => {
            const p = parseRenames(t, settings.layers);
            return p.ok ? { ok: true, value: applyRenames(settings.layers, p.value) } : p;
          }}
          onChange={(layers) => update({ layers })}
          disabled={disabled}
        />
        <ParsedField
          testId="extra-attributes-input"
          label="Extra attributes, added to every token (JSON)"
          rows={3}
          placeholder='[{ "trait_type": "Artist", "value": "Me" }]'
          value={settings.extraAttributes ?? []}
          show={(v) => (v.length > 0 ? JSON.stringify(v, null, 1) : "")}
          parse={parseAttributes}
          onChange={(v) => update({ extraAttributes: v })}
          disabled={disabled}
        />
        <ParsedField
          testId="extra-metadata-input"
          label="Extra metadata fields, added to every token (JSON object)"
          rows={3}
          placeholder='{ "creator": "Me" }'
          value={settings.extraMetadata ?? {}}
          show={(v) => (Object.keys(v).length > 0 ? JSON.stringify(v, null, 1) : "")}
          parse={parseMetadata}
          onChange={(v) => update({ extraMetadata: v })}
          disabled={disabled}
        />
      </div>
      <fieldset className="uniqueness">
        <legend>Layers that make a token unique</legend>
        <p className="muted">Unticked: two tokens that differ only in this layer count as the same (HashLips bypassDNA, e.g. a background).</p>
        {settings.layers
          .filter((l) => l.visible)
          .map((l) => (
            <label key={l.folder} className="toggle">
              <input
                type="checkbox"
                data-testid="unique-layer"
                style={{ flexShrink: 0 }}
                data-folder={l.folder}
                checked={l.countsForUniqueness !== false}
                onChange={(e) =>
                  update({
                    layers: settings.layers.map((x) => {
                      if (x.folder !== l.folder) return x;
                      const { countsForUniqueness: _c, ...rest } = x;
                      return e.target.checked ? rest : { ...rest, countsForUniqueness: false };
                    }),
                  })
                }
              />{" "}
              {l.name} makes a token unique
            </label>
          ))}
      </fieldset>
      <div className="grid2">
        <label className="field">
          <span>Image format</span>
          <select data-testid="format-select" value={image.format ?? "png"} onChange={(e) => setImage({ format: e.target.value === "png" ? undefined : (e.target.value as ImageSettings["format"]) })}>
            <option value="png">PNG</option>
            <option value="webp">WebP (CLI only)</option>
            <option value="jpeg">JPEG (CLI only)</option>
          </select>
          {image.format !== undefined && image.format !== "png" ? (
            <small className="field-error" data-testid="format-note">
              The studio writes PNG only: generate {image.format === "webp" ? "WebP" : "JPEG"} with the CLI and this project’s traitloom.json.
            </small>
          ) : null}
        </label>
        <label className="field">
          <span>PNG compression (CLI)</span>
          <select data-testid="compression-select" value={image.compression ?? "balanced"} onChange={(e) => setImage({ compression: e.target.value === "balanced" ? undefined : (e.target.value as ImageSettings["compression"]) })}>
            <option value="fast">fast</option>
            <option value="balanced">balanced</option>
            <option value="small">small</option>
          </select>
          <small className="muted">The studio’s encoder has one setting; the CLI reads this one.</small>
        </label>
        {image.format === "webp" || image.format === "jpeg" ? (
          <label className="field">
            <span>Quality, 1-100</span>
            <input
              type="number"
              data-testid="quality-input"
              min={1}
              max={100}
              value={image.quality ?? 90}
              onChange={(e) => {
                const q = Number(e.target.value);
                if (Number.isInteger(q) && q >= 1 && q <= 100) setImage({ quality: q === 90 ? undefined : q });
              }}
            />
          </label>
        ) : null}
      </div>
    </fieldset>
  );
}

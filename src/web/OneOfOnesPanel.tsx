/**
 * The 1-of-1s panel: hand-made token images dropped in as files (PNG, each with an optional same-named .json of
 * name, description and attributes), each placed by the seed or at an id the user types. The files are the studio's
 * stand-in for the CLI's `oneOfOnes.dir` folder: core's oneOfOnesOfFiles reads and places them here (to list where
 * each lands and say what is wrong, in core's words) and again in the collection worker for the run.
 */
import { useId, useState } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { StudioOneOfOnes } from "../browser/protocol.js";
import { ONE_OF_ONES_WITH_EDITIONS } from "../core/editionCapacity.js";
import { oneOfOnesOfFiles, type OneOfOneFile, type OneOfOnes } from "../core/oneOfOnes.js";
import { resolveSettings } from "../core/settings.js";

/** The folder name the files stand for in traitloom.json (`oneOfOnes.dir`) and in messages. */
export const ONE_OF_ONES_DIR = "one-of-ones";

/** What was dropped: the files, and the ids typed per image (an image not in `place` is placed by the seed). */
export interface OneOfOnesDrop {
  files: OneOfOneFile[];
  place: Record<string, number>;
}

export const NO_ONE_OF_ONES: OneOfOnesDrop = { files: [], place: {} };

/** The run's 1-of-1s, in the CLI's `oneOfOnes` shape; undefined when none were dropped. */
export function studioOneOfOnes(drop: OneOfOnesDrop): StudioOneOfOnes | undefined {
  if (drop.files.length === 0) return undefined;
  const given = Object.keys(drop.place).length > 0;
  return { config: { dir: ONE_OF_ONES_DIR, place: given ? { ...drop.place } : "seeded" }, files: drop.files };
}

/** Where core places them for the current settings: placeStudioOneOfOnes, computed once by the page for this panel and Generate. */
export type PlacedOneOfOnes = ReturnType<typeof placeStudioOneOfOnes>;

interface Props {
  analysis: Analysis;
  value: OneOfOnesDrop;
  placed: PlacedOneOfOnes;
  onChange: (drop: OneOfOnesDrop) => void;
  disabled: boolean;
}

const isImage = (name: string): boolean => /\.png$/i.test(name);

/**
 * Where core places the dropped 1-of-1s for these settings, or its one-line refusal (a JSON that does not parse, an
 * id out of range, two at one id, 1-of-1s among editions): what the panel lists, and what keeps Generate from
 * running into the same refusal in the collection worker. undefined where none were dropped.
 */
export function placeStudioOneOfOnes(value: OneOfOnesDrop, analysis: Analysis, settings: StudioSettings): { ones: OneOfOnes } | { error: string } | undefined {
  const run = studioOneOfOnes(value);
  if (!run) return undefined;
  // Core's run refuses 1-of-1s among editions: its line, before Generate can run into it.
  if (analysis.config.editions) return { error: ONE_OF_ONES_WITH_EDITIONS };
  try {
    const collection = resolveSettings(analysis.config, { count: settings.count, seed: settings.seed || "-" });
    return { ones: oneOfOnesOfFiles(run.files, run.config, collection) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export function OneOfOnesPanel({ analysis, value, placed, onChange, disabled }: Props) {
  const inputId = useId();
  const [reading, setReading] = useState(false);
  const withEditions = analysis.config.editions !== undefined;

  const add = async (list: File[]) => {
    setReading(true);
    try {
      const added = await Promise.all(list.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const names = new Set(added.map((f) => f.name));
      onChange({ files: [...value.files.filter((f) => !names.has(f.name)), ...added].sort((a, b) => (a.name < b.name ? -1 : 1)), place: value.place });
    } finally {
      setReading(false);
    }
  };
  const remove = (name: string) => {
    const base = name.slice(0, name.lastIndexOf("."));
    const { [name]: _gone, ...place } = value.place;
    onChange({ files: value.files.filter((f) => f.name !== name && f.name !== `${base}.json`), place });
  };
  const setId = (name: string, text: string) => {
    const { [name]: _old, ...place } = value.place;
    const id = Number(text);
    onChange({ files: value.files, place: text.trim() === "" || !Number.isInteger(id) || id < 0 ? place : { ...place, [name]: id } });
  };

  const images = value.files.filter((f) => isImage(f.name));
  const others = value.files.filter((f) => !isImage(f.name));
  const placedOf = (name: string) => (placed && "ones" in placed ? placed.ones.placed.find((p) => p.one.file === name) : undefined);

  return (
    <section className="panel one-of-ones" aria-labelledby="ones-title" data-testid="ones-panel">
      <h2 id="ones-title">1-of-1s</h2>
      <p className="hint">Hand-made tokens: PNG images, each with an optional JSON of the same name (name, description, attributes). Each takes an id, placed by the seed or where you say.</p>
      {withEditions && value.files.length === 0 ? (
        <p className="notice" data-testid="ones-editions">
          Not with editions: {ONE_OF_ONES_WITH_EDITIONS}.
        </p>
      ) : null}
      <label className="field" htmlFor={inputId}>
        <span>Add 1-of-1 files (.png, .json)</span>
        <input
          id={inputId}
          data-testid="ones-input"
          type="file"
          multiple
          accept=".png,.json,image/png,application/json"
          disabled={disabled || reading || (withEditions && value.files.length === 0)}
          onChange={(e) => {
            const files = e.target.files ? [...e.target.files] : [];
            e.target.value = "";
            if (files.length > 0) void add(files);
          }}
        />
      </label>
      {placed && "error" in placed ? (
        <p className="field-error" role="alert" data-testid="ones-error">
          {placed.error}
        </p>
      ) : null}
      {images.length > 0 || others.length > 0 ? (
        <ul className="ones-list" data-testid="ones-list">
          {images.map((f) => {
            const p = placedOf(f.name);
            const given = value.place[f.name];
            return (
              <li key={f.name} data-testid="ones-item" data-file={f.name} data-id={p?.record.id ?? ""}>
                <span className="trait-name">{f.name}</span>
                {p?.one.name !== undefined ? <span className="muted"> “{p.one.name}”</span> : null}
                <span data-testid="ones-where">{given !== undefined ? ` at id ${given}` : ` seeded${p ? `: id ${p.record.id}` : ""}`}</span>
                <div className="row">
                  <label className="field">
                    <span>Id of {f.name} (empty: seeded)</span>
                    <input
                      type="number"
                      min={0}
                      step={1}
                      inputMode="numeric"
                      data-testid="ones-id"
                      placeholder="seeded"
                      disabled={disabled}
                      defaultValue={given ?? ""}
                      onChange={(e) => setId(f.name, e.target.value)}
                    />
                  </label>
                  <button type="button" disabled={disabled} onClick={() => remove(f.name)} aria-label={`Remove ${f.name}`}>
                    Remove
                  </button>
                </div>
              </li>
            );
          })}
          {others.map((f) => (
            <li key={f.name} className="muted" data-testid="ones-other" data-file={f.name}>
              {f.name}
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None: every token is generated.</p>
      )}
    </section>
  );
}

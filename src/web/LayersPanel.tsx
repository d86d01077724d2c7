import { useEffect, useMemo, useState, type DragEvent } from "react";
import type { Layer } from "../core/layers.js";
import { editionsOf, readLayerAlone, type Analysis, type LayerState, type Problem, type StudioSettings } from "../browser/project.js";
import { DrawSettings } from "./DrawSettings.js";
import { LayerTree, needsTree, ReadingNotes } from "./LayerTree.js";
import type { Project } from "./useProject.js";

interface Props {
  project: Project;
  settings: StudioSettings;
  analysis: Analysis;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

/** Object URLs of the project's images for thumbnails, revoked when the files change. */
/** A thumbnail URL per image file; none for an empty file (nftchef's 0-byte NONE), which would show as a broken image. */
function useThumbnails(project: Project): Map<string, string> {
  const urls = useMemo(() => new Map([...project.files].filter(([, blob]) => blob.size > 0).map(([path, blob]) => [path, URL.createObjectURL(blob)])), [project]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  return urls;
}

/**
 * Hidden layers read on their own (the analysis reads only the shown ones, as the CLI reads only the folders a
 * config names), with the settings' weight syntax and named weights: their traits and problems, by folder.
 */
function useHiddenLayers(project: Project, settings: StudioSettings): Map<string, { layer: Layer | undefined; problems: Problem[] }> {
  return useMemo(() => {
    const files = [...project.files].map(([path, blob]) => ({ path, size: blob.size }));
    return new Map(settings.layers.filter((l) => !l.visible).map((l) => [l.folder, readLayerAlone(project.root, files, project.decoded, settings, l)]));
  }, [project, settings]);
}

function WeightInput({ value, label, onChange, disabled, layer, trait }: { value: number; label: string; onChange: (w: number) => void; disabled: boolean; layer: string; trait: string }) {
  const [text, setText] = useState(String(value));
  const [bad, setBad] = useState(false);
  useEffect(() => {
    setText(String(value));
    setBad(false);
  }, [value]);
  return (
    <input
      data-testid="weight-input"
      data-layer={layer}
      data-trait={trait}
      className={bad ? "weight bad" : "weight"}
      type="number"
      min={0}
      step="any"
      aria-label={label}
      aria-invalid={bad}
      title={bad ? "expected a number >= 0" : undefined}
      value={text}
      disabled={disabled}
      onChange={(e) => {
        setText(e.target.value);
        const w = Number(e.target.value);
        const ok = e.target.value.trim() !== "" && Number.isFinite(w) && w >= 0;
        setBad(!ok);
        if (ok) onChange(w);
      }}
    />
  );
}

/**
 * One list of traits with thumbnail, weight, share and expected count. A layer shows one; a layer drawn from a
 * tree of folders or parts can show one per node, each with its own total.
 */
export function TraitTable(props: {
  traits: ReadonlyArray<{ file: string; name: string; weight: number }>;
  layerFolder: string;
  layerName: string;
  /** Shown in the collection: shares and expected counts apply. */
  active: boolean;
  count: number;
  thumbs: ReadonlyMap<string, string>;
  disabled: boolean;
  onWeight: (trait: string, weight: number) => void;
}) {
  const { traits, layerFolder, layerName, active, count, thumbs, disabled, onWeight } = props;
  const total = traits.reduce((a, t) => a + t.weight, 0);
  return (
    <table className="traits">
      <thead>
        <tr>
          <th scope="col">
            <span className="visually-hidden">Image</span>
          </th>
          <th scope="col">Trait</th>
          <th scope="col">Weight</th>
          <th scope="col">Share</th>
          <th scope="col" title={`Expected count in ${count.toLocaleString("en-US")} tokens`}>
            Expected
          </th>
        </tr>
      </thead>
      <tbody>
        {traits.map((t) => {
          const share = total > 0 ? t.weight / total : 0;
          return (
            <tr key={t.file} data-testid="trait" data-trait={t.name}>
              <td>{thumbs.get(t.file) ? <img className="thumb" src={thumbs.get(t.file)} alt="" loading="lazy" /> : null}</td>
              <td className="trait-name">{t.name}</td>
              <td>
                <WeightInput
                  layer={layerFolder}
                  trait={t.name}
                  label={`Weight of ${t.name} in ${layerName}`}
                  value={t.weight}
                  disabled={disabled}
                  onChange={(w) => onWeight(t.name, w)}
                />
              </td>
              <td className="num">{active ? `${(share * 100).toFixed(1)}%` : "–"}</td>
              <td className="num">{active ? (count * share).toFixed(1) : "–"}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function LayersPanel({ project, settings, analysis, update, disabled }: Props) {
  const thumbs = useThumbnails(project);
  const [dragging, setDragging] = useState<number | undefined>();
  const layers = settings.layers;
  const setLayers = (next: LayerState[]) => update({ layers: next });
  const move = (from: number, to: number) => {
    if (to < 0 || to >= layers.length || from === to) return;
    const next = [...layers];
    const [item] = next.splice(from, 1);
    if (item) next.splice(to, 0, item);
    setLayers(next);
  };
  const patch = (i: number, p: Partial<LayerState>) => setLayers(layers.map((l, k) => (k === i ? { ...l, ...p } : l)));
  // Shown layers as far as they could be read, also while a problem elsewhere stops the layer set.
  // With editions a layer comes once per edition that draws it, with the trait other editions' tokens hold there.
  const active = new Map(analysis.layers.map((l) => [l.folder, l.traits.some((t) => t.absent) ? { ...l, traits: l.traits.filter((t) => !t.absent) } : l]));
  const editions = editionsOf(settings);
  // A layer's share is of the tokens that draw it: its editions' counts.
  const countOf = (folder: string): number => (editions ? editions.filter((e) => e.layers.includes(folder)).reduce((a, e) => a + e.count, 0) : settings.count);
  const hidden = useHiddenLayers(project, settings);

  return (
    <section className="panel layers" id="layers" aria-labelledby="layers-title">
      <div className="panel-head">
        <h2 id="layers-title">Layers</h2>
        <span className="muted">
          {layers.filter((l) => l.visible).length} of {layers.length} shown
        </span>
      </div>
      {editions ? (
        <p className="hint" data-testid="layers-editions-hint">
          Editions pick and order their own layers (see Editions): shown here are the layers an edition draws. A weight is how often a trait is picked, against
          the others of its layer.
        </p>
      ) : (
        <p className="hint">Bottom layer first: drag a layer or use its arrows to reorder. A weight is how often a trait is picked, against the others of its layer.</p>
      )}
      <ReadingNotes project={project} analysis={analysis} />
      <ol className="layer-list">
        {layers.map((layer, i) => {
          const alone = layer.visible ? undefined : hidden.get(layer.folder);
          const read = layer.visible ? active.get(layer.folder) : alone?.layer;
          const shown = read && read.traits.length > 0 ? read : undefined;
          return (
            <li
              key={layer.folder}
              data-testid="layer"
              data-folder={layer.folder}
              className={`layer${layer.visible ? "" : " hidden-layer"}${dragging === i ? " dragging" : ""}`}
              draggable={!disabled && editions === undefined}
              onDragStart={(e: DragEvent) => {
                setDragging(i);
                e.dataTransfer.setData("application/x-traitloom-layer", String(i));
                e.dataTransfer.effectAllowed = "move";
              }}
              onDragEnd={() => setDragging(undefined)}
              onDragOver={(e) => {
                if (e.dataTransfer.types.includes("application/x-traitloom-layer")) e.preventDefault();
              }}
              onDrop={(e) => {
                const from = Number(e.dataTransfer.getData("application/x-traitloom-layer"));
                if (!Number.isInteger(from)) return;
                e.preventDefault();
                e.stopPropagation();
                move(from, i);
                setDragging(undefined);
              }}
            >
              <div className="layer-head">
                <span className="grip" aria-hidden="true" title="Drag to reorder">
                  ⋮⋮
                </span>
                <span className="layer-title">
                  <strong className="layer-name">{layer.name}</strong>
                  <span className="layer-folder">{layer.folder}</span>
                </span>
                <span className="layer-tools">
                  <label className="toggle">
                    <input type="checkbox" data-testid="layer-visible" checked={layer.visible} disabled={disabled || editions !== undefined} onChange={(e) => patch(i, { visible: e.target.checked })} />
                    <span>
                      Show<span className="visually-hidden"> {layer.name}</span>
                    </span>
                  </label>
                  <button type="button" aria-label={`Move ${layer.name} up`} disabled={disabled || editions !== undefined || i === 0} onClick={() => move(i, i - 1)}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${layer.name} down`} disabled={disabled || editions !== undefined || i === layers.length - 1} onClick={() => move(i, i + 1)}>
                    ↓
                  </button>
                </span>
              </div>
              {shown && needsTree(shown) ? (
                <LayerTree
                  layer={shown}
                  state={layer}
                  parent={shown.variantOf !== undefined ? analysis.layers[shown.variantOf] : undefined}
                  thumbs={thumbs}
                  count={countOf(layer.folder)}
                />
              ) : shown ? (
                <TraitTable
                  traits={shown.traits}
                  layerFolder={layer.folder}
                  layerName={layer.name}
                  active={layer.visible}
                  count={countOf(layer.folder)}
                  thumbs={thumbs}
                  disabled={disabled}
                  onWeight={(name, w) => patch(i, { weights: { ...layer.weights, [name]: w } })}
                />
              ) : (
                <p className="empty">
                  {layer.visible ? (
                    <>
                      No trait of this layer can be read: <a href="#problems">see the problems</a>.
                    </>
                  ) : (
                    "Hidden, and no trait of it can be read:"
                  )}
                </p>
              )}
              {shown ? <DrawSettings layer={shown} state={layer} disabled={disabled} onOptions={(options) => patch(i, { options })} /> : null}
              {alone && alone.problems.length > 0 ? (
                // A hidden layer's problems are not in the list above: they stop nothing until it is shown.
                <ul className="muted" data-testid="hidden-layer-problems">
                  {alone.problems.map((p, k) => (
                    <li key={k} data-testid="hidden-layer-problem">
                      <code className="path">{p.path}</code> <span>{p.message}</span>
                    </li>
                  ))}
                </ul>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

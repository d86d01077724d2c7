/**
 * Editions (traitloom.json's `editions`, HashLips' layerConfigurations): several layer configurations in one
 * collection, each with its own id, count and layers (an ordered subset of the loaded layers, bottom first), and
 * its capacity on those layers as core counts it, with core's refusal where the count is more. The layers keep
 * their names, weights and options from the layers panel; while there are editions, its order and Show do not
 * apply, and the size is the editions' sum. Every change goes through `update`, so undo works as for the rest.
 */
import { useEffect, useId, useState } from "react";
import { withEditions, type Analysis, type StudioEdition, type StudioSettings } from "../browser/project.js";
import type { EditionCapacity } from "../core/editionCapacity.js";

interface Props {
  settings: StudioSettings;
  analysis: Analysis;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

const fmt = (n: number | bigint): string => n.toLocaleString("en-US");

/** An edition id not taken yet: "Edition 2", "Edition 3", … */
function freshId(editions: readonly StudioEdition[]): string {
  for (let n = editions.length + 1; ; n++) if (!editions.some((e) => e.id === `Edition ${n}`)) return `Edition ${n}`;
}

export function EditionsPanel({ settings, analysis, update, disabled }: Props) {
  const id = useId();
  const editions = settings.editions ?? [];
  // An explicit shuffle argument, not a default: unticking passes undefined, which a default would replace.
  const setWith = (next: StudioEdition[], shuffle: "ids" | undefined) => update(withEditions(settings, next, next.length > 1 ? shuffle : undefined));
  const set = (next: StudioEdition[]) => setWith(next, settings.shuffle);
  const patch = (i: number, p: Partial<StudioEdition>) => set(editions.map((e, k) => (k === i ? { ...e, ...p } : e)));
  const nameOf = new Map(settings.layers.map((l) => [l.folder, l.name]));

  if (editions.length === 0) {
    return (
      <section className="panel editions" aria-labelledby={`${id}-title`} data-testid="editions-panel">
        <h2 id={`${id}-title`}>Editions</h2>
        <p className="hint">
          One layer configuration: every token draws the shown layers. Editions split the collection into ranges of tokens, each with its own count and
          layers (HashLips’ layerConfigurations).
        </p>
        <button
          type="button"
          data-testid="editions-start"
          disabled={disabled || !settings.layers.some((l) => l.visible)}
          onClick={() => set([{ id: "Edition 1", count: settings.count, layers: settings.layers.filter((l) => l.visible).map((l) => l.folder) }])}
        >
          Use editions
        </button>
      </section>
    );
  }

  const total = editions.reduce((a, e) => a + e.count, 0);
  return (
    <section className="panel editions" aria-labelledby={`${id}-title`} data-testid="editions-panel">
      <div className="panel-head">
        <h2 id={`${id}-title`}>Editions</h2>
        <span className="muted" data-testid="editions-summary">
          {editions.length} edition{editions.length > 1 ? "s" : ""}, {fmt(total)} tokens
        </span>
      </div>
      <p className="hint">Each edition draws its own layers, bottom first; names, weights and options are the layers panel’s. Tokens are unique across editions.</p>
      {analysis.editionsError !== undefined ? (
        <p className="edition-refusal" role="alert" data-testid="editions-error">
          {analysis.editionsError}
        </p>
      ) : null}
      {editions.length > 1 ? (
        <label className="toggle">
          <input type="checkbox" data-testid="editions-shuffle" checked={settings.shuffle === "ids"} disabled={disabled} onChange={(e) => setWith(editions, e.target.checked ? "ids" : undefined)} />
          <span>Mix ids across editions by the seed</span>
        </label>
      ) : null}
      <ol className="edition-items">
        {editions.map((edition, i) => (
          <EditionItem
            key={i}
            index={i}
            edition={edition}
            editions={editions}
            capacity={analysis.editions?.[i]}
            layerChoices={settings.layers.map((l) => ({ folder: l.folder, name: l.name }))}
            nameOf={nameOf}
            disabled={disabled}
            onPatch={(p) => patch(i, p)}
            onRemove={() => set(editions.filter((_, k) => k !== i))}
          />
        ))}
      </ol>
      <div className="row">
        <button
          type="button"
          data-testid="edition-add"
          disabled={disabled}
          onClick={() => set([...editions, { id: freshId(editions), count: 1, layers: [] }])}
        >
          Add edition
        </button>
        <button type="button" data-testid="editions-stop" disabled={disabled} onClick={() => update({ editions: undefined, shuffle: undefined, count: total })}>
          Use one layer configuration
        </button>
      </div>
    </section>
  );
}

interface ItemProps {
  index: number;
  edition: StudioEdition;
  editions: readonly StudioEdition[];
  capacity: EditionCapacity | undefined;
  layerChoices: Array<{ folder: string; name: string }>;
  nameOf: Map<string, string>;
  disabled: boolean;
  onPatch: (p: Partial<StudioEdition>) => void;
  onRemove: () => void;
}

function EditionItem({ index, edition, editions, capacity, layerChoices, nameOf, disabled, onPatch, onRemove }: ItemProps) {
  const id = useId();
  const [countText, setCountText] = useState<string | undefined>();
  // An undo (or any change from elsewhere) shows the count as it now is.
  useEffect(() => setCountText(undefined), [edition.count]);
  const [adding, setAdding] = useState("");
  const title = `edition ${index + 1} (${edition.id})`;
  const taken = editions.some((e, k) => k !== index && e.id === edition.id);
  const choices = layerChoices.filter((l) => !edition.layers.includes(l.folder));
  // A choice the edition took meanwhile (another edition removed above this one, an undo) is no choice.
  const chosen = choices.some((l) => l.folder === adding) ? adding : "";
  const move = (from: number, to: number) => {
    const next = [...edition.layers];
    const [item] = next.splice(from, 1);
    if (item !== undefined) next.splice(to, 0, item);
    onPatch({ layers: next });
  };
  const countBad = countText !== undefined ? "expected a whole number >= 1" : undefined;
  return (
    <li className="edition" data-testid="edition" data-id={edition.id} data-count={edition.count}>
      <div className="grid2">
        <label className="field">
          <span>Edition id</span>
          <input type="text" data-testid="edition-id" value={edition.id} disabled={disabled} aria-invalid={edition.id === "" || taken} onChange={(e) => onPatch({ id: e.target.value })} />
          {edition.id === "" ? <small className="field-error">expected an id</small> : taken ? <small className="field-error">expected each id once, found “{edition.id}” twice</small> : null}
        </label>
        <label className="field">
          <span>Tokens</span>
          <input
            type="number"
            inputMode="numeric"
            min={1}
            data-testid="edition-count"
            value={countText ?? String(edition.count)}
            disabled={disabled}
            aria-invalid={countBad !== undefined}
            onChange={(e) => {
              const n = Number(e.target.value);
              if (Number.isInteger(n) && n >= 1 && e.target.value.trim() !== "") {
                setCountText(undefined);
                onPatch({ count: n });
              } else setCountText(e.target.value);
            }}
          />
          {countBad ? <small className="field-error">{countBad}</small> : null}
        </label>
        <label className="field wide">
          <span>Token names (empty: the collection’s name prefix)</span>
          <input
            type="text"
            data-testid="edition-name-prefix"
            value={edition.namePrefix ?? ""}
            disabled={disabled}
            onChange={(e) => onPatch({ namePrefix: e.target.value === "" ? undefined : e.target.value })}
          />
        </label>
      </div>
      <label className="toggle">
        <input
          type="checkbox"
          data-testid="edition-restart-names"
          checked={edition.restartNameNumbers === true}
          disabled={disabled}
          onChange={(e) => onPatch({ restartNameNumbers: e.target.checked ? true : undefined })}
        />
        <span>
          Names count from 1 in this edition<span className="visually-hidden"> ({edition.id})</span>
        </span>
      </label>
      <p className="edition-capacity" data-testid="edition-capacity" data-value={capacity ? String(capacity.capacity) : ""}>
        {capacity ? `${fmt(capacity.capacity)} unique combinations on its layers` : "capacity: none until its layers can be read"}
      </p>
      {capacity?.refusal ? (
        <p className="edition-refusal" role="alert" data-testid="edition-refusal">
          {capacity.refusal}
        </p>
      ) : null}
      <h3 id={`${id}-layers`}>Layers, bottom first</h3>
      {edition.layers.length === 0 ? (
        <p className="field-error" data-testid="edition-no-layers">
          No layers yet: add at least one.
        </p>
      ) : (
        <ol className="edition-layers" aria-labelledby={`${id}-layers`}>
          {edition.layers.map((folder, k) => {
            const name = nameOf.get(folder) ?? folder;
            return (
              <li key={folder} data-testid="edition-layer" data-folder={folder}>
                <span className="edition-layer-index muted" aria-hidden="true">
                  {k + 1}
                </span>
                <span className="edition-layer-name trait-name">
                  {name}
                  {name !== folder ? <span className="muted"> ({folder})</span> : null}
                </span>
                <span className="layer-tools">
                  <button type="button" aria-label={`Move ${name} up in ${title}`} disabled={disabled || k === 0} onClick={() => move(k, k - 1)}>
                    ↑
                  </button>
                  <button type="button" aria-label={`Move ${name} down in ${title}`} disabled={disabled || k === edition.layers.length - 1} onClick={() => move(k, k + 1)}>
                    ↓
                  </button>
                  <button type="button" className="text-button" aria-label={`Remove ${name} from ${title}`} disabled={disabled} onClick={() => onPatch({ layers: edition.layers.filter((f) => f !== folder) })}>
                    Remove
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      {choices.length > 0 ? (
        <div className="row edition-add-layer">
          <label className="field">
            <span>Add a layer on top</span>
            <select data-testid="edition-layer-select" value={chosen} disabled={disabled} onChange={(e) => setAdding(e.target.value)}>
              <option value="">Choose a layer…</option>
              {choices.map((l) => (
                <option key={l.folder} value={l.folder}>
                  {l.name === l.folder ? l.name : `${l.name} (${l.folder})`}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            data-testid="edition-layer-add"
            disabled={disabled || chosen === ""}
            aria-label={`Add the chosen layer to ${title}`}
            onClick={() => {
              onPatch({ layers: [...edition.layers, chosen] });
              setAdding("");
            }}
          >
            Add
          </button>
        </div>
      ) : null}
      <div className="row">
        <button type="button" data-testid="edition-remove" disabled={disabled} onClick={onRemove}>
          Remove {title}
        </button>
      </div>
    </li>
  );
}

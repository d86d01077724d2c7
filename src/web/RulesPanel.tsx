/**
 * The rules panel: rules between traits in the artists' words ("doesn't mix with", "only mixes with", "always pairs
 * with", "if … then"), built by picking traits from the layers (a searchable list), and fixed quantities per trait.
 * It shows live how many unique combinations remain under the rules (core's collectionCapacity) and which counts the
 * rules force away from their weight share (previewRuleCounts). What it saves are the settings' `rules` and
 * `counts`, in the shape traitloom.json has, so the studio's traitloom.json runs the same in the CLI.
 */
import { useEffect, useId, useMemo, useState, type FormEvent } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { LayerSet } from "../core/layers.js";
import type { Deviation } from "../core/planner.js";
import { analyzeRules, hasRules, withRules } from "../core/ruleModel.js";
import { collectionCapacity, previewRuleCounts } from "../core/rulePlanner.js";
import type { CountsConfig, RuleConfig } from "../core/rules.js";

interface Props {
  settings: StudioSettings;
  analysis: Analysis;
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

type Kind = "never" | "only" | "always" | "if";

/** The rule kinds in the words artists' tools use (Bueno, NFT-Inator), and the config key each is. */
const KINDS: ReadonlyArray<{ kind: Kind; words: string }> = [
  { kind: "never", words: "doesn't mix with" },
  { kind: "only", words: "only mixes with" },
  { kind: "always", words: "always pairs with" },
  { kind: "if", words: "if … then it has" },
];

const SOURCE = "studio settings";

function list(x: string | readonly string[]): string[] {
  return typeof x === "string" ? [x] : [...x];
}

/** A rule said in the panel's words. */
export function ruleInWords(rule: RuleConfig): string {
  const q = (ids: readonly string[], join: string) => ids.map((id) => `“${id}”`).join(join);
  if ("never" in rule) return `${q([rule.never[0]], "")} doesn't mix with ${q(list(rule.never[1]), ", ")}`;
  if ("only" in rule) return `${q([rule.only], "")} only mixes with ${q(list(rule.with), " or ")}`;
  if ("always" in rule) return `${q(rule.always.slice(0, 1), "")} always pairs with ${q(rule.always.slice(1), " and ")}`;
  return `if ${q([rule.if], "")} then it has ${q(list(rule.then), " and ")}`;
}

function makeRule(kind: Kind, subject: string, targets: string[]): RuleConfig {
  const one = targets.length === 1 ? (targets[0] as string) : targets;
  switch (kind) {
    case "never":
      return { never: [subject, one] };
    case "only":
      return { only: subject, with: one };
    case "always":
      return { always: [subject, ...targets] };
    case "if":
      return { if: subject, then: one };
  }
}

interface Live {
  plain: bigint;
  capacity: bigint | undefined;
  problems: string[];
  warnings: string[];
  moves: Deviation[];
  planError: string | undefined;
}

function liveCounts(layerSet: LayerSet, rules: RuleConfig[], counts: CountsConfig, count: number): Live {
  // With editions core applies each rule in the editions whose layers hold it; their capacities are the editions panel's.
  if (layerSet.editions) return { plain: 0n, capacity: undefined, problems: [], warnings: [], moves: [], planError: undefined };
  const plain = collectionCapacity(layerSet);
  const spec = { rules, counts };
  const analysis = analyzeRules(layerSet, spec, SOURCE);
  const live: Live = { plain, capacity: undefined, problems: analysis.problems.map((p) => p.message), warnings: analysis.warnings, moves: [], planError: undefined };
  if (!analysis.ruleSet) return live;
  const ruled = withRules(layerSet, spec, SOURCE);
  live.capacity = collectionCapacity(ruled);
  if (hasRules(ruled)) {
    try {
      live.moves = previewRuleCounts(ruled, count).filter((d) => d.rule !== undefined);
    } catch (e) {
      live.planError = e instanceof Error ? e.message : String(e);
    }
  }
  return live;
}

/** A trait picker: a text field searching the layers' trait ids (a datalist), checked against them. */
function TraitField(props: { label: string; testId: string; listId: string; value: string; disabled: boolean; onChange: (v: string) => void }) {
  const id = useId();
  return (
    <label className="field" htmlFor={id}>
      <span>{props.label}</span>
      <input
        id={id}
        data-testid={props.testId}
        type="search"
        list={props.listId}
        autoComplete="off"
        placeholder="type to search: Layer/Trait"
        value={props.value}
        disabled={props.disabled}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** The fixed quantity of one trait: empty = shared by weight. Keeps what is typed; applies whole numbers >= 0. */
function CountField(props: { id: string; value: number | undefined; disabled: boolean; onChange: (n: number | undefined) => void }) {
  const [text, setText] = useState(props.value === undefined ? "" : String(props.value));
  useEffect(() => setText(props.value === undefined ? "" : String(props.value)), [props.value]);
  const n = Number(text);
  const bad = text.trim() !== "" && !(Number.isInteger(n) && n >= 0);
  return (
    <input
      type="number"
      min={0}
      inputMode="numeric"
      aria-label={`Fixed quantity of ${props.id}`}
      aria-invalid={bad}
      data-testid="fixed-count"
      data-id={props.id}
      placeholder="by weight"
      value={text}
      disabled={props.disabled}
      onChange={(e) => {
        const t = e.target.value;
        setText(t);
        if (t.trim() === "") props.onChange(undefined);
        else if (Number.isInteger(Number(t)) && Number(t) >= 0) props.onChange(Number(t));
      }}
    />
  );
}

export function RulesPanel({ settings, analysis, update, disabled }: Props) {
  const listId = useId();
  const rules = useMemo(() => settings.rules ?? [], [settings.rules]);
  const counts = useMemo(() => settings.counts ?? {}, [settings.counts]);
  const [kind, setKind] = useState<Kind>("never");
  const [subject, setSubject] = useState("");
  const [target, setTarget] = useState("");
  const [targets, setTargets] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | undefined>();
  const [filter, setFilter] = useState("");

  const layerSet = analysis.layerSet;
  const ids = useMemo(() => (layerSet ? layerSet.layers.flatMap((l) => [...l.traits.filter((t) => !t.absent).map((t) => `${l.name}/${t.name}`), `${l.name}/*`]) : []), [layerSet]);
  const live = useMemo(() => (layerSet ? liveCounts(layerSet, rules, counts, settings.count) : undefined), [layerSet, rules, counts, settings.count]);

  const known = (id: string): boolean => ids.includes(id);
  const addTarget = (): boolean => {
    const t = target.trim();
    if (t === "") return true;
    if (!known(t)) {
      setFormError(`“${t}” is no trait of the layers: pick one from the list (Layer/Trait, or Layer/* for a whole layer)`);
      return false;
    }
    if (!targets.includes(t)) setTargets([...targets, t]);
    setTarget("");
    setFormError(undefined);
    return true;
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const s = subject.trim();
    if (!known(s)) {
      setFormError(s === "" ? "pick the first trait" : `“${s}” is no trait of the layers: pick one from the list`);
      return;
    }
    const t = target.trim();
    if (t !== "" && !known(t)) {
      setFormError(`“${t}” is no trait of the layers: pick one from the list (Layer/Trait, or Layer/* for a whole layer)`);
      return;
    }
    const all = t !== "" && !targets.includes(t) ? [...targets, t] : targets;
    if (all.length === 0) {
      setFormError("pick at least one other trait");
      return;
    }
    update({ rules: [...rules, makeRule(kind, s, all)] });
    setSubject("");
    setTarget("");
    setTargets([]);
    setFormError(undefined);
  };

  const setCount = (id: string, n: number | undefined) => {
    const next: CountsConfig = { ...counts };
    if (n === undefined) delete next[id];
    else next[id] = n;
    update({ counts: next });
  };

  const shownLayers = (layerSet?.layers ?? [])
    .map((l) => ({ layer: l, traits: l.traits.filter((t) => !t.absent && `${l.name}/${t.name}`.toLowerCase().includes(filter.trim().toLowerCase())) }))
    .filter((x) => x.traits.length > 0);
  const bounded = Object.entries(counts).filter(([, v]) => typeof v !== "number");

  return (
    <section className="panel rules" aria-labelledby="rules-title" data-testid="rules-panel">
      <h2 id="rules-title">Rules</h2>
      {!layerSet || !live ? (
        <p className="hint">Rules need layers that make a collection.</p>
      ) : (
        <>
          <p className="capacity-row" aria-live="polite">
            <span data-testid="rules-capacity" data-value={live.capacity !== undefined ? String(live.capacity) : ""}>
              {layerSet.editions
                ? "With editions, each rule and fixed count applies in every edition whose layers hold all its ids: see Editions for each one's capacity"
                : live.capacity !== undefined
                  ? `${live.capacity.toLocaleString("en-US")} unique combinations remain${rules.length > 0 ? ` under ${rules.length} rule${rules.length > 1 ? "s" : ""}` : ""} (${live.plain.toLocaleString("en-US")} without rules)`
                  : "the rules cannot be counted until their problems are fixed"}
            </span>
          </p>
          {live.problems.length + (live.planError ? 1 : 0) + (analysis.editionsError !== undefined ? 1 : 0) > 0 ? (
            <ul className="error-list" data-testid="rules-problems" role="alert">
              {[...live.problems, ...(live.planError ? [live.planError] : []), ...(analysis.editionsError !== undefined ? [analysis.editionsError] : [])].map((p, i) => (
                <li key={i}>{p}</li>
              ))}
            </ul>
          ) : null}
          {live.warnings.length > 0 ? (
            <ul className="hint" data-testid="rules-warnings">
              {live.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          ) : null}

          <h3 id="rules-list-title">Rules of this collection</h3>
          {rules.length === 0 ? (
            <p className="hint">None yet: every combination of the layers may appear.</p>
          ) : (
            <ol aria-labelledby="rules-list-title" data-testid="rule-list">
              {rules.map((r, i) => (
                <li key={i} data-testid="rule-item">
                  <span>{ruleInWords(r)}</span>{" "}
                  <button type="button" disabled={disabled} aria-label={`Remove rule ${i + 1}: ${ruleInWords(r)}`} onClick={() => update({ rules: rules.filter((_, j) => j !== i) })}>
                    Remove
                  </button>
                </li>
              ))}
            </ol>
          )}

          <datalist id={listId}>
            {ids.map((id) => (
              <option key={id} value={id} />
            ))}
          </datalist>
          <form className="rule-form" aria-labelledby="rule-form-title" onSubmit={submit} data-testid="rule-form">
            <h3 id="rule-form-title">Add a rule</h3>
            <div className="grid2">
              <TraitField label="Trait" testId="rule-subject" listId={listId} value={subject} disabled={disabled} onChange={setSubject} />
              <label className="field">
                <span>Rule</span>
                <select data-testid="rule-kind" value={kind} disabled={disabled} onChange={(e) => setKind(e.target.value as Kind)}>
                  {KINDS.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.words}
                    </option>
                  ))}
                </select>
              </label>
              <TraitField label="Other trait" testId="rule-target" listId={listId} value={target} disabled={disabled} onChange={setTarget} />
              <div className="row">
                <button type="button" data-testid="rule-add-target" disabled={disabled} onClick={() => void addTarget()}>
                  Add another trait
                </button>
              </div>
            </div>
            {targets.length > 0 ? (
              <ul aria-label="Other traits of the rule" data-testid="rule-targets">
                {targets.map((t) => (
                  <li key={t}>
                    {t}{" "}
                    <button type="button" aria-label={`Remove ${t} from the rule`} disabled={disabled} onClick={() => setTargets(targets.filter((x) => x !== t))}>
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            {formError ? (
              <p className="field-error" role="alert" data-testid="rule-form-error">
                {formError}
              </p>
            ) : null}
            <div className="row">
              <button type="submit" data-testid="rule-add" disabled={disabled}>
                Add rule
              </button>
            </div>
          </form>

          <h3 id="rule-moves-title">Counts the rules move</h3>
          {live.moves.length === 0 ? (
            <p className="hint" data-testid="rule-moves-none">
              No count moves: every trait keeps its weight share of {settings.count.toLocaleString("en-US")} tokens.
            </p>
          ) : (
            <ul aria-labelledby="rule-moves-title" data-testid="rule-moves">
              {live.moves.map((d) => (
                <li key={`${d.layer}/${d.trait}`} data-testid="rule-move" data-id={`${d.layer}/${d.trait}`} data-actual={d.actual}>
                  {d.layer} / {d.trait}: {d.expected.toFixed(1)} by weight → {d.actual}, moved by {d.rule}
                </li>
              ))}
            </ul>
          )}

          <details data-testid="counts-details">
            <summary>Fixed quantities ({Object.keys(counts).length} set)</summary>
            <p className="hint">A number is exactly that many tokens with the trait; empty shares the rest of its layer by weight.</p>
            <label className="field">
              <span>Find a trait</span>
              <input type="search" data-testid="counts-filter" value={filter} onChange={(e) => setFilter(e.target.value)} />
            </label>
            {bounded.length > 0 ? (
              <ul>
                {bounded.map(([id, v]) => (
                  <li key={id}>
                    {id}: {typeof v === "number" ? v : `${v.min ?? 0} to ${v.max ?? "any"}`}{" "}
                    <button type="button" disabled={disabled} onClick={() => setCount(id, undefined)} aria-label={`Remove the bounds of ${id}`}>
                      Remove
                    </button>
                  </li>
                ))}
              </ul>
            ) : null}
            {shownLayers.map(({ layer, traits }) => (
              <table key={layer.index}>
                <caption>{layer.name}</caption>
                <thead>
                  <tr>
                    <th scope="col">Trait</th>
                    <th scope="col">Fixed quantity</th>
                  </tr>
                </thead>
                <tbody>
                  {traits.map((t) => {
                    const id = `${layer.name}/${t.name}`;
                    const v = counts[id];
                    return (
                      <tr key={id}>
                        <th scope="row" className="trait-name">
                          {t.name}
                        </th>
                        <td>
                          <CountField id={id} value={typeof v === "number" ? v : undefined} disabled={disabled} onChange={(n) => setCount(id, n)} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            ))}
          </details>
        </>
      )}
    </section>
  );
}

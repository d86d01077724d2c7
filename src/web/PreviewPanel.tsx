import { useEffect, useRef, useState } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { PreviewRenderer } from "../browser/engine.js";
import type { PlannedTokenView as PlannedToken, TraitSource } from "../browser/protocol.js";
import type { Deviation } from "../core/planner.js";
import { combinationIds, type PlanEdits } from "../core/tokenEdits.js";
import { TokenEditsList } from "./TokenEditsList.js";

/** Tokens in the preview grid. */
export const PREVIEW_TOKENS = 12;

interface Props {
  analysis: Analysis;
  settings: StudioSettings;
  sources: TraitSource[][] | undefined;
  renderer: PreviewRenderer;
  renderKey: string;
  /** Re-roll and ban write the settings' `reroll` and `ban` (one undo step each). */
  update: (patch: Partial<StudioSettings>) => void;
  disabled: boolean;
}

interface Shown {
  token: PlannedToken;
  url: string | undefined;
}

/** The id of the edition a planned token belongs to: the one whose layers it holds traits of (not the absent one). */
function editionOf(analysis: Analysis, token: PlannedToken): string {
  const layerSet = analysis.layerSet;
  const edition = layerSet?.editions?.find((e) => {
    const layer = layerSet.layers[e.firstLayer];
    return layer !== undefined && layer.traits[token.traits[e.firstLayer] ?? 0]?.absent !== true;
  });
  return edition?.id ?? "";
}

export function PreviewPanel({ analysis, settings, sources, renderer, renderKey, update, disabled }: Props) {
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState<Shown[]>([]);
  // The grid slot picked, not the token: after a re-roll the detail shows the token now in that slot.
  const [slot, setSlot] = useState<number | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [moved, setMoved] = useState<Deviation[]>([]);
  const [edits, setEdits] = useState<{ edits: PlanEdits; capacity: number } | undefined>();
  const [busy, setBusy] = useState(false);
  const urls = useRef<string[]>([]);
  const ready = analysis.layerSet !== undefined && analysis.canvas !== undefined && sources !== undefined && settings.seed.length > 0;
  const pages = Math.max(1, Math.ceil(settings.count / PREVIEW_TOKENS));
  const configKey = JSON.stringify(analysis.config);

  useEffect(() => {
    if (!ready || !analysis.canvas || !sources) {
      setShown([]);
      return;
    }
    const controller = new AbortController();
    const canvas = analysis.canvas;
    const t = setTimeout(() => {
      setBusy(true);
      void (async () => {
        try {
          const plan = await renderer.plan(
            {
              listing: analysis.listing,
              config: analysis.config,
              count: settings.count,
              seed: settings.seed,
              sample: { first: (page % pages) * PREVIEW_TOKENS, count: PREVIEW_TOKENS },
            },
            controller.signal,
          );
          if (controller.signal.aborted) return;
          const images = await renderer.renderTokens(renderKey, { width: canvas.width, height: canvas.height, resize: analysis.config.resize ?? "error", sources }, plan.tokens);
          if (controller.signal.aborted) return;
          urls.current.forEach((u) => URL.revokeObjectURL(u));
          const byIndex = new Map(images.map((img) => [img.index, URL.createObjectURL(new Blob([img.bytes], { type: "image/png" }))]));
          urls.current = [...byIndex.values()];
          setShown(plan.tokens.map((token) => ({ token, url: byIndex.get(token.index) })));
          setMoved(plan.deviations);
          setEdits(plan.edits ? { edits: plan.edits, capacity: plan.capacity } : undefined);
          setMessage(undefined);
        } catch (e) {
          if (!controller.signal.aborted) {
            setShown([]);
            setMoved([]);
            setEdits(undefined);
            setMessage(e instanceof Error ? e.message : String(e));
          }
        } finally {
          if (!controller.signal.aborted) setBusy(false);
        }
      })();
    }, 200);
    return () => {
      clearTimeout(t);
      controller.abort();
    };
    // configKey stands for analysis.config and listing, which are rebuilt on every render.
  }, [ready, configKey, settings.count, settings.seed, page, renderKey, sources]);

  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);

  const selected: PlannedToken | undefined = slot !== undefined ? shown[slot]?.token : undefined;
  const meta = selected ? (JSON.parse(selected.metadataJson) as { name?: string; dna?: string; attributes?: Array<{ trait_type: string; value: unknown }> }) : undefined;
  const first = (page % pages) * PREVIEW_TOKENS + 1;
  const last = Math.min(settings.count, (page % pages + 1) * PREVIEW_TOKENS);
  const layerNames = analysis.layerSet?.layers.map((l) => l.name) ?? [];
  const editions = analysis.layerSet?.editions;
  const editedIds = new Set(edits?.edits.tokens.map((t) => t.id) ?? []);
  const reroll = settings.reroll ?? [];
  const ban = settings.ban ?? [];
  const selectedIds = selected && analysis.layerSet ? combinationIds(analysis.layerSet.layers, selected.traits) : undefined;
  const alreadyBanned = selectedIds !== undefined && ban.some((b) => b.join("\u0000") === selectedIds.join("\u0000"));
  const rerollSelected = (): void => {
    if (!selected) return;
    const id = selected.id;
    // Again on a re-rolled token: the next draw (`times`), as the same entry would give the same combination.
    const at = reroll.findIndex((r) => r.id === id);
    update({ reroll: at < 0 ? [...reroll, { id }] : reroll.map((r, i) => (i === at ? { ...r, times: (r.times ?? 1) + 1 } : r)) });
  };
  const banSelected = (): void => {
    if (selectedIds && !alreadyBanned) update({ ban: [...ban, selectedIds] });
  };
  return (
    <section className="panel preview" id="preview" aria-labelledby="preview-title">
      <div className="panel-head">
        <h2 id="preview-title">Preview</h2>
        <span className="muted" data-testid="preview-status">
          {busy ? "rendering…" : ready ? `tokens ${first}–${last} of ${settings.count.toLocaleString("en-US")}` : ""}
        </span>
      </div>
      <div className="row">
        <button type="button" data-testid="reroll-button" disabled={!ready} onClick={() => setPage((p) => (p + 1 + Math.floor(Math.random() * Math.max(1, pages - 1))) % pages)}>
          Show others
        </button>
        <span className="hint inline-hint">
          Twelve tokens of the planned collection; pick one for its traits, to re-roll it or ban its combination.
        </span>
      </div>
      {ready && editions && editions.length > 1 && !analysis.layerSet?.shuffleIds ? (
        // Ids run edition after edition: each edition's first tokens are a page away.
        <div className="row" role="group" aria-label="Preview the first tokens of an edition">
          <span className="hint inline-hint">First tokens of:</span>
          {editions.map((e, i) => {
            const start = editions.slice(0, i).reduce((a, x) => a + x.count, 0);
            return (
              <button type="button" key={e.id} data-testid="preview-edition" onClick={() => setPage(Math.floor(start / PREVIEW_TOKENS))}>
                {e.id}
              </button>
            );
          })}
        </div>
      ) : null}
      {!ready ? (
        <p className="empty" data-testid="preview-empty">
          {analysis.layerSet === undefined
            ? "No preview while a problem blocks the layers: fix what the problem list marks “blocks generation”."
            : settings.seed.length === 0
              ? "No preview without a seed: enter one, or press “New seed”."
              : "Reading the trait images…"}
        </p>
      ) : null}
      {message ? <p className="notice" data-testid="preview-message">{message}</p> : null}
      {moved.length > 0 ? (
        <div className="notice" data-testid="preview-deviations">
          Uniqueness moved {moved.length === 1 ? "1 trait count" : `${moved.length} trait counts`} off their weights (the layers hold too few combinations with them at their exact share):
          <ul>
            {moved.map((d) => (
              <li key={`${d.layer}/${d.trait}`} data-testid="preview-deviation">
                {d.layer}: {d.trait}, {d.actual} instead of {d.expected.toFixed(1)}
                {d.rule ? ` (${d.rule})` : ""}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="preview-grid" data-testid="preview-grid">
        {shown.map(({ token, url }, i) => (
          <button
            type="button"
            key={token.index}
            className={`token${slot === i ? " selected" : ""}`}
            data-testid="preview-token"
            aria-pressed={slot === i}
            onClick={() => setSlot(i)}
          >
            {url ? <img src={url} alt={`Token #${token.id}`} /> : <span className="token-placeholder" />}
            <span className="token-caption">
              <strong>#{token.id}</strong>
              {editions ? (
                <span className="muted" data-testid="preview-token-edition">
                  {" "}
                  {editionOf(analysis, token)}
                </span>
              ) : null}
              {editedIds.has(token.id) ? (
                <span className="pill" data-testid="preview-token-edited">
                  edited
                </span>
              ) : null}
            </span>
          </button>
        ))}
      </div>
      {selected && meta ? (
        <div className="token-detail" data-testid="token-detail" data-id={selected.id}>
          <h3>{meta.name}</h3>
          <dl>
            {(meta.attributes ?? []).map((a) => (
              <div key={a.trait_type}>
                <dt>{a.trait_type}</dt>
                <dd>{String(a.value)}</dd>
              </div>
            ))}
          </dl>
          <p className="hash" data-testid="token-combination">
            Combination (trait number per layer, {layerNames.join(" · ")}): <code>{selected.dna}</code>
            {meta.dna ? (
              <>
                <br />
                Combination hash (the metadata's <code>dna</code>, sha256 of the traits that count for uniqueness): <code>{meta.dna}</code>
              </>
            ) : null}
          </p>
          <div className="row">
            <button type="button" data-testid="reroll-token" disabled={disabled || busy} onClick={rerollSelected}>
              Re-roll #{selected.id}
            </button>
            <button type="button" data-testid="ban-combination" disabled={disabled || busy || alreadyBanned} onClick={banSelected}>
              Ban this combination
            </button>
            <span className="hint inline-hint">A new combination for this token alone; a banned one appears on no token.</span>
          </div>
        </div>
      ) : null}
      <TokenEditsList settings={settings} edits={edits?.edits} capacity={edits?.capacity} update={update} disabled={disabled} />
    </section>
  );
}

import { useEffect, useRef, useState } from "react";
import type { Analysis, StudioSettings } from "../browser/project.js";
import type { PreviewRenderer } from "../browser/engine.js";
import type { PlannedTokenView as PlannedToken, TraitSource } from "../browser/protocol.js";

/** Tokens in the preview grid. */
export const PREVIEW_TOKENS = 12;

interface Props {
  analysis: Analysis;
  settings: StudioSettings;
  sources: TraitSource[][] | undefined;
  renderer: PreviewRenderer;
  renderKey: string;
}

interface Shown {
  token: PlannedToken;
  url: string | undefined;
}

export function PreviewPanel({ analysis, settings, sources, renderer, renderKey }: Props) {
  const [page, setPage] = useState(0);
  const [shown, setShown] = useState<Shown[]>([]);
  const [selected, setSelected] = useState<PlannedToken | undefined>();
  const [message, setMessage] = useState<string | undefined>();
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
          setMessage(plan.deviations.length > 0 ? `Uniqueness moved ${plan.deviations.length} trait count(s) off their weights.` : undefined);
        } catch (e) {
          if (!controller.signal.aborted) {
            setShown([]);
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

  const meta = selected ? (JSON.parse(selected.metadataJson) as { name?: string; attributes?: Array<{ trait_type: string; value: unknown }> }) : undefined;
  return (
    <section className="panel preview" aria-labelledby="preview-title">
      <h2 id="preview-title">Preview</h2>
      <div className="row">
        <button type="button" data-testid="reroll-button" disabled={!ready} onClick={() => setPage((p) => (p + 1 + Math.floor(Math.random() * Math.max(1, pages - 1))) % pages)}>
          Re-roll
        </button>
        <span className="muted">
          {busy ? "rendering…" : ready ? `tokens ${(page % pages) * PREVIEW_TOKENS + 1}–${Math.min(settings.count, (page % pages + 1) * PREVIEW_TOKENS)} of ${settings.count}` : "load layers to preview"}
        </span>
      </div>
      {message ? <p className="notice" data-testid="preview-message">{message}</p> : null}
      <div className="preview-grid" data-testid="preview-grid">
        {shown.map(({ token, url }) => (
          <button
            type="button"
            key={token.index}
            className={`token${selected?.index === token.index ? " selected" : ""}`}
            data-testid="preview-token"
            onClick={() => setSelected(token)}
          >
            {url ? <img src={url} alt={`Token #${token.id}`} /> : null}
            <span>#{token.id}</span>
          </button>
        ))}
      </div>
      {selected && meta ? (
        <div className="token-detail" data-testid="token-detail">
          <h3>{meta.name}</h3>
          <p className="muted">DNA {selected.dna}</p>
          <dl>
            {(meta.attributes ?? []).map((a) => (
              <div key={a.trait_type}>
                <dt>{a.trait_type}</dt>
                <dd>{String(a.value)}</dd>
              </div>
            ))}
          </dl>
        </div>
      ) : null}
    </section>
  );
}

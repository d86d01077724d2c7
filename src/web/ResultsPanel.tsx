import { useEffect, useMemo, useState } from "react";
import type { GeneratedCollection } from "../browser/engine.js";
import { entryBlob, readZipIndex, type ZipIndexEntry } from "../browser/zipIndex.js";

/** Tokens per page of the token browser. */
const TOKENS_PER_PAGE = 24;

export function RarityPanel({ result }: { result: GeneratedCollection }) {
  const layers = useMemo(() => {
    const byLayer = new Map<string, GeneratedCollection["traits"]>();
    for (const t of result.traits) byLayer.set(t.layer, [...(byLayer.get(t.layer) ?? []), t]);
    return [...byLayer];
  }, [result]);
  return (
    <section className="panel rarity" aria-labelledby="rarity-title" data-testid="rarity-panel">
      <h2 id="rarity-title">Rarity: expected vs actual</h2>
      <p className="legend">
        <span className="swatch expected" /> expected <span className="swatch actual" /> actual
      </p>
      {layers.map(([layer, traits]) => {
        const max = Math.max(1, ...traits.map((t) => Math.max(t.expectedCount, t.actualCount)));
        return (
          <div key={layer} className="rarity-layer">
            <h3>{layer}</h3>
            {traits.map((t) => (
              <div key={t.trait} className="bar-row" data-testid="rarity-row" data-layer={layer} data-trait={t.trait} data-expected={t.expectedCount} data-actual={t.actualCount}>
                <span className="bar-label">{t.trait}</span>
                <span className="bars">
                  <span className="bar expected" style={{ width: `${(t.expectedCount / max) * 100}%` }} />
                  <span className="bar actual" style={{ width: `${(t.actualCount / max) * 100}%` }} />
                </span>
                <span className="num">
                  {t.expectedCount.toFixed(1)} / {t.actualCount}
                </span>
              </div>
            ))}
          </div>
        );
      })}
    </section>
  );
}

export function TokenBrowser({ result }: { result: GeneratedCollection }) {
  const [page, setPage] = useState(0);
  const [index, setIndex] = useState<Map<string, ZipIndexEntry> | undefined>();
  const [selected, setSelected] = useState<number | undefined>();
  const [meta, setMeta] = useState<string | undefined>();
  const order = useMemo(() => Array.from({ length: result.count }, (_, i) => i).sort((a, b) => (result.ranks[a] ?? 0) - (result.ranks[b] ?? 0)), [result]);
  const pages = Math.max(1, Math.ceil(order.length / TOKENS_PER_PAGE));
  const shown = useMemo(() => order.slice(page * TOKENS_PER_PAGE, (page + 1) * TOKENS_PER_PAGE), [order, page]);
  // Each thumbnail is a slice of the archive on disk: nothing is read until the image is shown.
  const urls = useMemo(
    () =>
      new Map(
        shown.map((i) => {
          const start = result.imageOffsets[i] ?? 0;
          return [i, URL.createObjectURL(result.file.slice(start, start + (result.imageSizes[i] ?? 0), "image/png"))];
        }),
      ),
    [shown, result],
  );
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  useEffect(() => {
    let live = true;
    void readZipIndex(result.file).then((entries) => live && setIndex(new Map(entries.map((e) => [e.name, e]))));
    return () => {
      live = false;
    };
  }, [result]);
  useEffect(() => {
    if (selected === undefined || !index) return;
    const entry = index.get(`metadata/${result.startId + selected}.json`);
    if (!entry) return;
    let live = true;
    void entryBlob(result.file, entry)
      .then((b) => b.text())
      .then((t) => live && setMeta(t));
    return () => {
      live = false;
    };
  }, [selected, index, result]);
  return (
    <section className="panel tokens" aria-labelledby="tokens-title" data-testid="token-browser">
      <h2 id="tokens-title">Tokens by rarity rank</h2>
      <div className="row">
        <button type="button" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
          ←
        </button>
        <span>
          page {page + 1} of {pages}
        </span>
        <button type="button" disabled={page + 1 >= pages} onClick={() => setPage((p) => p + 1)}>
          →
        </button>
      </div>
      <div className="token-grid">
        {shown.map((i) => (
          <button type="button" key={i} className={`token${selected === i ? " selected" : ""}`} data-testid="ranked-token" data-rank={result.ranks[i]} onClick={() => setSelected(i)}>
            <img src={urls.get(i)} alt={`Token #${result.startId + i}`} loading="lazy" />
            <span>
              #{result.startId + i} · rank {result.ranks[i]}
            </span>
          </button>
        ))}
      </div>
      {selected !== undefined && meta ? <pre className="metadata" data-testid="token-metadata">{meta}</pre> : null}
    </section>
  );
}

/**
 * Rarity of a finished collection: per trait the expected count (count × weight / total) against the count the
 * collection holds, as numbers, shares and bars, sortable by any column; per layer, how often it shows at all.
 */
import { useMemo, useState } from "react";
import type { GeneratedCollection } from "../browser/engine.js";

type Trait = GeneratedCollection["traits"][number];
type SortKey = "layer" | "trait" | "expected" | "actual" | "share" | "delta";

const COLUMNS: Array<{ key: SortKey; label: string; numeric: boolean }> = [
  { key: "layer", label: "Layer", numeric: false },
  { key: "trait", label: "Trait", numeric: false },
  { key: "expected", label: "Expected", numeric: true },
  { key: "actual", label: "Actual", numeric: true },
  { key: "share", label: "Share", numeric: true },
  { key: "delta", label: "Diff", numeric: true },
];

/** The trait name that means "this layer is absent" (README: a transparent None trait). */
const NONE = "None";

/** Share of tokens in which each layer shows something: all but its None trait. */
export function layerAppearance(traits: readonly Trait[]): Array<{ layer: string; share: number }> {
  const layers: string[] = [];
  const none = new Map<string, number>();
  for (const t of traits) {
    if (!layers.includes(t.layer)) layers.push(t.layer);
    if (t.trait === NONE) none.set(t.layer, t.actualShare);
  }
  return layers.map((layer) => ({ layer, share: 1 - (none.get(layer) ?? 0) }));
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

export function RarityPanel({ result }: { result: GeneratedCollection }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "layer", descending: false });
  const layerOrder = useMemo(() => new Map(layerAppearance(result.traits).map((l, i) => [l.layer, i])), [result]);
  const appearance = useMemo(() => layerAppearance(result.traits), [result]);
  const rows = useMemo(() => {
    const value = (t: Trait, i: number): number | string => {
      switch (sort.key) {
        case "layer":
          return (layerOrder.get(t.layer) ?? 0) * 1e6 + i;
        case "trait":
          return t.trait.toLowerCase();
        case "expected":
          return t.expectedCount;
        case "actual":
          return t.actualCount;
        case "share":
          return t.actualShare;
        case "delta":
          return t.actualCount - t.expectedCount;
      }
    };
    const keyed = result.traits.map((t, i) => ({ t, v: value(t, i), i }));
    keyed.sort((a, b) => {
      const c = a.v < b.v ? -1 : a.v > b.v ? 1 : a.i - b.i;
      return sort.descending ? -c : c;
    });
    return keyed.map((k) => k.t);
  }, [result, sort, layerOrder]);
  const max = Math.max(1, ...result.traits.map((t) => Math.max(t.expectedCount, t.actualCount)));

  return (
    <section className="panel rarity" id="rarity" aria-labelledby="rarity-title" data-testid="rarity-panel">
      <div className="panel-head">
        <h2 id="rarity-title">Rarity</h2>
        <span className="legend">
          <span className="swatch expected" aria-hidden="true" /> expected <span className="swatch actual" aria-hidden="true" /> actual
        </span>
      </div>
      <p className="hint">
        Expected is {result.count.toLocaleString("en-US")} × weight ÷ the layer's total weight; every actual count is within 1 of it unless uniqueness moved it.
        Share is the actual share of tokens; Diff is actual − expected. The column headings sort.
      </p>
      <h3>How often each layer shows</h3>
      <ul className="appears" data-testid="layer-appearance">
        {appearance.map((l) => (
          <li key={l.layer} data-layer={l.layer} data-share={l.share}>
            <strong>{l.layer}</strong> appears in {pct(l.share)}
          </li>
        ))}
      </ul>
      <div className="table-scroll tall" role="region" aria-label="Rarity per trait (scrolls)" tabIndex={0}>
        <table className="data-table" data-testid="rarity-table">
          <caption className="visually-hidden">Expected and actual count of every trait; the column buttons sort the table.</caption>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={c.numeric ? "num" : c.key === "layer" ? "col-layer" : undefined}
                  aria-sort={sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"}
                >
                  <button
                    type="button"
                    data-testid={`rarity-sort-${c.key}`}
                    onClick={() => setSort((s) => (s.key === c.key ? { key: c.key, descending: !s.descending } : { key: c.key, descending: c.numeric }))}
                  >
                    {c.label}
                    <span aria-hidden="true">{sort.key === c.key ? (sort.descending ? " ▼" : " ▲") : ""}</span>
                  </button>
                </th>
              ))}
              <th scope="col" className="bars-cell">
                <span className="visually-hidden">Bars: expected and actual</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => {
              const delta = t.actualCount - t.expectedCount;
              return (
                <tr key={`${t.layer}/${t.trait}`} data-testid="rarity-row" data-layer={t.layer} data-trait={t.trait} data-expected={t.expectedCount} data-actual={t.actualCount}>
                  <td className="col-layer">{t.layer}</td>
                  <td>
                    <span className="cell-layer">{t.layer}</span>
                    {t.trait}
                  </td>
                  <td className="num">
                    {t.expectedCount.toFixed(1)} <small className="muted expected-share">({pct(t.expectedShare)})</small>
                  </td>
                  <td className="num">{t.actualCount}</td>
                  <td className="num">{pct(t.actualShare)}</td>
                  <td className={`num ${delta > 0.5 ? "delta-pos" : delta < -0.5 ? "delta-neg" : ""}`}>
                    {delta >= 0 ? "+" : "−"}
                    {Math.abs(delta).toFixed(1)}
                  </td>
                  <td className="bars-cell">
                    <span className="bars" aria-hidden="true">
                      <span className="bar expected" style={{ width: `${(t.expectedCount / max) * 100}%` }} />
                      <span className="bar actual" style={{ width: `${(t.actualCount / max) * 100}%` }} />
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

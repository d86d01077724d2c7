/**
 * The tokens of a finished collection: filter by traits (several at once: any of the ticked traits of a layer,
 * and every layer with a tick), find an id, page through or jump to a page; each token with its rarity rank and
 * score, its metadata shown as fields (the raw JSON one click away). Token traits come from the archive's
 * manifest.json, images and metadata from their slices of the archive: nothing is read until shown.
 */
import { useEffect, useMemo, useState } from "react";
import type { GeneratedCollection } from "../browser/engine.js";
import { entryBlob, readZipIndex, type ZipIndexEntry } from "../browser/zipIndex.js";

/** Tokens per page of the token browser. */
export const TOKENS_PER_PAGE = 24;

interface ManifestToken {
  id: number;
  traits: Record<string, string>;
}

interface Metadata {
  name?: string;
  description?: string;
  image?: string;
  edition?: number;
  dna?: string;
  external_url?: string;
  attributes?: Array<{ trait_type: string; value: unknown; display_type?: string }>;
  [key: string]: unknown;
}

type Filters = Record<string, string[]>;

function useArchive(result: GeneratedCollection): { index: Map<string, ZipIndexEntry> | undefined; tokens: ManifestToken[] | undefined; error: string | undefined } {
  const [state, setState] = useState<{ index: Map<string, ZipIndexEntry> | undefined; tokens: ManifestToken[] | undefined; error: string | undefined }>({
    index: undefined,
    tokens: undefined,
    error: undefined,
  });
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        const entries = await readZipIndex(result.file);
        const index = new Map(entries.map((e) => [e.name, e]));
        if (live) setState({ index, tokens: undefined, error: undefined });
        const manifest = index.get("manifest.json");
        if (!manifest) throw new Error("the archive has no manifest.json");
        const parsed = JSON.parse(await (await entryBlob(result.file, manifest)).text()) as { tokens: ManifestToken[] };
        if (live) setState({ index, tokens: parsed.tokens, error: undefined });
      } catch (e) {
        if (live) setState((s) => ({ ...s, error: e instanceof Error ? e.message : String(e) }));
      }
    })();
    return () => {
      live = false;
    };
  }, [result]);
  return state;
}

function matches(token: ManifestToken | undefined, filters: Filters): boolean {
  if (token === undefined) return Object.values(filters).every((v) => v.length === 0);
  for (const [layer, values] of Object.entries(filters)) {
    if (values.length === 0) continue;
    if (!values.includes(token.traits[layer] ?? "")) return false;
  }
  return true;
}

export function TokenBrowser({ result }: { result: GeneratedCollection }) {
  const { index, tokens, error } = useArchive(result);
  const [filters, setFilters] = useState<Filters>({});
  const [query, setQuery] = useState("");
  const [order, setOrder] = useState<"rank" | "id">("rank");
  const [page, setPage] = useState(0);
  const [pageText, setPageText] = useState("1");
  const [selected, setSelected] = useState<number | undefined>();
  const [meta, setMeta] = useState<{ index: number; json: string } | undefined>();

  // Values per layer, in the order of the rarity report, with how many tokens have each.
  const options = useMemo(() => {
    const byLayer = new Map<string, Array<{ value: string; count: number }>>();
    for (const t of result.traits) byLayer.set(t.layer, [...(byLayer.get(t.layer) ?? []), { value: t.trait, count: t.actualCount }]);
    return [...byLayer];
  }, [result]);
  const shareOf = useMemo(() => new Map(result.traits.map((t) => [`${t.layer}\u0000${t.trait}`, t.actualShare])), [result]);

  const active = Object.entries(filters).flatMap(([layer, values]) => values.map((value) => ({ layer, value })));
  const q = query.trim().replace(/^#/, "");
  const list = useMemo(() => {
    const all = Array.from({ length: result.count }, (_, i) => i);
    if (order === "rank") all.sort((a, b) => (result.ranks[a] ?? 0) - (result.ranks[b] ?? 0));
    const filtered = all.filter((i) => {
      if (q !== "" && !String(result.startId + i).startsWith(q)) return false;
      return matches(tokens?.[i], filters);
    });
    // An exact id first: "12" finds #12 before #120.
    const exact = filtered.findIndex((i) => String(result.startId + i) === q);
    if (exact > 0) filtered.unshift(...filtered.splice(exact, 1));
    return filtered;
  }, [result, order, q, filters, tokens]);
  const pages = Math.max(1, Math.ceil(list.length / TOKENS_PER_PAGE));
  const current = Math.min(page, pages - 1);
  const shown = useMemo(() => list.slice(current * TOKENS_PER_PAGE, (current + 1) * TOKENS_PER_PAGE), [list, current]);
  useEffect(() => setPageText(String(current + 1)), [current]);

  // Each thumbnail is a slice of the archive on disk.
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
  const detailUrl = useMemo(() => {
    if (selected === undefined) return undefined;
    const start = result.imageOffsets[selected] ?? 0;
    return URL.createObjectURL(result.file.slice(start, start + (result.imageSizes[selected] ?? 0), "image/png"));
  }, [selected, result]);
  useEffect(() => () => (detailUrl ? URL.revokeObjectURL(detailUrl) : undefined), [detailUrl]);

  useEffect(() => {
    if (selected === undefined || !index) return;
    const entry = index.get(`metadata/${result.startId + selected}.json`);
    if (!entry) return;
    let live = true;
    void entryBlob(result.file, entry)
      .then((b) => b.text())
      .then((json) => live && setMeta({ index: selected, json }));
    return () => {
      live = false;
    };
  }, [selected, index, result]);

  const toggle = (layer: string, value: string, on: boolean) => {
    setPage(0);
    setFilters((f) => {
      const values = (f[layer] ?? []).filter((v) => v !== value);
      return { ...f, [layer]: on ? [...values, value] : values };
    });
  };
  const jump = () => {
    const n = Number(pageText);
    if (Number.isInteger(n) && n >= 1 && n <= pages) setPage(n - 1);
    else setPageText(String(current + 1));
  };

  const parsed = meta && meta.index === selected ? (JSON.parse(meta.json) as Metadata) : undefined;
  const token = selected !== undefined ? tokens?.[selected] : undefined;

  return (
    <section className="panel tokens" id="tokens" aria-labelledby="tokens-title" data-testid="token-browser">
      <div className="panel-head">
        <h2 id="tokens-title">Tokens</h2>
        <span className="muted" data-testid="token-count" data-count={list.length}>
          {list.length === result.count ? `${result.count.toLocaleString("en-US")} tokens` : `${list.length.toLocaleString("en-US")} of ${result.count.toLocaleString("en-US")} tokens`}
        </span>
      </div>
      <div className="browser-tools">
        <label className="field">
          <span>Find a token by id</span>
          <input
            type="search"
            inputMode="numeric"
            data-testid="token-search"
            placeholder={`${result.startId}–${result.startId + result.count - 1}`}
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(0);
            }}
          />
        </label>
        <label className="field">
          <span>Order</span>
          <select data-testid="token-order" value={order} onChange={(e) => setOrder(e.target.value === "id" ? "id" : "rank")}>
            <option value="rank">Rarest first (rank 1 = rarest)</option>
            <option value="id">By id</option>
          </select>
        </label>
      </div>
      <details className="filters" data-testid="trait-filters">
        <summary>Filter by trait{active.length > 0 ? ` (${active.length} chosen)` : ""}</summary>
        {tokens === undefined ? <p className="muted">{error ? `Cannot filter: ${error}` : "Reading the collection's traits…"}</p> : null}
        <div className="filter-groups">
          {options.map(([layer, values]) => (
            <fieldset key={layer}>
              <legend>{layer}</legend>
              {values.map((v) => (
                <label key={v.value} className="check">
                  <input
                    type="checkbox"
                    data-testid="trait-filter"
                    data-layer={layer}
                    data-trait={v.value}
                    disabled={tokens === undefined}
                    checked={(filters[layer] ?? []).includes(v.value)}
                    onChange={(e) => toggle(layer, v.value, e.target.checked)}
                  />
                  <span>{v.value}</span>
                  <span className="count">{v.count}</span>
                </label>
              ))}
            </fieldset>
          ))}
        </div>
      </details>
      {active.length > 0 ? (
        <ul className="chips row" aria-label="Chosen traits">
          {active.map((f) => (
            <li key={`${f.layer}/${f.value}`}>
              <button type="button" aria-label={`Remove filter ${f.layer}: ${f.value}`} onClick={() => toggle(f.layer, f.value, false)}>
                {f.layer}: {f.value} <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="link" onClick={() => setFilters({})}>
              Clear all
            </button>
          </li>
        </ul>
      ) : null}
      <nav className="pager row" aria-label="Token pages">
        <button type="button" aria-label="Previous page" disabled={current === 0} onClick={() => setPage(current - 1)}>
          ←
        </button>
        <label>
          Page
          <input
            type="number"
            inputMode="numeric"
            min={1}
            max={pages}
            data-testid="token-page-input"
            value={pageText}
            onChange={(e) => setPageText(e.target.value)}
            onBlur={jump}
            onKeyDown={(e) => {
              if (e.key === "Enter") jump();
            }}
          />
          of {pages}
        </label>
        <button type="button" aria-label="Next page" disabled={current + 1 >= pages} onClick={() => setPage(current + 1)}>
          →
        </button>
      </nav>
      {list.length === 0 ? (
        <p className="empty" data-testid="token-empty">
          No token has {q !== "" ? `an id starting with ${q}` : ""}
          {q !== "" && active.length > 0 ? " and " : ""}
          {active.length > 0 ? "every chosen trait" : ""}.
        </p>
      ) : null}
      <div className="token-grid">
        {shown.map((i) => (
          <button
            type="button"
            key={i}
            className={`token${selected === i ? " selected" : ""}`}
            data-testid="ranked-token"
            data-id={result.startId + i}
            data-rank={result.ranks[i]}
            aria-pressed={selected === i}
            onClick={() => setSelected(i)}
          >
            <img src={urls.get(i)} alt={`Token #${result.startId + i}`} loading="lazy" />
            <span className="token-caption">
              <strong>#{result.startId + i}</strong>
              <span>{result.ranks[i] ? `rank ${result.ranks[i]}` : "1-of-1"}</span>
            </span>
          </button>
        ))}
      </div>
      {selected !== undefined ? (
        <div className="token-detail" data-testid="token-metadata" data-id={result.startId + selected}>
          <div className="detail-layout">
            {detailUrl ? <img src={detailUrl} alt={`Token #${result.startId + selected}, larger`} /> : null}
            <div>
              <h3>{parsed?.name ?? `Token #${result.startId + selected}`}</h3>
              <p className="muted">
                {result.ranks[selected] ? `Rank ${result.ranks[selected]} of ${result.count.toLocaleString("en-US")} · rarity score ${(result.scores[selected] ?? 0).toFixed(2)}` : "1-of-1: hand-made, left out of rarity"}
              </p>
              <dl>
                {(token ? Object.entries(token.traits) : (parsed?.attributes ?? []).map((a) => [a.trait_type, String(a.value)] as const)).map(([layer, value]) => {
                  const share = shareOf.get(`${layer}\u0000${value}`);
                  return (
                    <div key={layer}>
                      <dt>{layer}</dt>
                      <dd>
                        {value} {share !== undefined ? <small>({(share * 100).toFixed(1)}% have it)</small> : null}
                      </dd>
                    </div>
                  );
                })}
              </dl>
              {parsed ? (
                <dl className="meta-fields">
                  {parsed.edition !== undefined ? (
                    <div>
                      <dt>Edition</dt>
                      <dd>{parsed.edition}</dd>
                    </div>
                  ) : null}
                  {parsed.image ? (
                    <div>
                      <dt>Image URI</dt>
                      <dd>
                        <code>{parsed.image}</code>
                      </dd>
                    </div>
                  ) : null}
                  {parsed.description ? (
                    <div>
                      <dt>Description</dt>
                      <dd>{parsed.description}</dd>
                    </div>
                  ) : null}
                  {parsed.dna ? (
                    <div>
                      <dt>Combination hash</dt>
                      <dd className="hash" title="sha256 of the traits that count for uniqueness: the metadata's dna field">
                        <code>{parsed.dna}</code>
                      </dd>
                    </div>
                  ) : null}
                </dl>
              ) : null}
            </div>
          </div>
          {meta && meta.index === selected ? (
            <details>
              <summary>metadata/{result.startId + selected}.json as stored</summary>
              <pre className="metadata" data-testid="token-metadata-json">
                {meta.json}
              </pre>
            </details>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

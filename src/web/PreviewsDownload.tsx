/**
 * Previews of a finished run, downloadable: collage.png, banner.png and preview.gif as `traitloom preview` makes
 * them (src/browser/previews.ts over core's planPreviews): the same choices (how many tokens, picked with the seed,
 * by rank or the first ones) and the same limits, each shown and offered for download.
 */
import { useEffect, useId, useMemo, useState } from "react";
import type { GeneratedCollection } from "../browser/engine.js";
import type { StudioPreview } from "../browser/previews.js";
import { DEFAULT_COLLAGE_COUNT, DEFAULT_GIF_COUNT, MAX_GIF_FRAMES, type PreviewPick } from "../core/preview.js";
import { download } from "./projectFile.js";

interface Props {
  result: GeneratedCollection;
  /** The ZIP's name on download ("traitloom-50.zip"): the previews are named after it. */
  downloadName: string;
  disabled: boolean;
}

const PICKS: Array<[PreviewPick, string]> = [
  ["seeded", "drawn with the collection’s seed"],
  ["rank", "rarest first (rarity.json)"],
  ["first", "the first ids"],
];

/** A whole number typed in a field, or the text as typed where it is none (core refuses it in its words). */
function numberOf(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export function PreviewsDownload({ result, downloadName, disabled }: Props) {
  const id = useId();
  const [collage, setCollage] = useState(String(Math.min(DEFAULT_COLLAGE_COUNT, result.count)));
  const [gif, setGif] = useState(String(Math.min(DEFAULT_GIF_COUNT, result.count)));
  const [banner, setBanner] = useState(true);
  const [pick, setPick] = useState<PreviewPick>("seeded");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const [made, setMade] = useState<{ files: StudioPreview[]; notes: string[]; pick: PreviewPick } | undefined>();
  const urls = useMemo(() => made?.files.map((f) => URL.createObjectURL(f.blob)) ?? [], [made]);
  useEffect(() => () => urls.forEach((u) => URL.revokeObjectURL(u)), [urls]);
  // Another run shown: its previews are made again on request.
  useEffect(() => {
    setMade(undefined);
    setError(undefined);
  }, [result.zipName]);

  const base = downloadName.replace(/\.zip$/i, "");
  const make = async () => {
    setBusy(true);
    setError(undefined);
    setMade(undefined);
    try {
      const collageCount = numberOf(collage);
      const gifCount = numberOf(gif);
      const choices = {
        pick,
        collage: collage.trim() === "0" ? (false as const) : { count: collageCount },
        banner: banner ? {} : (false as const),
        gif: gif.trim() === "0" ? (false as const) : { count: gifCount },
      };
      const { makeStudioPreviews } = await import("../browser/previews.js");
      const previews = await makeStudioPreviews(result.file, choices, downloadName);
      setMade({ ...previews, pick });
    } catch (e) {
      setMade(undefined);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel previews" aria-labelledby={`${id}-title`} data-testid="previews-panel">
      <h2 id={`${id}-title`}>Previews</h2>
      <p className="muted">
        A collage, a banner and an animated GIF of this run, as <code>traitloom preview</code> makes them. 0 leaves one out.
      </p>
      <div className="grid2">
        <label className="field">
          <span>Collage: tokens</span>
          <input data-testid="previews-collage" type="number" inputMode="numeric" min={0} value={collage} disabled={disabled || busy} onChange={(e) => setCollage(e.target.value)} />
        </label>
        <label className="field">
          <span>GIF: frames (at most {MAX_GIF_FRAMES.toLocaleString("en-US")})</span>
          <input data-testid="previews-gif" type="number" inputMode="numeric" min={0} max={MAX_GIF_FRAMES} value={gif} disabled={disabled || busy} onChange={(e) => setGif(e.target.value)} />
        </label>
        <label className="field">
          <span>Which tokens</span>
          <select data-testid="previews-pick" value={pick} disabled={disabled || busy} onChange={(e) => setPick(e.target.value as PreviewPick)}>
            {PICKS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="check previews-banner">
          <input data-testid="previews-banner" type="checkbox" checked={banner} disabled={disabled || busy} onChange={(e) => setBanner(e.target.checked)} />
          <span>Banner (1400 × 400)</span>
        </label>
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="previews-make" disabled={disabled || busy} onClick={() => void make()}>
          {busy ? "Drawing…" : "Make previews"}
        </button>
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="previews-error">
          {error}
        </p>
      ) : null}
      {made ? (
        <div role="status" data-testid="previews-result" data-pick={made.pick}>
          {made.notes.map((n) => (
            <p className="muted" key={n}>
              {n}
            </p>
          ))}
          <ul className="previews-list">
            {made.files.map((f, i) => (
              <li key={f.kind} data-testid={`preview-${f.kind}`} data-width={f.width} data-height={f.height} data-tokens={f.tokens.join(",")}>
                <img src={urls[i]} alt={`${f.name}: ${f.tokens.length} tokens, ${f.width} × ${f.height} px`} width={f.width} height={f.height} />
                <span className="row">
                  <button type="button" data-testid={`preview-${f.kind}-download`} onClick={() => download(f.blob, `${base}-${f.name}`)}>
                    Download {f.name}
                  </button>
                  <span className="muted">
                    {f.width} × {f.height} px · {(f.blob.size / 1000).toFixed(0)} KB
                  </span>
                </span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

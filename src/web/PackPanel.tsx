/**
 * "Pack for IPFS" after a run: `traitloom pack` on the run's archive (src/browser/packArchive.ts), every CID
 * computed here with the CLI's presets. Shows both roots, offers images.car, metadata.car and cids.json, and the
 * images' root as the base URI for "Set base URI / metadata", so the ZIP's own metadata points where the CAR's
 * images will be.
 */
import { useEffect, useId, useRef, useState } from "react";
import type { GeneratedCollection } from "../browser/engine.js";
import type { ArchivePack } from "../browser/packArchive.js";
import type { IpfsProfileName } from "../render/ipfs.js";
import type { RunMade } from "./GeneratePanel.js";
import { download } from "./projectFile.js";
import { opfsCar, recordPackRun } from "./publish.js";

/** The CLI's default (src/cli/pack.ts DEFAULT_PROFILE): the CAR-upload services' own tool. */
const DEFAULT_PROFILE: IpfsProfileName = "ipfs-car";

/** Every profile (a Record, so a new one in render/ipfs.ts must be named here), in the order shown. */
const PROFILE_LABELS: Record<IpfsProfileName, string> = {
  "ipfs-car": "ipfs-car (CIDv1, 1 MiB chunks)",
  kubo: "kubo (CIDv0, Qm…)",
  "kubo-cidv1": "kubo-cidv1 (CIDv1, 256 KiB)",
};

interface Props {
  result: GeneratedCollection;
  downloadName: string;
  /** Fills the base URI of "Set base URI / metadata" with `uri`. */
  onUseBaseUri: (uri: string) => void;
  /** What made the run: a pack recorded in a new archive keeps it. */
  made: RunMade;
  /** The run with the pack recorded in its ZIP (a new archive, a past run of its own). */
  onRecorded: (run: { result: GeneratedCollection; made: RunMade }) => void;
  disabled: boolean;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 2 : 0)} MB`;
}

export function PackPanel({ result, downloadName, onUseBaseUri, made, onRecorded, disabled }: Props) {
  const id = useId();
  const [profile, setProfile] = useState<IpfsProfileName>(DEFAULT_PROFILE);
  const [busy, setBusy] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [packed, setPacked] = useState<ArchivePack | undefined>();
  const controller = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => controller.current?.abort(), []);
  const [recorded, setRecorded] = useState<string | undefined>();
  // Another run shown: its CIDs are computed again on request (not after recording this pack, which shows its own ZIP).
  const recordedName = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (result.zipName === recordedName.current) return;
    setPacked(undefined);
    setRecorded(undefined);
    setError(undefined);
  }, [result.zipName]);
  const record = async () => {
    if (!packed) return;
    setBusy("recording the pack in the ZIP…");
    setError(undefined);
    try {
      const next = await recordPackRun({ result, made }, packed);
      recordedName.current = next.result.zipName;
      setRecorded(`Recorded: manifest.json has the pack (profile ${packed.profile.name}, both roots) and the ZIP holds ipfs/cids.json, as traitloom pack writes them; kept as a run of its own.`);
      onRecorded(next);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const base = downloadName.replace(/\.zip$/i, "");
  const pack = async () => {
    setError(undefined);
    setPacked(undefined);
    setRecorded(undefined);
    setBusy("packing…");
    const c = new AbortController();
    controller.current = c;
    try {
      const stamp = Date.now().toString(36);
      const step = Math.max(1, Math.ceil(result.count / 10));
      const { packArchive } = await import("../browser/packArchive.js");
      setPacked(
        await packArchive(result.file, {
          profile,
          location: downloadName,
          signal: c.signal,
          images: await opfsCar(`pack-${stamp}-images.car`),
          metadata: await opfsCar(`pack-${stamp}-metadata.car`),
          onProgress: (stage, done, total) => {
            if (done === total || done % step === 0) setBusy(`${stage}: ${done.toLocaleString("en-US")} / ${total.toLocaleString("en-US")} packed`);
          },
        }),
      );
    } catch (e) {
      setError(c.signal.aborted ? "stopped: nothing was packed" : e instanceof Error ? e.message : String(e));
    } finally {
      if (controller.current === c) controller.current = undefined;
      setBusy(undefined);
    }
  };

  return (
    <section className="panel pack" aria-labelledby={`${id}-title`} data-testid="pack-panel">
      <h2 id={`${id}-title`}>Pack for IPFS</h2>
      <p className="muted">
        The run’s images and metadata as two CAR files, every CID computed here without a network, as <code>traitloom pack</code> does: upload images.car
        first, then metadata.car, each as a CAR (another importer would give other CIDs).
      </p>
      <div className="row">
        <label className="field">
          <span>Profile (decides every CID; ipfs-car is what CAR-upload services use)</span>
          <select data-testid="pack-profile" value={profile} disabled={disabled || busy !== undefined} onChange={(e) => setProfile(e.target.value as IpfsProfileName)}>
            {(Object.keys(PROFILE_LABELS) as IpfsProfileName[]).map((p) => (
              <option key={p} value={p}>
                {PROFILE_LABELS[p]}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        <button type="button" className="primary" data-testid="pack-button" disabled={disabled || busy !== undefined} onClick={() => void pack()}>
          {busy ? "Packing…" : "Pack for IPFS"}
        </button>
        {busy ? (
          <>
            <button type="button" data-testid="pack-cancel" onClick={() => controller.current?.abort()}>
              Cancel
            </button>
            <span className="muted" data-testid="pack-progress">
              {busy}
            </span>
          </>
        ) : null}
      </div>
      {error ? (
        <p className="field-error" role="alert" data-testid="pack-error">
          {error}
        </p>
      ) : null}
      {packed ? (
        <div role="status" data-testid="pack-result" data-profile={packed.profile.name}>
          <dl className="pack-roots">
            <dt>Images root</dt>
            <dd>
              <code data-testid="pack-images-root">{packed.images.root}</code> · {packed.images.files.toLocaleString("en-US")} files, {megabytes(packed.images.carBytes)}
            </dd>
            <dt>Metadata root</dt>
            <dd>
              <code data-testid="pack-metadata-root">{packed.metadata.root}</code> · image fields point at {packed.imageBaseUri}
            </dd>
            <dt>Base URI for the contract</dt>
            <dd>
              <code data-testid="pack-base-uri">{packed.baseUri}</code> (token 7’s metadata is {packed.baseUri}7.json)
            </dd>
          </dl>
          <div className="row">
            <button type="button" data-testid="pack-images-download" onClick={() => download(packed.images.car, `${base}-images.car`)}>
              Download images.car
            </button>
            <button type="button" data-testid="pack-metadata-download" onClick={() => download(packed.metadata.car, `${base}-metadata.car`)}>
              Download metadata.car
            </button>
            <button type="button" data-testid="pack-cids-download" onClick={() => download(packed.cids, `${base}-cids.json`)}>
              cids.json
            </button>
            <button type="button" data-testid="pack-record" disabled={disabled || busy !== undefined || recorded !== undefined} onClick={() => void record()}>
              Record in the run’s ZIP
            </button>
          </div>
          <p className="row">
            <button type="button" data-testid="pack-use-base-uri" disabled={disabled} onClick={() => onUseBaseUri(`ipfs://${packed.images.root}`)}>
              Use ipfs://{packed.images.root.slice(0, 12)}… as the base URI
            </button>
            <span className="muted">so the ZIP’s own metadata points at the uploaded images (Set base URI / metadata)</span>
          </p>
          {recorded ? <p data-testid="pack-recorded">{recorded}</p> : null}
        </div>
      ) : null}
    </section>
  );
}

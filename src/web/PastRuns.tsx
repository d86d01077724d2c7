/**
 * Finished runs kept across reloads (src/web/runs.ts): each can be downloaded again, shown (rarity and tokens), or
 * deleted; with the storage they take, each archive's size and the origin's use of its quota.
 */
import { useEffect, useState } from "react";
import { download } from "./projectFile.js";
import { deleteRun, formatBytes, listRuns, removePartialArchives, storageEstimate, type PastRun } from "./runs.js";

/** Tries at removing partial archives a closing tab's worker still holds, a second apart. */
const CLEANUP_TRIES = 5;

/**
 * Partial archives are removed once per page. One the previous page's worker still holds (a reload mid-run) is
 * tried again a moment later; this page's own runs are never taken (removePartialArchives knows them by name).
 */
let startup: Promise<string[]> | undefined;
function cleanOnce(): Promise<string[]> {
  startup ??= (async () => {
    const all: string[] = [];
    for (let i = 0; i < CLEANUP_TRIES; i++) {
      const { removed, left } = await removePartialArchives().catch(() => ({ removed: [], left: 0 }));
      all.push(...removed);
      if (left === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return all;
  })();
  return startup;
}

interface Props {
  /** The id of the run last finished or shown, to list it and mark it. */
  current: string | undefined;
  /** The current settings' key: runs made with other settings are marked outdated. */
  currentKey: string | undefined;
  onShow: (run: PastRun) => void;
  /** A run deleted: the page stops showing it if it did. */
  onDeleted: (id: string) => void;
  disabled: boolean;
}

export function PastRuns({ current, currentKey, onShow, onDeleted, disabled }: Props) {
  const [runs, setRuns] = useState<PastRun[] | undefined>();
  const [storage, setStorage] = useState<{ usage: number; quota: number } | undefined>();
  const [cleaned, setCleaned] = useState<string[]>([]);
  const [refresh, setRefresh] = useState(0);
  useEffect(() => {
    let live = true;
    void (async () => {
      const removed = await cleanOnce();
      const { runs: list } = await listRuns();
      const estimate = await storageEstimate();
      if (!live) return;
      setCleaned(removed);
      setRuns(list);
      setStorage(estimate);
    })();
    return () => {
      live = false;
    };
  }, [current, refresh]);

  if (!runs || (runs.length === 0 && cleaned.length === 0)) return null;
  const archives = runs.reduce((n, r) => n + r.file.size, 0);
  return (
    <section className="panel past-runs" aria-labelledby="past-runs-title" data-testid="past-runs">
      <h2 id="past-runs-title">Past runs</h2>
      <p className="muted" data-testid="storage-use">
        {runs.length} archive{runs.length === 1 ? "" : "s"}, {formatBytes(archives)}
        {storage ? ` · this site stores ${formatBytes(storage.usage)} of ${formatBytes(storage.quota)} the browser allows` : ""}
      </p>
      {cleaned.length > 0 ? (
        <p className="muted" data-testid="partial-cleaned">
          Deleted {cleaned.length} unfinished archive{cleaned.length === 1 ? "" : "s"} of a run cut short (a reload or a closed tab mid-run).
        </p>
      ) : null}
      {runs.length > 0 ? (
        <table className="runs">
          <caption className="visually-hidden">Finished runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Finished</th>
              <th scope="col">Collection</th>
              <th scope="col">Size on disk</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => {
              const outdated = currentKey !== undefined && r.key !== currentKey;
              return (
                <tr key={r.id} data-testid="past-run" data-id={r.id} data-current={r.id === current} data-outdated={outdated}>
                  <td>{new Date(r.finishedAt).toLocaleString()}</td>
                  <td>
                    {r.downloadName} · {r.result.count.toLocaleString("en-US")} tokens · seed “{r.settings.seed}”{r.updatedFrom ? (r.updatedFields?.includes("pack") ? " · IPFS pack recorded" : ` · metadata updated (${(r.updatedFields ?? []).join(", ") || "no change"})`) : ""}
                    {outdated ? " · other settings than now" : ""}
                  </td>
                  <td className="num">{formatBytes(r.file.size)}</td>
                  <td>
                    <span className="row">
                      <button type="button" data-testid="past-run-download" onClick={() => download(r.file, r.downloadName)} aria-label={`Download ${r.downloadName}`}>
                        Download
                      </button>
                      <button type="button" data-testid="past-run-show" disabled={disabled || r.id === current} onClick={() => onShow(r)} aria-label={`${r.id === current ? "Shown" : "Show"}: rarity and tokens of ${r.downloadName}`}>
                        {r.id === current ? "Shown" : "Show"}
                      </button>
                      <button
                        type="button"
                        data-testid="past-run-delete"
                        disabled={disabled}
                        aria-label={`Delete ${r.downloadName} (${formatBytes(r.file.size)})`}
                        onClick={() => {
                          void deleteRun(r.id).then(() => {
                            onDeleted(r.id);
                            setRefresh((n) => n + 1);
                          });
                        }}
                      >
                        Delete ({formatBytes(r.file.size)})
                      </button>
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

/**
 * What a screen reader hears of a run: its start, each quarter, and its end. The progress bar itself updates
 * a few times a second and is no live region: read out, it would talk over everything else.
 */
import { useEffect, useState } from "react";
import type { RunState } from "./GeneratePanel.js";

/** Announced steps of a run: 4 = every 25 %. */
const MILESTONES = 4;

function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

export function announcement(run: RunState, count: number): { key: string; text: string } | undefined {
  switch (run.state) {
    case "idle":
      return undefined;
    case "running": {
      const p = run.progress;
      if (!p || p.done === 0) return { key: "start", text: `Generating ${fmt(p?.total ?? count)} tokens…` };
      const step = Math.floor((p.done / Math.max(1, p.total)) * MILESTONES);
      if (step <= 0) return { key: "start", text: `Generating ${fmt(p.total)} tokens…` };
      if (step >= MILESTONES) return { key: "rendered", text: `All ${fmt(p.total)} tokens rendered, finishing the ZIP…` };
      return { key: `m${step}`, text: `${(step * 100) / MILESTONES}% done: ${fmt(p.done)} of ${fmt(p.total)} tokens.` };
    }
    case "done":
      return { key: "done", text: `Done: ${fmt(run.result.count)} tokens generated. The ZIP is ready to download.` };
    case "cancelled":
      return { key: "cancelled", text: `Cancelled after ${fmt(run.done)} of ${fmt(run.total)} tokens.` };
    case "error":
      return { key: "error", text: `Generation failed: ${run.message}` };
  }
}

export function ProgressAnnouncer({ run, count }: { run: RunState; count: number }) {
  const next = announcement(run, count);
  const [said, setSaid] = useState<{ key: string; text: string } | undefined>();
  const key = next?.key;
  const text = next?.text;
  useEffect(() => {
    // Only a new milestone changes the text; progress within one changes nothing a reader hears.
    if (key !== undefined && text !== undefined) setSaid((prev) => (prev?.key === key ? prev : { key, text }));
  }, [key, text]);
  return (
    <p className="visually-hidden" role="status" data-testid="progress-announcer">
      {said?.text ?? ""}
    </p>
  );
}

/** Redraws at most this often on a terminal. */
const TTY_INTERVAL_MS = 100;
/** A plain line this often where output is not a terminal (CI logs, pipes). */
const PLAIN_INTERVAL_MS = 5000;
const BAR_WIDTH = 28;

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--";
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/** Progress on stderr: a bar with count, tokens/s and ETA on a terminal, else a plain line every few seconds. */
export class ProgressReporter {
  private readonly startedAt = performance.now();
  private lastDraw = 0;
  private startDone = -1;
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly isTty: boolean,
  ) {}

  update(done: number, total: number, force = false): void {
    const now = performance.now();
    if (this.startDone < 0) this.startDone = done;
    if (!force && now - this.lastDraw < (this.isTty ? TTY_INTERVAL_MS : PLAIN_INTERVAL_MS)) return;
    this.lastDraw = now;
    const elapsed = (now - this.startedAt) / 1000;
    const rate = elapsed > 0 ? (done - this.startDone) / elapsed : 0;
    const eta = rate > 0 ? (total - done) / rate : Infinity;
    const pct = total > 0 ? done / total : 1;
    const stats = `${done}/${total} ${(pct * 100).toFixed(0)}% ${rate.toFixed(1)} tokens/s ETA ${formatDuration(eta)}`;
    if (this.isTty) {
      const filled = Math.round(pct * BAR_WIDTH);
      this.out.write(`\r[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${stats}\u001b[K`);
    } else this.out.write(`progress: ${stats}\n`);
  }

  finish(): void {
    if (this.isTty) this.out.write("\n");
  }

  seconds(): number {
    return (performance.now() - this.startedAt) / 1000;
  }
}

/**
 * The rate and time left of a run, from rendering only: the clock starts at the first tokens stored (planning and
 * the workers' start-up before them would make the early rate low and the ETA long), and an ETA is shown only
 * once the rate is steady: ETA_MIN_SECONDS of rendering and ETA_MIN_TOKENS tokens measured.
 */

/** Seconds of rendering before an ETA is shown. */
export const ETA_MIN_SECONDS = 2;
/** Tokens rendered (after the first batch) before an ETA is shown. */
export const ETA_MIN_TOKENS = 16;

export interface RateSample {
  /** Tokens stored so far (resumed ones not counted). */
  done: number;
  /** Milliseconds since the run started. */
  elapsedMs: number;
}

export interface Rate {
  /** Tokens per second of rendering; undefined before there are two samples to measure between. */
  tokensPerSecond: number | undefined;
  /** Seconds left; undefined until the rate is steady. */
  etaSeconds: number | undefined;
}

/**
 * The rendering rate between the first sample with tokens (`start`) and `now`, and the time left for `total`.
 *
 * @example
 * rate({ done: 8, elapsedMs: 900 }, { done: 408, elapsedMs: 3900 }, 1000) // { tokensPerSecond: 133.3, etaSeconds: 4.4 }
 */
export function rate(start: RateSample | undefined, now: RateSample, total: number): Rate {
  if (!start || now.elapsedMs <= start.elapsedMs || now.done <= start.done) return { tokensPerSecond: undefined, etaSeconds: undefined };
  const seconds = (now.elapsedMs - start.elapsedMs) / 1000;
  const made = now.done - start.done;
  const tokensPerSecond = made / seconds;
  const steady = seconds >= ETA_MIN_SECONDS && made >= ETA_MIN_TOKENS;
  return { tokensPerSecond, etaSeconds: steady ? Math.max(0, total - now.done) / tokensPerSecond : undefined };
}

/** A duration as m:ss, or h:mm:ss from an hour: 4:05, 1:02:03. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

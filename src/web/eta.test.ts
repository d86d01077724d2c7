import { describe, expect, it } from "vitest";
import { ETA_MIN_SECONDS, ETA_MIN_TOKENS, formatDuration, rate } from "./eta.js";

describe("run rate and ETA", () => {
  it("measures from the first tokens stored, so planning time does not count", () => {
    // 5 s of planning, then 100 tokens/s.
    const start = { done: 8, elapsedMs: 5000 };
    const r = rate(start, { done: 508, elapsedMs: 10_000 }, 10_000);
    expect(r.tokensPerSecond).toBeCloseTo(100, 6);
    expect(r.etaSeconds).toBeCloseTo(94.92, 2);
  });

  it("shows no ETA before ETA_MIN_SECONDS of rendering or ETA_MIN_TOKENS tokens, and none without a start", () => {
    const start = { done: 8, elapsedMs: 1000 };
    expect(rate(start, { done: 8 + ETA_MIN_TOKENS * 10, elapsedMs: 1000 + ETA_MIN_SECONDS * 1000 - 1 }, 1000).etaSeconds).toBeUndefined();
    expect(rate(start, { done: 8 + ETA_MIN_TOKENS - 1, elapsedMs: 1000 + ETA_MIN_SECONDS * 1000 * 5 }, 1000).etaSeconds).toBeUndefined();
    expect(rate(start, { done: 8 + ETA_MIN_TOKENS, elapsedMs: 1000 + ETA_MIN_SECONDS * 1000 }, 1000).etaSeconds).toBeGreaterThan(0);
    expect(rate(undefined, { done: 100, elapsedMs: 5000 }, 1000)).toEqual({ tokensPerSecond: undefined, etaSeconds: undefined });
    expect(rate(start, start, 1000).tokensPerSecond).toBeUndefined();
  });

  it("writes hours as h:mm:ss and shorter times as m:ss", () => {
    expect(formatDuration(0)).toBe("0:00");
    expect(formatDuration(65)).toBe("1:05");
    expect(formatDuration(3599.6)).toBe("1:00:00");
    expect(formatDuration(3723)).toBe("1:02:03");
    expect(formatDuration(100_394)).toBe("27:53:14");
    expect(formatDuration(-3)).toBe("0:00");
  });
});

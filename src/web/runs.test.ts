import { describe, expect, it } from "vitest";
import { archiveTime } from "./runs.js";

describe("archive names", () => {
  it("reads the start time of the names the engine and the publishing steps give, and of no other", () => {
    const now = 1_764_600_000_000;
    const t = now.toString(36);
    expect(archiveTime(`collection-${t}-0.zip`)).toBe(now);
    expect(archiveTime(`collection-${t}-1a.zip`)).toBe(now);
    expect(archiveTime(`collection-${t}-updated.zip`)).toBe(now);
    expect(archiveTime(`collection-${t}.zip`)).toBe(now);
    expect(archiveTime("collection-.zip")).toBeUndefined();
    expect(archiveTime("notes.zip")).toBeUndefined();
    expect(archiveTime(`collection-${t}-0.zip.tmp`)).toBeUndefined();
  });
});

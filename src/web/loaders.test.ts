import { describe, expect, it } from "vitest";
import type { Decoded } from "../browser/project.js";
import { decodeAll, type DecodeProgress } from "./loaders.js";

describe("reading a project's images", () => {
  it("reads every non-empty image, reports progress after each, and collects warnings by path", async () => {
    const files = new Map<string, Blob>([
      ["b/big.png", new Blob(["x"])],
      ["a/one.png", new Blob(["x"])],
      ["a/empty.png", new Blob([])],
      ["a/notes.txt", new Blob(["x"])],
      ["a/two.webp", new Blob(["x"])],
    ]);
    const seen: DecodeProgress[] = [];
    let i = 0;
    const { decoded, warnings } = await decodeAll(
      files,
      (p) => seen.push(p),
      async (): Promise<{ decoded: Decoded; warning: string | undefined }> => {
        const n = ++i;
        return { decoded: { width: n, height: n }, warning: n === 1 ? "large" : undefined };
      },
    );
    expect([...decoded.keys()].sort()).toEqual(["a/one.png", "a/two.webp", "b/big.png"]);
    expect(seen).toEqual([
      { done: 0, total: 3 },
      { done: 1, total: 3 },
      { done: 2, total: 3 },
      { done: 3, total: 3 },
    ]);
    expect(warnings).toEqual([{ path: "b/big.png", message: "large" }]);
  });
});

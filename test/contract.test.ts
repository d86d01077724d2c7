/**
 * The render contract, Node side: every case of test/contract/cases.ts through the Node backend into a disk folder
 * (the library's generateCollection: workers write the files themselves) and into memory (runCollection by hand:
 * images come back in the reply, the folder sink over a MemoryFileStore) gives the same files, byte for byte; and
 * a run cut off half-way through its AbortSignal, run again on the same folder or memory, ends with the files of
 * an uninterrupted run, having kept what the first run finished. The browser side is test/e2e/contract.e2e.ts.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isTraitloomError } from "../src/core/errors.js";
import { generateCollection } from "../src/node/generate.js";
import { FolderSink } from "../src/render/folderSink.js";
import type { CollectionInput, RunResult } from "../src/render/pipeline.js";
import type { NodeRenderInit } from "../src/node/protocol.js";
import { CONTRACT_CASES, type ContractCase } from "./contract/cases.js";
import { COLLECTION_FILES, JOURNAL, STATE, differences, imageNames, journalLines, text } from "./contract/compare.js";
import { caseOptions, diskSink, folderFiles, memoryFiles, memorySink, prepareNodeRun, runWithNodeBackend, type CollectionFiles } from "./contract/node.js";

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "traitloom-contract-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The run stopped through its signal once `done` reaches half the case: it must reject as ABORTED, short of the end. */
async function cutOffHalfWay(c: ContractCase, run: (options: { signal: AbortSignal; onProgress: (p: { done: number }) => void }) => Promise<RunResult>): Promise<void> {
  const controller = new AbortController();
  const half = Math.ceil(c.count / 2);
  const stopped = await run({
    signal: controller.signal,
    onProgress: (p) => {
      if (p.done >= half) controller.abort();
    },
  }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(controller.signal.aborted).toBe(true);
  expect(isTraitloomError(stopped) && stopped.code, String(stopped)).toBe("ABORTED");
  expect(String((stopped as Error).message)).toMatch(new RegExp(`^stopped: \\d+ of ${c.count} tokens done`));
}

/** What a cut-off run left: a journal of at least half the tokens and fewer than all, each token's files there. */
function expectPartial(c: ContractCase, files: CollectionFiles): number {
  const kept = journalLines(files.get(JOURNAL));
  expect(kept.length).toBeGreaterThanOrEqual(Math.ceil(c.count / 2));
  expect(kept.length).toBeLessThan(c.count);
  for (const name of COLLECTION_FILES) expect(files.has(name), name).toBe(false);
  return kept.length;
}

describe("differences()", () => {
  it("names the file and the first byte where two collections differ, and files only one holds", () => {
    const a: CollectionFiles = new Map([
      ["metadata/1.json", new TextEncoder().encode('{"name":"A #1"}')],
      ["images/1.png", new Uint8Array([1, 2, 3])],
    ]);
    const b: CollectionFiles = new Map([
      ["metadata/1.json", new TextEncoder().encode('{"name":"A #2"}')],
      ["images/1.png", new Uint8Array([1, 2, 3])],
      ["rarity.csv", new Uint8Array()],
    ]);
    const d = differences(a, b);
    expect(d).toHaveLength(2);
    expect(d[0]).toMatch(/^metadata\/1\.json: first differs at byte 12 \(expected 0x31, found 0x32/);
    expect(d[1]).toBe("rarity.csv: not expected, but present");
    expect(differences(a, new Map(a))).toEqual([]);
  });
});

for (const c of CONTRACT_CASES) {
  describe(`contract case ${c.name} (Node backend)`, () => {
    let prepared: { input: CollectionInput; init: NodeRenderInit };
    let folder: CollectionFiles;
    let folderProvenance: string;

    beforeAll(async () => {
      prepared = await prepareNodeRun(c);
      const outDir = join(root, c.name, "uninterrupted");
      const result = await generateCollection({ ...caseOptions(c), outDir });
      folder = await folderFiles(outDir);
      folderProvenance = result.provenance;
    });

    it("into a disk folder (workers write the files) and into memory (images back in the reply): the same files", async () => {
      expect(imageNames(folder)).toHaveLength(c.count);
      expect([...folder.keys()].filter((n) => n.startsWith("metadata/"))).toHaveLength(c.count);
      for (const name of [...COLLECTION_FILES, STATE, JOURNAL]) expect(folder.has(name), name).toBe(true);
      expect(journalLines(folder.get(JOURNAL))).toHaveLength(c.count);
      expect(JSON.parse(text(folder, "manifest.json")).provenance).toBe(folderProvenance);

      const { store, sink } = memorySink();
      expect(sink.placement).toBeUndefined();
      const result = await runWithNodeBackend(prepared, c, sink);
      expect(result.rendered).toBe(c.count);
      expect(result.provenance).toBe(folderProvenance);
      expect(differences(folder, memoryFiles(store))).toEqual([]);
    });

    it("cut off half-way into a disk folder, generateCollection on the same folder resumes to the uninterrupted files", async () => {
      const outDir = join(root, c.name, "resumed");
      await cutOffHalfWay(c, (o) => runWithNodeBackend(prepared, c, diskSink(outDir), { ...o, oneTokenBatches: true }));
      const kept = expectPartial(c, await folderFiles(outDir));

      const again = await generateCollection({ ...caseOptions(c), outDir });
      expect(again.resumed).toBe(kept);
      expect(again.rendered).toBe(c.count - kept);
      expect(again.provenance).toBe(folderProvenance);
      expect(differences(folder, await folderFiles(outDir))).toEqual([]);
    });

    it("cut off half-way into memory, runCollection on the same store resumes to the uninterrupted files", async () => {
      const { store, sink } = memorySink();
      await cutOffHalfWay(c, (o) => runWithNodeBackend(prepared, c, sink, { ...o, oneTokenBatches: true }));
      const kept = expectPartial(c, memoryFiles(store));

      // A new sink over the same store, as a new run would make it.
      const again = await runWithNodeBackend(prepared, c, new FolderSink(store));
      expect(again.resumed).toBe(kept);
      expect(again.rendered).toBe(c.count - kept);
      expect(again.provenance).toBe(folderProvenance);
      expect(differences(folder, memoryFiles(store))).toEqual([]);
    });
  });
}

/**
 * The render contract, browser side: every case of test/contract/cases.ts through the studio's engine in headless
 * Chromium (src/web/contract.html), into a ZIP and into a folder of the origin-private file system cut off half-way
 * and resumed, compared with the Node backend's collection of the same case (generateCollection, in this process).
 * Everything but the images is the same bytes; the images, from two PNG encoders, decode to pixels within 3 per
 * channel; the resumed folder is the ZIP's files with the CLI's .traitloom/ beside them. test/contract.test.ts is
 * the Node side.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/core/hash.js";
import { generateCollection } from "../../src/node/generate.js";
import { CONTRACT_CASES, type ContractCase } from "../contract/cases.js";
import { COLLECTION_FILES, JOURNAL, STATE, differences, imageNames, journalLines, manifestDna, manifestWithoutImageHashes, text } from "../contract/compare.js";
import { caseConfig, caseOptions, folderFiles, layersDirOf, type CollectionFiles } from "../contract/node.js";
import { buildStudio, launchChromium, serveStudio } from "./harness.js";
import { chromiumOrSkip } from "./studio-driver.js";
import { decodePng, maxChannelDifference } from "./reference.js";

/**
 * How far the two backends' pixels may differ, per channel: both composite with core's span compositor, but the
 * browser decodes traits with createImageBitmap, not sharp: where a half-transparent trait is drawn, pixels come out
 * 1 or 2 apart (the Node images equal the sharp-decoded reference compositor exactly).
 */
const MAX_CHANNEL_DIFFERENCE = 3;

const executable = chromiumOrSkip();

/** What src/web/contract.ts takes and answers (its ContractFixture, ContractRun, ZipOutcome, FolderOutcome). */
interface Fixture {
  root: string;
  files: Array<{ path: string; base64: string }>;
}
interface Run {
  seed: string;
  count: number;
  workers: number;
  config?: unknown;
}
interface ZipOutcome {
  archive: string;
  again: string;
  rendered: number;
  resumed: number;
  provenance: string;
}
interface FolderOutcome {
  cut: { code: string; message: string; doneAtAbort: number };
  afterCut: Record<string, string>;
  rendered: number;
  resumed: number;
  provenance: string;
  files: Record<string, string>;
}
interface ContractWindow {
  traitloomContract: { zip(f: Fixture, r: Run): Promise<ZipOutcome>; folder(f: Fixture, r: Run): Promise<FolderOutcome> };
}

/** The layers folder as the page gets it: every file, by path under the folder, as base64. */
function fixtureOf(dir: string): Fixture {
  const files: Fixture["files"] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push({ path: relative(dir, p).split("\\").join("/"), base64: readFileSync(p).toString("base64") });
    }
  };
  walk(dir);
  return { root: "layers", files };
}

function fromBase64(files: Record<string, string>): CollectionFiles {
  return new Map(Object.entries(files).map(([k, v]) => [k, new Uint8Array(Buffer.from(v, "base64"))]));
}

function unzipped(archive: string): CollectionFiles {
  const entries = unzipSync(new Uint8Array(Buffer.from(archive, "base64")));
  return new Map(Object.entries(entries).filter(([name]) => !name.endsWith("/")));
}

const isState = (name: string): boolean => name.startsWith(".traitloom/");
const isImage = (name: string): boolean => name.startsWith("images/");

/** Everything but the images and the manifest (which carries their hashes): metadata, _metadata, rarity. */
const sameBytesAcrossBackends = (name: string): boolean => !isState(name) && !isImage(name) && name !== "manifest.json";

async function expectSameCollection(node: CollectionFiles, browser: CollectionFiles, where: string): Promise<void> {
  // The same files, by name.
  expect([...browser.keys()].filter((n) => !isState(n)).sort(), where).toEqual([...node.keys()].filter((n) => !isState(n)).sort());
  expect(manifestDna(browser), `${where}: DNA`).toEqual(manifestDna(node));
  expect(differences(node, browser, { only: sameBytesAcrossBackends }), where).toEqual([]);
  expect(manifestWithoutImageHashes(browser), `${where}: manifest.json`).toEqual(manifestWithoutImageHashes(node));
  for (const name of imageNames(node)) {
    const a = await decodePng(node.get(name) ?? new Uint8Array());
    const b = await decodePng(browser.get(name) ?? new Uint8Array());
    expect([b.width, b.height], `${where}: ${name}`).toEqual([a.width, a.height]);
    expect(maxChannelDifference(a.rgba, b.rgba), `${where}: ${name}`).toBeLessThanOrEqual(MAX_CHANNEL_DIFFERENCE);
  }
}

interface CaseOutcome {
  /** The Node backend's folder (generateCollection). */
  node: CollectionFiles;
  /** The browser's uninterrupted ZIP, unzipped. */
  zip: CollectionFiles;
  zipRun: ZipOutcome;
  /** The browser's folder, cut off half-way and resumed. */
  folder: FolderOutcome;
}

/** Every check of a case: the ZIP against Node, the cut-off run, the resumed folder against the ZIP and against Node. */
async function expectContract(c: ContractCase, { node, zip, zipRun, folder }: CaseOutcome): Promise<void> {
  expect(imageNames(node)).toHaveLength(c.count);
  expect(zipRun.rendered).toBe(c.count);
  expect(zipRun.resumed).toBe(0);
  await expectSameCollection(node, zip, `${c.name} ZIP`);
  expect(JSON.parse(text(zip, "manifest.json")).provenance).toBe(zipRun.provenance);
  // A second run on the warm workers the first left (traits decoded, plan kept): the same files, byte for byte.
  expect(differences(zip, unzipped(zipRun.again)), `${c.name}: second run on warm workers against the first`).toEqual([]);

  // Cut off half-way: stopped through the signal, what it finished is in the folder and its journal, not more.
  expect(folder.cut.code, folder.cut.message).toBe("ABORTED");
  expect(folder.cut.doneAtAbort).toBeGreaterThanOrEqual(Math.ceil(c.count / 2));
  const partial = fromBase64(folder.afterCut);
  const kept = journalLines(partial.get(JOURNAL));
  expect(kept.length).toBeGreaterThanOrEqual(folder.cut.doneAtAbort);
  expect(kept.length).toBeLessThan(c.count);
  expect(imageNames(partial)).toHaveLength(kept.length);
  for (const name of COLLECTION_FILES) expect(partial.has(name), name).toBe(false);

  // Resumed: kept what the first run finished, rendered the rest.
  expect(folder.resumed).toBe(kept.length);
  expect(folder.rendered).toBe(c.count - kept.length);

  // The resumed folder is the uninterrupted ZIP, byte for byte (images from the same backend), plus .traitloom/.
  const files = fromBase64(folder.files);
  expect(differences(zip, files, { only: (n) => !isState(n) }), `${c.name}: resumed folder against the ZIP`).toEqual([]);
  expect(folder.provenance).toBe(zipRun.provenance);
  await expectSameCollection(node, files, `${c.name} folder`);

  // .traitloom/ as the CLI writes it: the same run identity, and a journal of every token with its image's hash.
  expect([...files.keys()].filter(isState).sort()).toEqual([JOURNAL, STATE]);
  expect(differences(node, files, { only: (n) => n === STATE })).toEqual([]);
  const journal = journalLines(files.get(JOURNAL));
  const ids = imageNames(files).map((n) => Number(/\d+/.exec(n)?.[0]));
  expect(journal).toEqual(ids.map((id) => `${id} ${sha256Hex(files.get(`images/${id}.png`) ?? new Uint8Array())}`).sort());
}

describe.skipIf(!executable)("render contract: the browser backend (headless Chromium) against the Node backend", () => {
  let browser: Browser;
  let page: Page;
  let close: () => Promise<void>;
  let root: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "traitloom-contract-e2e-"));
    await buildStudio();
    const served = await serveStudio();
    close = served.close;
    browser = await launchChromium(executable ?? "");
    page = await (await browser.newContext()).newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(`${served.url}contract.html`);
    await page.waitForFunction(() => "traitloomContract" in globalThis, undefined, { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  async function runCase(c: ContractCase): Promise<CaseOutcome> {
    const outDir = join(root, c.name);
    await generateCollection({ ...caseOptions(c), outDir });
    const run: Run = { seed: c.seed, count: c.count, workers: c.workers, config: await caseConfig(c) };
    const fixture = fixtureOf(layersDirOf(c));
    const zipRun = await page.evaluate(({ f, r }) => (globalThis as unknown as ContractWindow).traitloomContract.zip(f, r), { f: fixture, r: run });
    const folder = await page.evaluate(({ f, r }) => (globalThis as unknown as ContractWindow).traitloomContract.folder(f, r), { f: fixture, r: run });
    return { node: await folderFiles(outDir), zip: unzipped(zipRun.archive), zipRun, folder };
  }

  for (const c of CONTRACT_CASES) {
    it(`${c.name}: the ZIP and the resumed folder hold the Node backend's collection`, async () => {
      await expectContract(c, await runCase(c));
      expect(pageErrors).toEqual([]);
    });
  }
});

/**
 * What the studio's browser suites do again and again, in one place: skip (or, in CI, fail) without Chromium, open
 * the built studio at a window size, run axe-core on the page, export the settings and generate into a ZIP, and
 * compare that ZIP with the Node library's run on the same folder, exported config and seed (metadata bytes equal,
 * pixels within MAX_CHANNEL_DIFFERENCE). harness.ts builds and serves the studio; this drives it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import type { TraitloomConfig } from "../../src/core/config.js";
import { editionsCount } from "../../src/core/editions.js";
import { generateCollection } from "../../src/node/generate.js";
import { findChromium, REPO } from "./harness.js";
import { decodePng, maxChannelDifference } from "./reference.js";

/** Two PNG encoders and two decoders (sharp, createImageBitmap): see contract.e2e.ts. */
export const MAX_CHANNEL_DIFFERENCE = 3;

export const WINDOW_SIZES = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;
export type WindowSize = (typeof WINDOW_SIZES)[number];

/** Debian's Chromium, or undefined with a warning (an error in CI, which must run the browser suites). */
export function chromiumOrSkip(): string | undefined {
  const executable = findChromium();
  if (!executable) {
    const line = "BROWSER TESTS SKIPPED: no Chromium found (looked for $CHROMIUM_PATH, /usr/bin/chromium, …); install it with `apt-get install -y chromium`";
    if (process.env.CI) throw new Error(`${line}. CI must run them.`);
    console.warn(`\n\u26a0\ufe0f  ${line}\n`);
  }
  return executable;
}

/**
 * A new page of the studio at `size`, downloads on. Page errors go into `errors` where given (a suite that keeps one
 * page checks them itself), else they fail the test when the page closes.
 */
export async function openStudio(browser: Browser, url: string, size: { width: number; height: number }, errors?: string[]): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: size.width, height: size.height } });
  const page = await context.newPage();
  const seen = errors ?? [];
  page.on("pageerror", (e) => seen.push(e.message));
  await page.goto(url);
  if (!errors) page.on("close", () => expect(seen).toEqual([]));
  return page;
}

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

const AXE = join(REPO, "node_modules/axe-core/axe.min.js");

/** axe-core's violations on the page as it is, or within the elements `include` selects. */
export async function axeViolations(page: Page, include?: string): Promise<Violation[]> {
  if (!(await page.evaluate("typeof window.axe !== 'undefined'"))) await page.addScriptTag({ content: readFileSync(AXE, "utf8") });
  return (await page.evaluate(`(async () => {
    const r = await window.axe.run(${include === undefined ? "document" : JSON.stringify({ include: [[include]] })}, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  })()`)) as Violation[];
}

/**
 * The settings as the studio exports them (traitloom.json), then a run of `count` tokens with `seed`, as its ZIP;
 * `count` undefined: the editions' counts (the size field is theirs then).
 */
export async function generateInStudio(page: Page, count: number | undefined, seed: string): Promise<{ zip: Record<string, Uint8Array>; config: TraitloomConfig }> {
  if (count !== undefined) await page.getByTestId("count-input").fill(String(count));
  await page.getByTestId("seed-input").fill(seed);
  const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
  const config = JSON.parse(readFileSync(await configDownload.path(), "utf8")) as TraitloomConfig;
  await page.getByTestId("generate-button").click();
  await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
  expect(await page.getByTestId("progress").getAttribute("data-state")).toBe("done");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
  return { zip: unzipSync(new Uint8Array(readFileSync(await download.path()))), config };
}

/**
 * The Node engine on the same folder with the studio's exported config and seed, into `outDir`: `_metadata.json`
 * byte for byte, every image within MAX_CHANNEL_DIFFERENCE per channel (but those `skip` names). Returns how many
 * images were compared.
 */
export async function compareWithNode(layersDir: string, config: TraitloomConfig, zip: Record<string, Uint8Array>, outDir: string, skip?: (meta: string) => boolean): Promise<number> {
  await generateCollection({ layersDir, config, outDir, workers: 1 });
  const decoder = new TextDecoder();
  const images = Object.keys(zip).filter((n) => /^images\/\d+\.png$/.test(n));
  expect(images).toHaveLength(config.count ?? editionsCount(config) ?? 0);
  expect(decoder.decode(zip["_metadata.json"])).toBe(readFileSync(join(outDir, "_metadata.json"), "utf8"));
  let compared = 0;
  for (const name of images) {
    const meta = decoder.decode(zip[name.replace("images/", "metadata/").replace(".png", ".json")]);
    if (skip?.(meta)) continue;
    compared++;
    const a = await decodePng(zip[name] ?? new Uint8Array());
    const b = await decodePng(new Uint8Array(readFileSync(join(outDir, name))));
    expect(maxChannelDifference(a.rgba, b.rgba), `${name}: ${meta}`).toBeLessThanOrEqual(MAX_CHANNEL_DIFFERENCE);
  }
  return compared;
}

/**
 * Screenshots of the studio in each state (empty, loaded, problems, generating, finished, token browser) at
 * 1440×900 and 390×844, with the system Chromium, into docs/screenshots/. `npm run screenshots`.
 * The site is built into a temporary folder of its own, so a test run in the same checkout is left alone.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { buildStudio, findChromium, launchChromium, REPO, serveStudio } from "../test/e2e/harness.js";

const OUT = join(REPO, "docs/screenshots");
const DEMO = join(REPO, "assets/demo-layers");
const SIZES = [
  { name: "desktop", width: 1440, height: 900 },
  { name: "phone", width: 390, height: 844 },
] as const;

/** The demo layers plus a corrupt PNG and a text file: what the problems state shows. */
function problemFolder(base: string): string {
  const dir = join(base, "my-layers");
  cpSync(DEMO, dir, { recursive: true, filter: (src) => !/README\.md$|LICENSE$/.test(src) });
  writeFileSync(join(dir, "04-Eyes/Broken#3.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4]));
  writeFileSync(join(dir, "05-Mouth/notes.txt"), "not an image");
  writeFileSync(join(dir, "06-Headwear/Tiny#4.png"), readFileSync(join(REPO, "test/fixtures/golden/layers/04-Hat/Cap#10.png")));
  return dir;
}

async function previewReady(page: Page): Promise<void> {
  await page.waitForFunction('document.querySelectorAll("[data-testid=preview-grid] img").length === 12', undefined, { timeout: 60_000 });
  // Thumbnails decode lazily: wait until every shown image has its pixels.
  await page.waitForFunction('[...document.images].filter((i) => i.getBoundingClientRect().height > 0 && i.loading !== "lazy").every((i) => i.complete)', undefined, { timeout: 30_000 });
}

async function setCount(page: Page, n: number): Promise<void> {
  await page.getByTestId("count-input").fill(String(n));
  await page.waitForFunction(`document.querySelector("[data-testid=count-input]")?.value === "${n}"`);
}

async function main(): Promise<void> {
  const executable = findChromium();
  if (!executable) throw new Error("no Chromium found (set CHROMIUM_PATH)");
  const temp = mkdtempSync(join(tmpdir(), "traitloom-shots-"));
  const site = join(temp, "site");
  mkdirSync(OUT, { recursive: true });
  await buildStudio(site);
  const { url, close } = await serveStudio(site);
  const browser = await launchChromium(executable);
  const layers = problemFolder(temp);
  try {
    for (const size of SIZES) {
      const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const shot = async (state: string) => {
        const path = join(OUT, `${state}-${size.name}.png`);
        await page.screenshot({ path });
        console.log(`wrote ${path}`);
      };
      await page.goto(url);
      await page.getByTestId("welcome").waitFor();
      await shot("empty");

      await page.getByTestId("layers-input").setInputFiles(layers);
      await page.getByTestId("problems-panel").waitFor({ timeout: 60_000 });
      await previewReady(page);
      await page.evaluate("window.scrollTo(0, 0)");
      await shot("problems");

      await page.getByTestId("demo-button").click();
      // The problems project has the same capacity: wait for the demo's name and the end of the load.
      await page.waitForFunction('document.querySelector("#project-title")?.textContent === "demo-layers" && !document.querySelector("[data-testid=load-status]")', undefined, { timeout: 60_000 });
      await previewReady(page);
      await page.getByTestId("preview-token").nth(1).click();
      await page.evaluate("window.scrollTo(0, 0)");
      await shot("loaded");
      if (size.name === "desktop") {
        await page.emulateMedia({ colorScheme: "dark" });
        await shot("loaded-dark");
        await page.emulateMedia({ colorScheme: "light" });
      }

      await setCount(page, 10000);
      await page.getByTestId("generate-button").click();
      await page.waitForFunction('Number(document.querySelector("[data-testid=progress]")?.getAttribute("data-done")) > 200', undefined, { timeout: 60_000 });
      await page.locator("#generate").scrollIntoViewIfNeeded();
      if (size.name === "desktop") await page.evaluate("window.scrollTo(0, 0)");
      await shot("generating");
      await page.getByTestId("cancel-button").click();
      await page.waitForFunction('document.querySelector("[data-testid=progress]")?.getAttribute("data-state") === "cancelled"', undefined, { timeout: 60_000 });

      await setCount(page, 200);
      await page.getByTestId("generate-button").click();
      await page.getByTestId("download-button").waitFor({ timeout: 120_000 });
      await page.waitForTimeout(300);
      if (size.name === "desktop") await page.evaluate("window.scrollTo(0, 0)");
      await shot("finished");

      const browserPanel = page.getByTestId("token-browser");
      await browserPanel.scrollIntoViewIfNeeded();
      await page.locator("[data-testid=trait-filters] summary").click();
      await page.locator('[data-testid=trait-filter][data-layer="Background"][data-trait="Sky"]').check();
      await page.locator('[data-testid=trait-filter][data-layer="Background"][data-trait="Mint"]').check();
      await page.locator("[data-testid=trait-filters] summary").click();
      await page.getByTestId("ranked-token").first().click();
      await page.getByTestId("token-metadata").waitFor();
      await page.waitForTimeout(300);
      await page.evaluate('document.querySelector("[data-testid=token-browser]").scrollIntoView({ block: "start" })');
      await shot("tokens");

      await page.evaluate('document.querySelector("[data-testid=rarity-panel]").scrollIntoView({ block: "start" })');
      await page.getByTestId("rarity-sort-actual").click();
      await shot("rarity");

      // The layer tree: the nftchef-shaped fixture (nested folders, multi-part traits, its traitloom.json).
      // A context of its own: the page above left its project in this origin's storage, and a reload restores it.
      await context.close();
      const treeContext = await browser.newContext({ viewport: { width: size.width, height: size.height }, deviceScaleFactor: 1 });
      const tree = await treeContext.newPage();
      await tree.goto(url);
      await tree.getByTestId("layers-input").setInputFiles(join(REPO, "test/fixtures/nftchef-mini"));
      await tree.locator('[data-testid=layer-tree][data-folder="Eyes"]').waitFor({ timeout: 60_000 });
      await tree.getByTestId("reading-warnings-summary").click();
      await tree.evaluate('document.querySelector("[data-testid=reading-notes]").scrollIntoView({ block: "start" })');
      await tree.waitForTimeout(300);
      await tree.screenshot({ path: join(OUT, `tree-${size.name}.png`) });
      console.log(`wrote ${join(OUT, `tree-${size.name}.png`)}`);
      await tree.locator('[data-testid=layer-tree][data-folder="Accessory"]').waitFor({ state: "attached", timeout: 30_000 });
      await tree.evaluate('document.querySelector("[data-testid=layer-tree][data-folder=Accessory]").scrollIntoView({ block: "start" })');
      await tree.screenshot({ path: join(OUT, `tree-parts-${size.name}.png`) });
      console.log(`wrote ${join(OUT, `tree-parts-${size.name}.png`)}`);
      await treeContext.close();
    }
  } finally {
    await browser.close();
    await close();
    rmSync(temp, { recursive: true, force: true });
  }
}

await main();

/**
 * The studio's design and accessibility in headless Chromium, at 1440×900 and 390×844 (and 360 wide for
 * overflow): axe-core finds no violation in the empty, problems, loaded, generating and finished states; no
 * horizontal scroll on a phone; tap targets big enough; focus follows Load demo and Generate; a keyboard path of
 * a few Tabs from Load demo to Generate; progress announced at milestones only; labels that say what they
 * mean; problems said before generating and a failed load apart from them; the token browser's filters, id
 * search and page jump; the rarity table's sorting. The site is built into a folder of its own.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip } from "./studio-driver.js";

const DEMO = join(REPO, "assets/demo-layers");
const executable = chromiumOrSkip();

const SIZES = [
  { name: "desktop", width: 1440, height: 900, phone: false },
  { name: "phone", width: 390, height: 844, phone: true },
] as const;



/** How far the page is wider than the window (0: no horizontal scroll). */
async function overflow(page: Page): Promise<number> {
  return (await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) as number;
}

/**
 * Visible controls smaller than `min` px in width or height. Links inside running text are exempt (WCAG 2.5.8's
 * inline exception); so is the skip link until it is focused (it is off-screen).
 */
async function smallTargets(page: Page, min: number): Promise<string[]> {
  return (await page.evaluate(`(() => {
    const out = [];
    for (const el of document.querySelectorAll("button, a[href], input:not([type=hidden]), select, textarea, summary")) {
      if (el.closest(".visually-hidden") || el.classList.contains("skip-link")) continue;
      if (el.tagName === "A" && el.closest("p, li") && !el.closest("nav")) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (Math.round(r.width) < ${min} || Math.round(r.height) < ${min}) out.push(el.tagName.toLowerCase() + " " + JSON.stringify((el.getAttribute("aria-label") || el.textContent || el.dataset.testid || "").trim().slice(0, 30)) + " " + Math.round(r.width) + "x" + Math.round(r.height));
    }
    return out;
  })()`)) as string[];
}

async function activeTestId(page: Page): Promise<string | null> {
  return (await page.evaluate("document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? null")) as string | null;
}

/**
 * Two layers of two traits each, weighted 99:1: 4 tokens need every combination, so uniqueness has to move every
 * count off its weight (3.96 expected for the common traits, 2 possible).
 */
function tightFolder(): string {
  const base = mkdtempSync(join(tmpdir(), "traitloom-a11y-"));
  const dir = join(base, "tight-layers");
  const copy = (from: string, to: string) => {
    mkdirSync(join(dir, to, ".."), { recursive: true });
    cpSync(join(DEMO, from), join(dir, to));
  };
  copy("01-Background/Sky#30.png", "01-Background/Sky#99.png");
  copy("01-Background/Night#8.png", "01-Background/Night#1.png");
  copy("02-Body/Blue Blob#35.png", "02-Body/Blob#99.png");
  copy("02-Body/Cosmic#3.png", "02-Body/Cosmic#1.png");
  return dir;
}

/** The demo layers plus a corrupt PNG: a project with one problem, in a temp folder. */
function brokenFolder(): string {
  const base = mkdtempSync(join(tmpdir(), "traitloom-a11y-"));
  const dir = join(base, "broken-layers");
  cpSync(DEMO, dir, { recursive: true, filter: (src) => !/README\.md$|LICENSE$/.test(src) });
  writeFileSync(join(dir, "04-Eyes/Broken#3.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]));
  return dir;
}

describe.skipIf(!executable)("studio design and accessibility (headless Chromium)", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  const temp: string[] = [];
  const site = mkdtempSync(join(tmpdir(), "traitloom-a11y-site-"));

  beforeAll(async () => {
    await buildStudio(site);
    ({ url, close } = await serveStudio(site));
    browser = await launchChromium(executable ?? "");
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    for (const t of [...temp, site]) rmSync(t, { recursive: true, force: true });
  });

  for (const size of SIZES) {
    describe(`${size.name} ${size.width}×${size.height}`, () => {
      let page: Page;
      const pageErrors: string[] = [];

      beforeAll(async () => {
        const context = await browser.newContext({ viewport: { width: size.width, height: size.height }, acceptDownloads: true });
        page = await context.newPage();
        page.on("pageerror", (e) => pageErrors.push(e.message));
        await page.goto(url);
      });

      afterAll(async () => {
        await page?.context().close();
      });

      /** No axe violation, no horizontal scroll at this size and at 360 wide on a phone, no tap target under 24 px. */
      async function checkState(state: string): Promise<void> {
        expect(await axeViolations(page), `axe violations, ${state}`).toEqual([]);
        expect(await smallTargets(page, 24), `tap targets under 24 px, ${state}`).toEqual([]);
        if (size.phone) {
          expect(await overflow(page), `horizontal overflow at 390, ${state}`).toBeLessThanOrEqual(0);
          // Buttons, fields and menus are 44 px tall on a phone (checkboxes are 24 px inside a 44 px label).
          const short = await page.evaluate(`[...document.querySelectorAll("button, input:not([type=checkbox]):not([type=hidden]), select")]
            .filter((el) => !el.closest(".visually-hidden") && !el.classList.contains("visually-hidden") && el.getBoundingClientRect().height > 0 && el.getBoundingClientRect().height < 44)
            .map((el) => el.outerHTML.slice(0, 80))`);
          expect(short, `controls under 44 px tall on a phone, ${state}`).toEqual([]);
          await page.setViewportSize({ width: 360, height: 740 });
          expect(await overflow(page), `horizontal overflow at 360, ${state}`).toBeLessThanOrEqual(0);
          await page.setViewportSize({ width: size.width, height: size.height });
        }
      }

      it("empty: the first screen explains the folder layout and naming, the demo one click away", async () => {
        await page.getByTestId("welcome").waitFor();
        const text = await page.getByTestId("welcome").innerText();
        expect(text).toContain("Name#weight.png");
        expect(text).toMatch(/One folder per layer/);
        expect(await page.getByTestId("welcome-demo-button").isEnabled()).toBe(true);
        expect(await page.locator("main").count()).toBe(1);
        // The file inputs are labelled, and out of the Tab order (their buttons open them).
        expect(await page.getByTestId("layers-input").getAttribute("aria-label")).toBeTruthy();
        expect(await page.getByTestId("zip-input").getAttribute("aria-label")).toBeTruthy();
        await checkState("empty");
      });

      it("problems: what is wrong, where, and which files will be left out, beside Generate, before generating", async () => {
        const dir = brokenFolder();
        temp.push(join(dir, ".."));
        await page.getByTestId("layers-input").setInputFiles(dir);
        await page.getByTestId("problem-summary").waitFor({ timeout: 30_000 });
        expect(await page.getByTestId("left-out-files").innerText()).toContain("04-Eyes/Broken#3.png");
        expect(await page.getByTestId("problems-consequence").innerText()).toMatch(/1 file is left out of the collection/);
        const item = page.getByTestId("error-item");
        expect(await item.count()).toBe(1);
        expect(await item.first().getAttribute("data-effect")).toBe("left-out");
        expect(await page.getByTestId("problems-link").getAttribute("href")).toBe("#problems");
        await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 30_000 }).toBe(12);
        await checkState("problems");

        // A ZIP that fails to load: its error stands apart, the project and its problem list stay as they were.
        const bad = join(dir, "..", "not-a-zip.zip");
        writeFileSync(bad, "this is not a zip");
        await page.getByTestId("zip-input").setInputFiles(bad);
        await page.getByTestId("load-error").waitFor();
        expect(await page.getByTestId("load-error").innerText()).toMatch(/not-a-zip\.zip: not a readable ZIP/);
        expect(await page.getByTestId("load-error").innerText()).toContain("The project below is unchanged");
        expect(await page.getByTestId("error-list").innerText()).not.toMatch(/not a readable ZIP/);
        expect(await page.getByTestId("error-item").count()).toBe(1);
        await expect.poll(() => activeTestId(page), { timeout: 5_000 }).toBe("load-error");
      });

      it("uniqueness: the preview says which trait counts moved off their weights, and by how much", async () => {
        const dir = tightFolder();
        temp.push(join(dir, ".."));
        await page.getByTestId("layers-input").setInputFiles(dir);
        await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 30_000 }).toBe("4");
        await page.getByTestId("count-input").fill("4");
        await page.getByTestId("preview-deviations").waitFor({ timeout: 30_000 });
        const moved = await page.getByTestId("preview-deviation").allInnerTexts();
        expect(await page.getByTestId("preview-deviations").innerText()).toMatch(/Uniqueness moved 4 trait counts/);
        expect(moved).toEqual(expect.arrayContaining(["Background: Sky, 2 instead of 4.0", "Background: Night, 2 instead of 0.0", "Body: Blob, 2 instead of 4.0", "Body: Cosmic, 2 instead of 0.0"]));
      });

      it("loaded: Load demo by keyboard puts focus on the project, and Generate is two keys away", async () => {
        await page.getByTestId("demo-button").focus();
        await page.keyboard.press("Enter");
        await expect.poll(() => page.locator("#project-title").innerText(), { timeout: 30_000 }).toBe("demo-layers");
        await expect.poll(() => page.getByTestId("load-status").count(), { timeout: 30_000 }).toBe(0);
        await expect.poll(() => activeTestId(page), { timeout: 5_000 }).toBe("project-title");
        expect(await page.getByTestId("load-error").count()).toBe(0);
        await page.keyboard.press("Tab");
        expect(await activeTestId(page)).toBe("jump-generate");
        await page.keyboard.press("Enter");
        expect(await activeTestId(page)).toBe("generate-button");

        // The skip link comes first in the Tab order and also lands on Generate.
        // After a reload, the first Tab.
        await page.reload();
        await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 30_000 }).toBe("86400");
        await page.keyboard.press("Tab");
        expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to the project");
        await page.keyboard.press("Tab");
        expect(await page.evaluate("document.activeElement?.textContent")).toBe("Skip to Generate");
        await page.keyboard.press("Enter");
        expect(await activeTestId(page)).toBe("generate-button");

        // Each layer's checkbox is named after its layer; the trait tables have no empty header.
        expect(await page.getByRole("checkbox", { name: "Show Background", exact: true }).count()).toBe(1);
        expect(await page.getByRole("checkbox", { name: "Show Headwear", exact: true }).count()).toBe(1);
        await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 30_000 }).toBe(12);
        await checkState("loaded");
        // The dark scheme keeps every contrast.
        await page.emulateMedia({ colorScheme: "dark" });
        expect(await axeViolations(page), "axe violations, loaded, dark").toEqual([]);
        await page.emulateMedia({ colorScheme: "light" });
      });

      it("labels: the output size says canvas vs traits, the menu the mode in effect; the detail follows a re-roll", async () => {
        await page.getByTestId("width-input").fill("1024");
        await page.getByTestId("height-input").fill("1024");
        await expect.poll(() => page.getByTestId("canvas-size").innerText()).toMatch(/1024×1024 px, scaled from the traits’ 512×512/);
        expect(await page.getByLabel(/Output width/).first().getAttribute("data-testid")).toBe("width-input");
        const widthLabel = await page.locator("label.field", { has: page.getByTestId("width-input") }).innerText();
        expect(widthLabel).toContain("512");
        expect(widthLabel).not.toContain("1024");
        expect(await page.getByTestId("resize-effect").innerText()).toMatch(/“fit” is in effect/);
        expect(await page.locator("[data-testid=resize-select] option[value=error]").innerText()).toMatch(/not while an output size is set/);
        await page.getByTestId("width-input").fill("");
        await page.getByTestId("height-input").fill("");
        await expect.poll(() => page.getByTestId("resize-effect").count()).toBe(0);

        await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 30_000 }).toBe(12);
        await page.getByTestId("preview-token").nth(2).click();
        const before = await page.getByTestId("token-detail").getAttribute("data-id");
        expect(await page.getByTestId("token-combination").innerText()).toMatch(/Combination hash \(the metadata's dna/);
        await page.getByTestId("reroll-button").click();
        await expect.poll(() => page.getByTestId("token-detail").getAttribute("data-id"), { timeout: 30_000 }).not.toBe(before);
        // The detail is the token now in the picked slot, not the one re-rolled away.
        const third = await page.getByTestId("preview-token").nth(2).innerText();
        expect(third).toContain(`#${await page.getByTestId("token-detail").getAttribute("data-id")}`);
      });

      it("generating: focus on the progress, milestones announced (not every update), no violations", async () => {
        await page.evaluate(`(() => {
          window.__said = [];
          const el = document.querySelector("[data-testid=progress-announcer]");
          new MutationObserver(() => window.__said.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
        })()`);
        await page.getByTestId("count-input").fill("10000");
        await expect.poll(() => page.getByTestId("generate-button").innerText()).toBe("Generate 10,000 tokens");
        await page.getByTestId("generate-button").focus();
        await page.keyboard.press("Enter");
        await expect.poll(() => activeTestId(page), { timeout: 5_000 }).toBe("progress");
        const progress = page.getByTestId("progress");
        expect(await progress.getAttribute("aria-live")).toBeNull();
        expect(await progress.getAttribute("role")).toBeNull();
        await expect.poll(async () => Number(await progress.getAttribute("data-done")), { timeout: 60_000 }).toBeGreaterThan(20);
        expect(await progress.getAttribute("data-state")).toBe("running");
        await checkState("generating");
        await page.getByTestId("cancel-button").click();
        await expect.poll(() => progress.getAttribute("data-state"), { timeout: 30_000 }).toBe("cancelled");

        await page.getByTestId("count-input").fill("40");
        await expect.poll(() => page.getByTestId("generate-button").innerText()).toBe("Generate 40 tokens");
        await page.getByTestId("generate-button").click();
        await page.getByTestId("download-button").waitFor({ timeout: 60_000 });
        await expect.poll(() => activeTestId(page), { timeout: 5_000 }).toBe("download-button");
        const said = (await page.evaluate("window.__said")) as string[];
        const distinct = said.filter((s, i) => s !== said[i - 1]);
        // Two runs: start, at most three quarters and "rendered", then the end: never one line per update.
        expect(distinct[0]).toMatch(/^Generating 10,000 tokens/);
        expect(distinct.some((s) => /^Cancelled after [\d,]+ of 10,000 tokens/.test(s))).toBe(true);
        expect(distinct.at(-1)).toMatch(/^Done: 40 tokens generated/);
        expect(distinct.length).toBeLessThanOrEqual(12);
      });

      it("finished: no violations; the rarity table sorts by any column and says how often each layer shows", async () => {
        await page.getByTestId("rarity-panel").waitFor();
        await checkState("finished");
        const col = (attr: string) => page.getByTestId("rarity-row").evaluateAll((rows, a) => rows.map((r) => r.getAttribute(a) ?? ""), attr);
        await page.getByTestId("rarity-sort-actual").click();
        const desc = (await col("data-actual")).map(Number);
        expect(desc).toEqual([...desc].sort((a, b) => b - a));
        expect(await page.locator("th", { has: page.getByTestId("rarity-sort-actual") }).getAttribute("aria-sort")).toBe("descending");
        await page.getByTestId("rarity-sort-actual").click();
        const asc = (await col("data-actual")).map(Number);
        expect(asc).toEqual([...asc].sort((a, b) => a - b));
        expect(asc[0]).toBeLessThan(asc.at(-1) ?? 0);
        await page.getByTestId("rarity-sort-trait").click();
        const names = await col("data-trait");
        expect(names).toEqual([...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
        // Headwear shows in every token but those with its None trait.
        const none = Number(await page.locator('[data-testid=rarity-row][data-layer="Headwear"][data-trait="None"]').getAttribute("data-actual"));
        expect(Number(await page.locator('[data-testid=layer-appearance] [data-layer="Headwear"]').getAttribute("data-share"))).toBeCloseTo(1 - none / 40, 6);
      });

      it("token browser: filter by several traits, find an id, jump to a page; rank, score and readable metadata", async () => {
        const count = async () => Number(await page.getByTestId("token-count").getAttribute("data-count"));
        const actual = async (layer: string, trait: string) => Number(await page.locator(`[data-testid=rarity-row][data-layer="${layer}"][data-trait="${trait}"]`).getAttribute("data-actual"));
        expect(await count()).toBe(40);
        await page.locator("[data-testid=trait-filters] summary").click();
        const filter = (layer: string, trait: string) => page.locator(`[data-testid=trait-filter][data-layer="${layer}"][data-trait="${trait}"]`);
        await expect.poll(() => filter("Background", "Sky").isEnabled(), { timeout: 20_000 }).toBe(true);
        await filter("Background", "Sky").check();
        await filter("Background", "Mint").check();
        // Two traits of one layer: tokens with either.
        await expect.poll(count).toBe((await actual("Background", "Sky")) + (await actual("Background", "Mint")));
        const eitherCount = await count();
        await filter("Body", "Pink Bean").check();
        // And a trait of another layer: tokens with both.
        await expect.poll(count).toBeLessThanOrEqual(Math.min(eitherCount, await actual("Body", "Pink Bean")));
        if ((await count()) > 0) {
          await page.getByTestId("ranked-token").first().click();
          const detail = await page.getByTestId("token-metadata").innerText();
          expect(detail).toMatch(/Background\s+(Sky|Mint)/);
          expect(detail).toMatch(/Body\s+Pink Bean/);
          expect(detail).toMatch(/Rank \d+ of 40 · rarity score \d+\.\d\d/);
          expect(detail).not.toContain('"attributes"');
        }
        await page.getByRole("button", { name: "Clear all" }).click();
        await expect.poll(count).toBe(40);

        await page.getByTestId("token-search").fill("7");
        await expect.poll(() => page.getByTestId("ranked-token").first().getAttribute("data-id")).toBe("7");
        const ids = await page.getByTestId("ranked-token").evaluateAll((els) => els.map((e) => e.getAttribute("data-id") ?? ""));
        expect(ids.every((id) => id.startsWith("7"))).toBe(true);
        await page.getByTestId("token-search").fill("");

        // 40 tokens, 24 a page: page 2 holds the other 16, ranked after page 1's (ties share a rank, so the 25th
        // token may have rank 24).
        const shown = async (): Promise<Array<{ id: string; rank: number }>> =>
          page.getByTestId("ranked-token").evaluateAll((els) => els.map((e) => ({ id: e.getAttribute("data-id") ?? "", rank: Number(e.getAttribute("data-rank")) })));
        await expect.poll(async () => (await shown()).length).toBe(24);
        const first = await shown();
        await page.getByTestId("token-page-input").fill("2");
        await page.getByTestId("token-page-input").press("Enter");
        await expect.poll(async () => (await shown()).length).toBe(16);
        const second = await shown();
        expect(second.some((t) => first.some((f) => f.id === t.id))).toBe(false);
        expect(second[0]?.rank).toBeGreaterThanOrEqual(Math.max(...first.map((t) => t.rank)));
        expect(second[0]?.rank).toBeLessThanOrEqual(25);
        await checkState("token browser");
        expect(pageErrors).toEqual([]);
      });
    });
  }
});

/**
 * Re-roll one token and ban another's combination in the studio's preview (headless Chromium): the preview updates,
 * the edits are listed with the counts they moved, undo and redo cover them, they survive a reload, the exported
 * traitloom.json holds them as `reroll` and `ban`, and the generated ZIP's tokens are what the Node library makes of
 * that traitloom.json (DNA, metadata, input hash). No axe-core violation with the edits shown.
 * SCREENSHOT_DIR=docs/screenshots also saves the preview with its edits at 1440x900 and 390x844.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.js";
import { generateCollection } from "../../src/node/generate.js";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, openStudio } from "./studio-driver.js";

const executable = chromiumOrSkip();

/** This suite's own site, so another suite's build cannot empty it mid-run. */
const OUT_DIR = join(REPO, "web-dist-reroll");
const DEMO = join(REPO, "assets/demo-layers");
const COUNT = 30;
const SEED = "reroll-e2e";

describe.skipIf(!executable)("re-roll and ban in the preview (headless Chromium)", () => {
  let browser: Browser;
  let page: Page;
  let close: () => Promise<void>;
  const pageErrors: string[] = [];
  const temp = mkdtempSync(join(tmpdir(), "traitloom-reroll-e2e-"));

  beforeAll(async () => {
    await buildStudio(OUT_DIR);
    let url: string;
    ({ url, close } = await serveStudio(OUT_DIR));
    browser = await launchChromium(executable ?? "");
    page = await openStudio(browser, url, { width: 1440, height: 900 }, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    rmSync(temp, { recursive: true, force: true });
    rmSync(OUT_DIR, { recursive: true, force: true });
  });

  const combination = async (p: Page): Promise<string> => p.getByTestId("token-combination").locator("code").first().innerText();
  const edits = (p: Page) => p.getByTestId("token-edit");

  it("re-rolls token 3 and bans token 6's combination; the ZIP is what the Node library makes of the exported traitloom.json", async () => {
    await page.getByTestId("demo-button").click();
    await page.getByTestId("count-input").fill(String(COUNT));
    await page.getByTestId("seed-input").fill(SEED);
    await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 30_000 }).toBe(12);
    await expect.poll(() => page.getByTestId("preview-status").innerText()).toBe(`tokens 1–12 of ${COUNT}`);

    // Re-roll token 3: the slot shows a new combination at once, and the list says what it was and is.
    await page.getByTestId("preview-token").nth(2).click();
    await expect.poll(() => page.getByTestId("token-detail").getAttribute("data-id")).toBe("3");
    const before3 = await combination(page);
    await page.getByTestId("reroll-token").click();
    await expect.poll(() => edits(page).count()).toBe(1);
    await expect.poll(() => combination(page), { timeout: 20_000 }).not.toBe(before3);
    const after3 = await combination(page);
    await expect.poll(() => edits(page).first().innerText()).toContain(`Token #3 re-rolled (combination ${before3} → ${after3})`);
    // Again: the next draw (`times: 2`), another combination; undo goes back to the first re-roll.
    await page.getByTestId("reroll-token").click();
    await expect.poll(() => edits(page).first().innerText()).toContain("Token #3 re-rolled 2 times");
    await expect.poll(() => combination(page), { timeout: 20_000 }).not.toBe(after3);
    expect(await combination(page)).not.toBe(before3);
    await page.getByTestId("undo-button").click();
    await expect.poll(() => combination(page), { timeout: 20_000 }).toBe(after3);
    expect(await edits(page).count()).toBe(1);

    // Ban token 6's combination: it is re-rolled, and no token of the preview has it.
    await page.getByTestId("preview-token").nth(5).click();
    await expect.poll(() => page.getByTestId("token-detail").getAttribute("data-id")).toBe("6");
    const banned6 = await combination(page);
    await page.getByTestId("ban-combination").click();
    await expect.poll(() => edits(page).count()).toBe(2);
    await expect.poll(() => combination(page), { timeout: 20_000 }).not.toBe(banned6);
    const after6 = await combination(page);
    await expect.poll(() => edits(page).nth(1).innerText()).toContain(`(token #6 had it: now ${after6})`);
    expect(await page.getByTestId("token-edits-moved-count").count()).toBeGreaterThan(0);
    // The demo's 86,400 combinations less the one banned.
    expect(await page.getByTestId("token-edits-capacity").innerText()).toBe("The bans take 1 combination out of the capacity: 86,399 unique combinations left.");
    expect(await page.getByTestId("preview-message").count()).toBe(0);
    // The grid marks the tokens the edits changed.
    const marked = await page.getByTestId("preview-token").evaluateAll((els) => els.filter((e) => e.querySelector("[data-testid=preview-token-edited]")).map((e) => e.querySelector("strong")?.textContent));
    expect(marked).toEqual(["#3", "#6"]);

    // Undo takes the ban away (token 6 has its combination again), redo brings it back.
    await page.getByTestId("undo-button").click();
    await expect.poll(() => edits(page).count()).toBe(1);
    await expect.poll(() => combination(page), { timeout: 20_000 }).toBe(banned6);
    await page.getByTestId("redo-button").click();
    await expect.poll(() => edits(page).count()).toBe(2);
    await expect.poll(() => combination(page), { timeout: 20_000 }).toBe(after6);

    expect(await axeViolations(page, "#preview")).toEqual([]);
    const shots = process.env.SCREENSHOT_DIR;
    if (shots) {
      // The grid with its marked tokens, the picked token's buttons and the start of the edits.
      await page.getByTestId("preview-grid").evaluate((e) => e.scrollIntoView({ block: "start" }));
      await page.screenshot({ path: join(shots, "reroll-desktop.png") });
    }

    // The exported traitloom.json holds the edits in the CLI's shape.
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const exported = JSON.parse(readFileSync(await configDownload.path(), "utf8")) as unknown;
    const saved = parseConfig(exported);
    expect(saved.reroll).toEqual([{ id: 3 }]);
    expect(saved.ban).toHaveLength(1);
    expect(saved.ban?.[0]).toHaveLength(7);

    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 120_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const text = (name: string): string => new TextDecoder().decode(zip[name]);

    // The Node library on the exported traitloom.json and the same layers.
    const out = join(temp, "node");
    const lines: string[] = [];
    await generateCollection({ config: saved, layersDir: DEMO, outDir: out, workers: 1, onLog: (l) => lines.push(l) });
    expect(lines).toContain(`re-rolled (reroll[0]): token 3: dna ${before3} → ${after3}`);
    expect(lines).toContain(`banned combination (ban[0]): token 6: dna ${banned6} → ${after6}`);
    type Manifest = { inputHash: string; tokens: Array<{ id: number; dna: string; dnaHash: string }> };
    const ours = JSON.parse(text("manifest.json")) as Manifest;
    const node = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as Manifest;
    expect(ours.tokens.map((t) => t.dna)).toEqual(node.tokens.map((t) => t.dna));
    expect(ours.tokens[2]?.dna).toBe(after3);
    expect(ours.tokens[5]?.dna).toBe(after6);
    expect(ours.tokens.map((t) => t.dna)).not.toContain(banned6);
    expect(ours.inputHash).toBe(node.inputHash);
    expect(text("_metadata.json")).toBe(readFileSync(join(out, "_metadata.json"), "utf8"));
    for (const t of node.tokens) expect(text(`metadata/${t.id}.json`), `metadata/${t.id}.json`).toBe(readFileSync(join(out, `metadata/${t.id}.json`), "utf8"));
    expect(pageErrors).toEqual([]);
  });

  it("keeps the edits across a reload, removes one, and has no axe-core violation at a phone's size", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await expect.poll(() => edits(page).count(), { timeout: 30_000 }).toBe(2);
    await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 30_000 }).toBe(12);
    await page.getByTestId("preview-token").nth(2).click();
    await expect.poll(() => page.getByTestId("token-detail").getAttribute("data-id")).toBe("3");
    const box = await page.getByTestId("token-edits").boundingBox();
    expect(box && box.x + box.width).toBeLessThanOrEqual(390);
    expect(await axeViolations(page, "#preview")).toEqual([]);
    const shots = process.env.SCREENSHOT_DIR;
    if (shots) {
      await page.getByTestId("token-edits").scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(shots, "reroll-phone.png") });
    }
    await page.getByRole("button", { name: "Remove the re-roll of token #3" }).click();
    await expect.poll(() => edits(page).count()).toBe(1);
    expect(await edits(page).first().getAttribute("data-kind")).toBe("ban");
    expect(pageErrors).toEqual([]);
  });
});

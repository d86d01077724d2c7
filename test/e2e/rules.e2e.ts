/**
 * The studio's rules panel in headless Chromium: a rule built in the UI changes the live capacity, the moves it
 * forces are listed, a fixed quantity is set per trait; the generated ZIP has no token breaking a rule and the fixed
 * quantity met exactly; the saved traitloom.json is the CLI's shape; the panel has no axe-core violations.
 */
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.js";
import { buildStudio, launchChromium, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, openStudio } from "./studio-driver.js";

const executable = chromiumOrSkip();


interface Token {
  attributes: Array<{ trait_type: string; value: string }>;
}

describe.skipIf(!executable)("rules panel (headless Chromium)", () => {
  let browser: Browser;
  let page: Page;
  let close: () => Promise<void>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildStudio();
    let url: string;
    ({ url, close } = await serveStudio());
    browser = await launchChromium(executable ?? "");
    page = await openStudio(browser, url, { width: 1280, height: 900 }, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  const capacity = async (p: Page): Promise<string | null> => p.getByTestId("rules-capacity").getAttribute("data-value");

  async function addRule(p: Page, subject: string, kind: string, target: string): Promise<void> {
    await p.getByTestId("rule-subject").fill(subject);
    await p.getByTestId("rule-kind").selectOption(kind);
    await p.getByTestId("rule-target").fill(target);
    await p.getByTestId("rule-add").click();
  }

  it("builds rules and a fixed quantity, sees the capacity change, and generates a collection that keeps them", async () => {
    await page.getByTestId("demo-button").click();
    // The demo layers: 6 x 5 x 4 x 6 x 5 x 6 x 4 = 86,400.
    await expect.poll(() => capacity(page), { timeout: 20_000 }).toBe("86400");
    await page.getByTestId("count-input").fill("100");
    await page.getByTestId("seed-input").fill("rules-e2e");

    // A typo is refused in words, and no rule is added.
    await addRule(page, "Headwear/Crwn", "never", "Eyes/Laser");
    expect(await page.getByTestId("rule-form-error").innerText()).toContain("“Headwear/Crwn” is no trait of the layers");
    expect(await page.getByTestId("rule-item").count()).toBe(0);

    // Crown doesn't mix with Laser: 86,400 less the 86,400 / 36 with both.
    await addRule(page, "Headwear/Crown", "never", "Eyes/Laser");
    await expect.poll(() => capacity(page)).toBe("84000");
    expect(await page.getByTestId("rule-item").first().innerText()).toContain("“Headwear/Crown” doesn't mix with “Eyes/Laser”");

    // Laser only mixes with Cosmic: Laser's 14,400 combinations keep the fifth with Cosmic, less those with Crown.
    await addRule(page, "Eyes/Laser", "only", "Body/Cosmic");
    await expect.poll(() => capacity(page)).toBe(String(72_000 + 2_880 - 480));
    // Laser's share of 100 (5) is above Cosmic's 3: the rule brings Laser down, and the panel says so.
    const move = page.locator('[data-testid=rule-move][data-id="Eyes/Laser"]');
    await move.waitFor();
    expect(await move.innerText()).toMatch(/Eyes \/ Laser: 5\.0 by weight → 3, moved by rules\[1\]/);

    // A fixed quantity per trait: exactly 7 crowns (their share would be 2).
    await page.getByTestId("counts-details").locator("summary").click();
    await page.getByTestId("counts-filter").fill("crown");
    await page.locator('[data-testid=fixed-count][data-id="Headwear/Crown"]').fill("7");
    await expect.poll(() => page.getByTestId("counts-details").locator("summary").innerText()).toContain("(1 set)");

    // No axe-core violation in the panel, with its form, lists and table open.
    const violations = (await axeViolations(page, "[data-testid=rules-panel]")).map((v) => `${v.id} (${v.nodes.length})`);
    expect(violations).toEqual([]);

    // The saved traitloom.json holds the rules and the count in the CLI's shape.
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const saved = parseConfig(JSON.parse(readFileSync(await configDownload.path(), "utf8")));
    expect(saved.rules).toEqual([{ never: ["Headwear/Crown", "Eyes/Laser"] }, { only: "Eyes/Laser", with: "Body/Cosmic" }]);
    expect(saved.counts).toEqual({ "Headwear/Crown": 7 });

    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const tokens = JSON.parse(new TextDecoder().decode(zip["_metadata.json"])) as Token[];
    expect(tokens).toHaveLength(100);
    let crowns = 0;
    let lasers = 0;
    for (const t of tokens) {
      const x = Object.fromEntries(t.attributes.map((a) => [a.trait_type, a.value]));
      expect(x.Headwear === "Crown" && x.Eyes === "Laser").toBe(false);
      if (x.Eyes === "Laser") {
        lasers++;
        expect(x.Body).toBe("Cosmic");
      }
      if (x.Headwear === "Crown") crowns++;
    }
    expect(crowns).toBe(7);
    expect(lasers).toBe(3);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the rules and counts across a reload, and removes a rule", async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId("rule-item").count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => capacity(page)).toBe(String(72_000 + 2_880 - 480));
    await page.getByRole("button", { name: /^Remove rule 2:/ }).click();
    await expect.poll(() => capacity(page)).toBe("84000");
    expect(pageErrors).toEqual([]);
  });
});

/**
 * Blend and opacity in the studio for a flat (HashLips-style) layer, at both window sizes: the layer's mode and
 * opacity and one trait's own mode, set in the layers panel, are saved in traitloom.json as the CLI reads them, and
 * the ZIP's tokens are the Node engine's for that traitloom.json and seed (metadata bytes equal, pixels within 3:
 * blend modes go through the shared compositor in both). No axe-core violation with the settings open; a
 * screenshot of them at each size in docs/screenshots/.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, compareWithNode, generateInStudio, openStudio, WINDOW_SIZES } from "./studio-driver.js";

const executable = chromiumOrSkip();
const SITE = join(REPO, "web-dist-draw");

describe.skipIf(!executable)("blend and opacity of a flat layer (headless Chromium)", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  let temp: string;

  beforeAll(async () => {
    temp = mkdtempSync(join(tmpdir(), "traitloom-draw-"));
    await buildStudio(SITE);
    ({ url, close } = await serveStudio(SITE));
    browser = await launchChromium(executable ?? "");
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    rmSync(temp, { recursive: true, force: true });
    rmSync(SITE, { recursive: true, force: true });
  });

  for (const size of WINDOW_SIZES) {
    it(`sets a layer's and a trait's blend and opacity, saved and drawn as the CLI does, ${size.name}`, async () => {
      const page = await openStudio(browser, url, size);
      const layers = join(temp, `layers-${size.name}`);
      cpSync(join(REPO, "assets/demo-layers"), layers, { recursive: true, filter: (src) => !/README\.md$|LICENSE$/.test(src) });
      await page.getByTestId("layers-input").setInputFiles(layers);
      await expect.poll(() => page.getByTestId("layer").count(), { timeout: 30_000 }).toBe(7);

      const settings = page.locator('[data-testid=draw-settings][data-folder="03-Pattern"]');
      expect(await settings.locator("summary").innerText()).toContain("normal, opaque");
      await settings.locator("summary").click();
      await settings.getByTestId("layer-blend").selectOption("multiply");
      await settings.getByTestId("layer-opacity").fill("0.6");
      const spots = settings.locator('[data-testid=trait-draw][data-trait="Spots"]');
      await spots.getByTestId("trait-blend").selectOption("screen");
      await spots.getByTestId("trait-opacity").fill("0.9");
      // A value out of range is said next to the field and not taken.
      const stripes = settings.locator('[data-testid=trait-draw][data-trait="Stripes"]');
      await stripes.getByTestId("trait-opacity").fill("1.5");
      expect(await stripes.locator(".field-error").innerText()).toBe("expected a number from 0 to 1");
      await stripes.getByTestId("trait-opacity").fill("");
      await expect.poll(() => settings.locator("summary").innerText()).toContain("multiply · opacity 0.6 · 1 trait of their own");

      expect(await axeViolations(page), "axe with the blend settings open").toEqual([]);
      await settings.screenshot({ path: join(REPO, `docs/screenshots/draw-settings-${size.name}.png`) });

      const { zip, config } = await generateInStudio(page, 16, `draw-${size.name}`);
      const pattern = config.layers?.find((l) => (typeof l === "string" ? l : l.folder) === "03-Pattern");
      expect(pattern).toMatchObject({ blend: "multiply", opacity: 0.6, traits: { Spots: { blend: "screen", opacity: 0.9 } } });
      expect(JSON.stringify(pattern)).not.toContain("Stripes");
      expect(await compareWithNode(layers, config, zip, join(temp, `node-${size.name}`))).toBe(16);
      await page.context().close();
    }, 180_000);
  }
});

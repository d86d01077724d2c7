/**
 * The studio's outputs panel in headless Chromium: Solana chosen with its options (a bad value refused in core's
 * words first), the saved traitloom.json has them, and the generated ZIP holds a Sugar assets folder that core's
 * validator takes: every asset from 0 without a gap, while the same folder less one asset names the missing number.
 * No axe-core violations in the panel, at a desktop and a phone size.
 */
import { readFileSync } from "node:fs";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.js";
import { memoryFolder, validateFolder } from "../../src/core/targets/index.js";
import { buildStudio, launchChromium, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, openStudio } from "./studio-driver.js";

const executable = chromiumOrSkip();

/** A base58 Solana address (32 bytes). */
const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const COUNT = 12;

/** The ZIP's files as a folder core's validators read: JSON as text, every other file only by its name. */
function folderOfZip(zip: Record<string, Uint8Array>): Record<string, string> {
  const text = new TextDecoder();
  return Object.fromEntries(Object.entries(zip).filter(([path]) => !path.endsWith("/")).map(([path, bytes]) => [path, path.endsWith(".json") ? text.decode(bytes) : ""]));
}

describe.skipIf(!executable)("outputs panel (headless Chromium)", () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  let close: () => Promise<void>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildStudio();
    ({ url, close } = await serveStudio());
    browser = await launchChromium(executable ?? "");
    page = await openStudio(browser, url, { width: 1440, height: 900 }, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
  });

  it("writes a Solana assets folder into the ZIP that core's validator takes, numbered from 0", async () => {
    await page.getByTestId("demo-button").click();
    await page.getByTestId("outputs-panel").waitFor({ timeout: 20_000 });
    await page.getByTestId("count-input").fill(String(COUNT));
    await page.getByTestId("seed-input").fill("outputs-e2e");

    await page.getByTestId("output-solana-toggle").check();
    await page.getByTestId("output-solana-symbol").fill("LOOM");
    // Royalties over 100% are refused in core's words, and not applied.
    await page.getByTestId("output-solana-sellerFeeBasisPoints").fill("20000");
    expect(await page.getByTestId("outputs-errors").innerText()).toContain("outputs.solana.sellerFeeBasisPoints: expected a number <= 10000, found 20000");
    expect(await page.getByTestId("output-solana-sellerFeeBasisPoints").getAttribute("aria-invalid")).toBe("true");
    await page.getByTestId("output-solana-sellerFeeBasisPoints").fill("500");
    await page.getByTestId("output-solana-creator-add").click();
    await page.getByTestId("output-solana-creator-address-0").fill("not-an-address");
    expect(await page.getByTestId("outputs-errors").innerText()).toContain("outputs.solana.creators[0].address: expected a Solana address (base58 of 32 bytes)");
    await page.getByTestId("output-solana-creator-address-0").fill(CREATOR);
    await expect.poll(() => page.getByTestId("outputs-errors").count()).toBe(0);

    expect(await axeViolations(page, "[data-testid=outputs-panel]")).toEqual([]);

    // The saved traitloom.json has the outputs as the CLI reads them.
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const saved = parseConfig(JSON.parse(readFileSync(await configDownload.path(), "utf8")));
    expect(saved.outputs).toEqual({ erc721: {}, solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: CREATOR, share: 100 }] } });

    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const files = folderOfZip(zip);

    const assets = Object.keys(files).filter((p) => p.startsWith("solana/assets/")).map((p) => p.slice("solana/assets/".length)).sort();
    const numbered = (ext: string) => Array.from({ length: COUNT }, (_, n) => `${n}.${ext}`);
    expect(assets).toEqual([...numbered("json"), ...numbered("png")].sort());
    // The same image bytes as the collection's own (ids from 1, assets from 0).
    expect(zip["solana/assets/0.png"]).toEqual(zip["images/1.png"]);
    const first = JSON.parse(files["solana/assets/0.json"] ?? "") as Record<string, unknown>;
    expect(first).toMatchObject({ name: "Traitloom #1", symbol: "LOOM", seller_fee_basis_points: 500, properties: { category: "image", creators: [{ address: CREATOR, share: 100 }] } });

    const report = await validateFolder(memoryFolder(files), "solana");
    expect(report.folder).toBe("solana/assets");
    expect(report.tokens).toBe(COUNT);
    expect(report.problems).toEqual([]);

    // One asset less: the validator names the missing number, as Sugar would refuse the folder.
    const broken = { ...files };
    delete broken["solana/assets/5.json"];
    delete broken["solana/assets/5.png"];
    const brokenReport = await validateFolder(memoryFolder(broken), "solana");
    const gap = brokenReport.problems.find((p) => p.rule === "solana.notContinuous");
    expect(gap).toMatchObject({ file: "5.json" });
    expect(gap?.detail).toContain("5.json is missing");
    expect(pageErrors).toEqual([]);
  });

  it("keeps the outputs across a reload and has no axe-core violations at a phone's size", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByTestId("outputs-panel").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("output-solana-toggle").isChecked()).toBe(true);
    expect(await page.getByTestId("output-solana-symbol").inputValue()).toBe("LOOM");
    expect(await page.getByTestId("output-solana-creator-address-0").inputValue()).toBe(CREATOR);
    const panel = await page.getByTestId("outputs-panel").boundingBox();
    expect(panel && panel.x + panel.width).toBeLessThanOrEqual(390);
    expect(await axeViolations(page, "[data-testid=outputs-panel]")).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

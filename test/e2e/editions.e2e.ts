/**
 * Editions in the studio (headless Chromium, 1440×900 and 390×844): the datlips-shaped fixture's project folder
 * with its traitloom.json (two editions, ids mixed by the seed) loads into the editions panel with each edition's id,
 * count, layers and capacity; the preview shows tokens of both; the exported traitloom.json holds the fixture's
 * editions; the ZIP equals the Node library's collection from that traitloom.json (every metadata file and
 * _metadata.json byte for byte, pixels within 3 per channel). A count past an edition's capacity shows core's
 * refusal and blocks Generate, undone with Ctrl+Z; an edition is added, given a layer and removed; with editions the
 * 1-of-1s panel shows core's refusal and Generate does not run into it. axe-core finds no violation.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unzipSync } from "fflate";
import sharp from "sharp";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig, type TraitloomConfig } from "../../src/core/config.js";
import { ONE_OF_ONES_WITH_EDITIONS } from "../../src/core/editionCapacity.js";
import { generateCollection } from "../../src/node/generate.js";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip } from "./studio-driver.js";
import { decodePng, maxChannelDifference } from "./reference.js";
import { manifestDna, manifestWithoutImageHashes, text } from "../contract/compare.js";

const executable = chromiumOrSkip();

const FIXTURE = join(REPO, "test/fixtures/datlips-mini");
/** Two PNG encoders and two decoders (sharp, createImageBitmap): see contract.e2e.ts. */
const MAX_CHANNEL_DIFFERENCE = 3;
const SEED = "editions-e2e";
/** Where the screenshots go: docs/screenshots with TRAITLOOM_SCREENSHOTS=docs/screenshots, else a temporary folder. */
const SHOTS = process.env.TRAITLOOM_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), "traitloom-editions-shots-"));
mkdirSync(SHOTS, { recursive: true });



/** Editions' layer entries with the folder spelled out (the studio writes it, `init --from` only where it differs). */
function withFolders(editions: TraitloomConfig["editions"]): unknown {
  return editions?.map((e) => ({ ...e, layers: e.layers.map((l) => (typeof l === "string" ? { name: l, folder: l } : { ...l, folder: l.folder ?? l.name })) }));
}

describe.skipIf(!executable)("editions in the studio (headless Chromium)", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  const temp = mkdtempSync(join(tmpdir(), "traitloom-editions-"));
  const site = join(temp, "site");

  beforeAll(async () => {
    // A site of its own: other suites build theirs into web-dist/ at the same time.
    await buildStudio(site);
    ({ url, close } = await serveStudio(site));
    browser = await launchChromium(executable ?? "");
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    rmSync(temp, { recursive: true, force: true });
  });

  /** A copy of the fixture project (layers/ beside traitloom.json and config.js), as a user picks it. */
  function project(name: string): string {
    const dir = join(temp, name, "datlips-mini");
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  }

  async function open(width: number, height: number): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width, height } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(url);
    return { page, errors };
  }

  async function loadFixture(page: Page, dir: string): Promise<void> {
    await page.getByTestId("layers-input").setInputFiles(dir);
    await expect.poll(() => page.getByTestId("edition").count(), { timeout: 30_000 }).toBe(2);
    await page.getByTestId("seed-input").fill(SEED);
  }

  it("runs the fixture's two editions as the Node library does from the exported traitloom.json", async () => {
    const { page, errors } = await open(1440, 900);
    const dir = project("desktop");
    await loadFixture(page, dir);
    const fixture = JSON.parse(readFileSync(join(FIXTURE, "traitloom.json"), "utf8")) as TraitloomConfig;

    // Each edition with its id, count, layers (bottom first) and capacity on them.
    const listed = await page.getByTestId("edition").evaluateAll((els) => els.map((e) => [e.getAttribute("data-id"), e.getAttribute("data-count")]));
    expect(listed).toEqual([["Mini Fish", "12"], ["Skeletal Mini Fish", "8"]]);
    const second = page.getByTestId("edition").nth(1);
    expect(await second.getByTestId("edition-layer").evaluateAll((els) => els.map((e) => e.getAttribute("data-folder")))).toEqual(["SkeletalArms", "SkeletalBody", "SkeletalAccessories"]);
    const capacities = await page.getByTestId("edition-capacity").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
    expect(capacities[0]).toBeGreaterThanOrEqual(12);
    expect(capacities[1]).toBeGreaterThanOrEqual(8);
    expect(await page.getByTestId("edition-refusal").count()).toBe(0);
    expect(await page.getByTestId("editions-shuffle").isChecked()).toBe(true);
    expect(await page.getByTestId("count-input").isDisabled()).toBe(true);
    expect(await page.getByTestId("count-input").inputValue()).toBe("20");
    expect(await page.getByTestId("generate-button").innerText()).toBe("Generate 20 tokens");
    // The project's facts count the folders' traits (not the trait a layer holds on other editions' tokens).
    expect(await page.getByTestId("project-facts").innerText()).toMatch(/^9 layers · 18 traits · 56 unique combinations/);
    // The layers panel shows every layer an edition draws; its Show is the editions' to set.
    expect(await page.getByTestId("layers-editions-hint").count()).toBe(1);
    expect(await page.locator('[data-testid=layer][data-folder="SkeletalArms"] [data-testid=layer-visible]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid=layer][data-folder="SkeletalArms"] [data-testid=layer-visible]').isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Move Arms down", exact: true }).isDisabled()).toBe(true);
    // The rules panel counts no capacity of the joined layers: each edition has its own.
    expect(await page.getByTestId("rules-capacity").innerText()).toMatch(/^With editions, each rule and fixed count applies in every edition whose layers hold all its ids/);
    // The preview shows tokens of both editions (ids mixed by the seed).
    await expect.poll(() => page.getByTestId("preview-token-edition").count(), { timeout: 30_000 }).toBe(12);
    const shown = new Set((await page.getByTestId("preview-token-edition").allTextContents()).map((t) => t.trim()));
    expect([...shown].sort()).toEqual(["Mini Fish", "Skeletal Mini Fish"]);
    expect(await axeViolations(page), "axe with editions").toEqual([]);
    await page.locator("#preview").screenshot({ path: join(SHOTS, "editions-preview-desktop.png") });
    await page.getByTestId("editions-panel").evaluate((e) => e.scrollIntoView({ block: "start" }));
    await page.screenshot({ path: join(SHOTS, "editions-desktop.png") });

    // The exported traitloom.json: the fixture's editions, no top-level count or layers.
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const exported = parseConfig(JSON.parse(readFileSync(await configDownload.path(), "utf8")), "traitloom.json");
    expect(withFolders(exported.editions)).toEqual(withFolders(fixture.editions));
    expect([exported.count, exported.layers, exported.shuffle, exported.seed]).toEqual([undefined, undefined, "ids", SEED]);

    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));

    const outDir = join(temp, "node-out");
    await generateCollection({ layersDir: join(dir, "layers"), config: exported, outDir, workers: 1 });
    const decoder = new TextDecoder();
    const metadataFiles = readdirSync(join(outDir, "metadata")).sort();
    expect(metadataFiles).toHaveLength(20);
    expect(Object.keys(zip).filter((n) => /^metadata\/\d+\.json$/.test(n)).sort()).toEqual(metadataFiles.map((f) => `metadata/${f}`));
    expect(decoder.decode(zip["_metadata.json"])).toBe(readFileSync(join(outDir, "_metadata.json"), "utf8"));
    // The manifest's DNA (trait numbers per layer, every edition's layers), its hashes of the inputs and config, the rarity.
    const studioFiles = new Map(Object.entries(zip));
    const nodeFiles = new Map(["manifest.json", "rarity.json", "rarity.csv"].map((n) => [n, new Uint8Array(readFileSync(join(outDir, n)))]));
    expect(manifestDna(studioFiles)).toEqual(manifestDna(nodeFiles));
    expect(manifestDna(studioFiles)).toHaveLength(20);
    expect(manifestWithoutImageHashes(studioFiles)).toEqual(manifestWithoutImageHashes(nodeFiles));
    for (const name of ["rarity.json", "rarity.csv"]) expect(text(studioFiles, name), name).toBe(text(nodeFiles, name));
    const tokens: Array<{ name: string; dna: string; attributes: Array<{ trait_type: string }> }> = [];
    for (const f of metadataFiles) {
      const studio = decoder.decode(zip[`metadata/${f}`]);
      expect(studio, f).toBe(readFileSync(join(outDir, "metadata", f), "utf8"));
      tokens.push(JSON.parse(studio) as (typeof tokens)[number]);
      const image = `images/${f.replace(".json", ".png")}`;
      const a = await decodePng(zip[image] ?? new Uint8Array());
      const b = await decodePng(new Uint8Array(readFileSync(join(outDir, image))));
      expect(maxChannelDifference(a.rgba, b.rgba), image).toBeLessThanOrEqual(MAX_CHANNEL_DIFFERENCE);
    }
    // Each edition's own layers and names, unique DNA across both, ids mixed.
    const skeletal = tokens.map((t) => t.name.startsWith("Skeletal Mini Fish #"));
    expect(skeletal.filter(Boolean)).toHaveLength(8);
    for (const [i, t] of tokens.entries()) {
      const types = t.attributes.map((a) => a.trait_type);
      // SkeletalArms is not in metadata (exclude), SkeletalAccessories' None writes no attribute.
      if (skeletal[i]) expect(types.filter((x) => x !== "SkeletalAccessories")).toEqual(["SkeletalBody"]);
      else expect(types).toContain("Color");
    }
    expect(new Set(tokens.map((t) => t.dna)).size).toBe(20);
    expect(skeletal.slice(0, 12).every((s) => !s)).toBe(false);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("shows core's refusal for a count past an edition's capacity, undone with Ctrl+Z; adds, fills and removes an edition", async () => {
    const { page, errors } = await open(1440, 900);
    const dir = project("refusal");
    await loadFixture(page, dir);
    const second = page.getByTestId("edition").nth(1);
    const capacity = Number(await second.getByTestId("edition-capacity").getAttribute("data-value"));
    await second.getByTestId("edition-count").fill(String(capacity + 1));
    const refusal = await second.getByTestId("edition-refusal").innerText();
    expect(refusal).toMatch(new RegExp(`^editions\\[1\\] \\("Skeletal Mini Fish"\\): count: expected at most ${capacity} tokens \\(the unique combinations: .*\\), found ${capacity + 1}; add traits or lower the count$`));
    // The Node library refuses the same config with the same line.
    const fixture = parseConfig(JSON.parse(readFileSync(join(FIXTURE, "traitloom.json"), "utf8")), "traitloom.json");
    const over: TraitloomConfig = { ...fixture, seed: SEED, editions: fixture.editions?.map((e, i) => (i === 1 ? { ...e, count: capacity + 1 } : e)) };
    await expect(generateCollection({ layersDir: join(dir, "layers"), config: over, outDir: join(temp, "refused"), workers: 1 })).rejects.toThrow(refusal);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(true);
    expect(await page.getByTestId("progress").innerText()).toContain("blocked: an edition's count is more than its unique combinations (see Editions)");
    expect(await page.getByTestId("count-input").inputValue()).toBe(String(12 + capacity + 1));
    expect(await axeViolations(page), "axe with a refusal").toEqual([]);
    await second.screenshot({ path: join(SHOTS, "editions-refusal-desktop.png") });
    // Typing the count is one undo step.
    await page.keyboard.press("Control+z");
    await expect.poll(() => page.getByTestId("edition").nth(1).getAttribute("data-count")).toBe("8");
    expect(await page.getByTestId("edition-refusal").count()).toBe(0);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(false);

    // A new edition starts without layers (Generate waits), takes one from the loaded layers, and goes again.
    await page.getByTestId("edition-add").click();
    const third = page.getByTestId("edition").nth(2);
    expect(await third.getAttribute("data-id")).toBe("Edition 3");
    expect(await third.getByTestId("edition-no-layers").count()).toBe(1);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(true);
    await third.getByTestId("edition-layer-select").selectOption("Body");
    await third.getByTestId("edition-layer-add").click();
    expect(await third.getByTestId("edition-layer").evaluateAll((els) => els.map((e) => e.getAttribute("data-folder")))).toEqual(["Body"]);
    await expect.poll(() => page.getByTestId("count-input").inputValue()).toBe("21");
    await third.getByTestId("edition-remove").click();
    await expect.poll(() => page.getByTestId("edition").count()).toBe(2);
    expect(await page.getByTestId("count-input").inputValue()).toBe("20");

    // Reordering an edition's layers changes its drawing order in the exported traitloom.json; names from 1 likewise.
    await page.getByRole("button", { name: "Move SkeletalBody up in edition 2 (Skeletal Mini Fish)" }).click();
    await page.getByTestId("edition").nth(1).getByTestId("edition-restart-names").check();
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const exported = parseConfig(JSON.parse(readFileSync(await configDownload.path(), "utf8")), "traitloom.json");
    expect(exported.editions?.[1]?.layers.map((l) => (typeof l === "string" ? l : l.folder))).toEqual(["SkeletalBody", "SkeletalArms", "SkeletalAccessories"]);
    expect([exported.editions?.[0]?.restartNameNumbers, exported.editions?.[1]?.restartNameNumbers]).toEqual([undefined, true]);

    // A rule across two editions' layers: core's refusal in both panels, Generate waits; removed, it goes.
    await page.getByTestId("rule-subject").fill("SkeletalBody/Bones");
    await page.getByTestId("rule-kind").selectOption("never");
    await page.getByTestId("rule-target").fill("Body/Scales");
    await page.getByTestId("rule-add").click();
    const across = "studio settings: rules[0]: expected ids of one edition's layers, found a rule no edition can hold (ids of several editions, or unknown ids)";
    await expect.poll(() => page.getByTestId("editions-error").innerText()).toBe(across);
    expect(await page.getByTestId("rules-problems").innerText()).toContain(across);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(true);
    expect(await page.getByTestId("progress").innerText()).toContain("blocked: a rule or fixed count fits no edition (see Editions)");
    await page.getByTestId("rule-item").getByRole("button").click();
    await expect.poll(() => page.getByTestId("editions-error").count()).toBe(0);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(false);

    // Ids edition after edition: the preview jumps to an edition's first tokens.
    await page.getByTestId("editions-shuffle").uncheck();
    const captions = () => page.getByTestId("preview-token-edition").allTextContents().then((t) => [...new Set(t.map((x) => x.trim()))]);
    await page.getByTestId("preview-edition").filter({ hasText: "Skeletal Mini Fish" }).click();
    await expect.poll(() => page.getByTestId("preview-status").innerText(), { timeout: 20_000 }).toBe("tokens 13–20 of 20");
    await expect.poll(captions, { timeout: 20_000 }).toEqual(["Skeletal Mini Fish"]);
    await page.getByTestId("preview-edition").filter({ hasText: /^Mini Fish$/ }).click();
    await expect.poll(captions, { timeout: 20_000 }).toEqual(["Mini Fish"]);
    expect(await axeViolations(page), "axe with the preview's edition buttons").toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 180_000);

  it("shows core's refusal of 1-of-1s among editions, and Generate does not run into it", async () => {
    const { page, errors } = await open(1440, 900);
    const dir = project("ones");
    await loadFixture(page, dir);
    expect(await page.getByTestId("ones-editions").innerText()).toBe(`Not with editions: ${ONE_OF_ONES_WITH_EDITIONS}.`);
    expect(await page.getByTestId("ones-input").isDisabled()).toBe(true);
    // 1-of-1s dropped in one layer configuration; the editions back by undo: refused, Generate blocked.
    await page.getByTestId("editions-stop").click();
    await expect.poll(() => page.getByTestId("edition").count()).toBe(0);
    expect(await page.getByTestId("editions-start").isDisabled()).toBe(false);
    expect(await page.getByTestId("count-input").isDisabled()).toBe(false);
    expect(await axeViolations(page), "axe without editions").toEqual([]);
    const art = await sharp({ create: { width: 24, height: 24, channels: 4, background: { r: 200, g: 20, b: 20, alpha: 1 } } }).png().toBuffer();
    await page.getByTestId("ones-input").setInputFiles([{ name: "legend.png", mimeType: "image/png", buffer: art }]);
    await page.getByTestId("ones-item").waitFor();
    await page.keyboard.press("Control+z");
    await expect.poll(() => page.getByTestId("edition").count()).toBe(2);
    expect(await page.getByTestId("ones-error").innerText()).toBe(ONE_OF_ONES_WITH_EDITIONS);
    expect(await page.getByTestId("generate-button").isDisabled()).toBe(true);
    expect(await page.getByTestId("progress").innerText()).toContain("blocked: 1-of-1s cannot be placed among editions (see 1-of-1s)");
    expect(await axeViolations(page), "axe with 1-of-1s and editions").toEqual([]);
    // Without editions again, "Use editions" makes the shown layers a first edition of the whole size.
    await page.getByTestId("editions-stop").click();
    await page.getByTestId("editions-start").click();
    const first = page.getByTestId("edition");
    await expect.poll(() => first.count()).toBe(1);
    expect([await first.getAttribute("data-id"), await first.getAttribute("data-count"), await first.getByTestId("edition-layer").count()]).toEqual(["Edition 1", "20", 9]);
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("lays the editions out at 390×844 without a violation", async () => {
    const { page, errors } = await open(390, 844);
    await loadFixture(page, project("phone"));
    const panel = page.getByTestId("editions-panel");
    await panel.evaluate((e) => e.scrollIntoView({ block: "start" }));
    // Nothing of the panel wider than the phone.
    const box = await panel.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    expect(await axeViolations(page), "axe at 390×844").toEqual([]);
    await page.screenshot({ path: join(SHOTS, "editions-phone.png") });
    // Kept in the saved settings: a reload finds the editions as they were.
    await page.waitForTimeout(600);
    await page.reload();
    await expect.poll(() => page.getByTestId("edition").evaluateAll((els) => els.map((e) => e.getAttribute("data-id"))), { timeout: 30_000 }).toEqual(["Mini Fish", "Skeletal Mini Fish"]);
    expect(await page.getByTestId("editions-shuffle").isChecked()).toBe(true);
    const second = page.getByTestId("edition").nth(1);
    await second.getByTestId("edition-count").fill("9");
    await second.getByTestId("edition-refusal").waitFor();
    expect(await page.evaluate("document.documentElement.scrollWidth")).toBeLessThanOrEqual(390);
    expect(await axeViolations(page), "axe at 390×844 with a refusal").toEqual([]);
    await second.screenshot({ path: join(SHOTS, "editions-refusal-phone.png") });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 120_000);
});

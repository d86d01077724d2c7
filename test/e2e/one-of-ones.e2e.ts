/**
 * The studio's 1-of-1s in headless Chromium at 1440×900: two hand-made PNGs dropped into the 1-of-1s panel (one
 * with its JSON, placed by the seed; one given an id), generated; the ZIP holds each dropped PNG byte for byte at its
 * id with the metadata given, no generated combination there, the count unchanged; the Node engine on the studio's
 * project ZIP (layers/, one-of-ones/, traitloom.json) writes the same metadata, tokens and inputHash; the panel has
 * no axe-core violations.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { unzipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.js";
import { sha256Hex } from "../../src/core/hash.js";
import { generateCollection } from "../../src/node/generate.js";
import { buildStudio, launchChromium, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, openStudio } from "./studio-driver.js";

const executable = chromiumOrSkip();

const COUNT = 30;
const GHOST_ID = 5;
const LEGEND_JSON = JSON.stringify({ name: "The Legend", description: "Drawn by hand", attributes: [{ trait_type: "Type", value: "Legendary" }] });
/** The demo's layers (assets/demo-layers): a generated token has an attribute of each; a 1-of-1 has none of them. */
const DEMO_TRAIT_TYPES = ["Background", "Body", "Pattern", "Eyes", "Mouth", "Headwear", "Accessory"];

interface Metadata {
  name: string;
  description: string;
  dna: string;
  edition: number;
  attributes: Array<{ trait_type: string; value: string | number }>;
}

async function png(r: number, g: number, b: number): Promise<Buffer> {
  return sharp({ create: { width: 16, height: 16, channels: 4, background: { r, g, b, alpha: 1 } } }).png().toBuffer();
}

describe.skipIf(!executable)("1-of-1s panel (headless Chromium, 1440×900)", () => {
  let browser: Browser;
  let page: Page;
  let close: () => Promise<void>;
  const pageErrors: string[] = [];
  const temp = mkdtempSync(join(tmpdir(), "traitloom-ones-"));

  beforeAll(async () => {
    await buildStudio();
    let url: string;
    ({ url, close } = await serveStudio());
    browser = await launchChromium(executable ?? "");
    page = await openStudio(browser, url, { width: 1440, height: 900 }, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    rmSync(temp, { recursive: true, force: true });
  });

  it("places a dropped PNG at its id and a seeded one with its JSON, byte for byte, as the CLI does", async () => {
    const legend = await png(250, 200, 20);
    const ghost = await png(240, 240, 255);
    await page.getByTestId("demo-button").click();
    await page.getByTestId("ones-panel").waitFor({ timeout: 20_000 });
    await page.getByTestId("count-input").fill(String(COUNT));
    await page.getByTestId("seed-input").fill("ones-e2e");

    // A JSON that does not parse is refused in core's words.
    await page.getByTestId("ones-input").setInputFiles([
      { name: "legend.png", mimeType: "image/png", buffer: legend },
      { name: "legend.json", mimeType: "application/json", buffer: Buffer.from("{ nope") },
    ]);
    await expect.poll(() => page.getByTestId("ones-error").innerText()).toContain("one-of-ones/legend.json: expected JSON, found a syntax error");
    // The good JSON replaces it; the second image goes to a given id.
    await page.getByTestId("ones-input").setInputFiles([
      { name: "legend.json", mimeType: "application/json", buffer: Buffer.from(LEGEND_JSON) },
      { name: "ghost.png", mimeType: "image/png", buffer: ghost },
    ]);
    await expect.poll(() => page.getByTestId("ones-item").count()).toBe(2);
    expect(await page.getByTestId("ones-error").count()).toBe(0);
    const ghostItem = page.locator('[data-testid=ones-item][data-file="ghost.png"]');
    const legendItem = page.locator('[data-testid=ones-item][data-file="legend.png"]');
    // An id out of the collection's range, then two at one id, each in core's words.
    await ghostItem.getByTestId("ones-id").fill(String(COUNT + 1));
    await expect.poll(() => page.getByTestId("ones-error").innerText()).toContain(`oneOfOnes.place["ghost.png"]: expected an id from 1 to ${COUNT}, found ${COUNT + 1}`);
    // Generate waits while core refuses the 1-of-1s, saying why (the run would fail with the same line).
    await expect.poll(() => page.getByTestId("generate-button").isDisabled()).toBe(true);
    expect(await page.getByTestId("progress").innerText()).toContain("blocked: a 1-of-1 cannot be placed (see 1-of-1s)");
    await ghostItem.getByTestId("ones-id").fill(String(GHOST_ID));
    await legendItem.getByTestId("ones-id").fill(String(GHOST_ID));
    await expect.poll(() => page.getByTestId("ones-error").innerText()).toContain(`are both at id ${GHOST_ID}; expected one 1-of-1 per id`);
    await legendItem.getByTestId("ones-id").fill("");
    await expect.poll(() => page.getByTestId("ones-error").count()).toBe(0);
    await expect.poll(() => page.getByTestId("generate-button").isDisabled()).toBe(false);
    expect(await ghostItem.getByTestId("ones-where").innerText()).toContain(`at id ${GHOST_ID}`);
    expect(await legendItem.getByTestId("ones-where").innerText()).toMatch(/seeded: id \d+/);
    expect(await legendItem.innerText()).toContain("“The Legend”");
    const legendId = Number(await legendItem.getAttribute("data-id"));
    expect(legendId).toBeGreaterThanOrEqual(1);
    expect(legendId).toBeLessThanOrEqual(COUNT);
    expect(legendId).not.toBe(GHOST_ID);

    const violations = (await axeViolations(page, "[data-testid=ones-panel]")).map((v) => `${v.id} (${v.nodes.length})`);
    expect(violations).toEqual([]);

    // traitloom.json as the CLI reads it: the folder's name and the id given.
    const [configDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
    const configText = readFileSync(await configDownload.path(), "utf8");
    expect(parseConfig(JSON.parse(configText)).oneOfOnes).toEqual({ dir: "one-of-ones", place: { "ghost.png": GHOST_ID } });

    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
    const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
    const decoder = new TextDecoder();
    const meta = (id: number): Metadata => JSON.parse(decoder.decode(zip[`metadata/${id}.json`])) as Metadata;

    // The count is unchanged: 30 tokens, 2 of them hand-made.
    expect(Object.keys(zip).filter((n) => /^images\/\d+\.png$/.test(n))).toHaveLength(COUNT);
    expect(Object.keys(zip).filter((n) => /^metadata\/\d+\.json$/.test(n))).toHaveLength(COUNT);
    expect(Buffer.from(zip[`images/${GHOST_ID}.png`] ?? []).equals(ghost)).toBe(true);
    expect(Buffer.from(zip[`images/${legendId}.png`] ?? []).equals(legend)).toBe(true);
    expect(meta(legendId)).toMatchObject({ name: "The Legend", description: "Drawn by hand", edition: legendId, attributes: [{ trait_type: "Type", value: "Legendary" }] });
    expect(meta(GHOST_ID)).toMatchObject({ edition: GHOST_ID, attributes: [] });
    expect(meta(GHOST_ID).name).toMatch(new RegExp(`#${GHOST_ID}$`));
    // No generated combination at their ids; every other id holds one.
    for (let id = 1; id <= COUNT; id++) {
      const types = meta(id).attributes.map((a) => a.trait_type);
      if (id === GHOST_ID || id === legendId) expect(types.some((t) => DEMO_TRAIT_TYPES.includes(t))).toBe(false);
      else expect(types.filter((t) => DEMO_TRAIT_TYPES.includes(t)).length).toBeGreaterThan(0);
    }
    // The token browser says which are the 1-of-1s, and the others' ranks are rarity.json's for their ids.
    const rarity = JSON.parse(decoder.decode(zip["rarity.json"])) as { tokens: Array<{ id: number; rank: number }> };
    const rankOf = new Map(rarity.tokens.map((t) => [t.id, t.rank]));
    expect(rankOf.has(GHOST_ID)).toBe(false);
    const shown = page.getByTestId("ranked-token");
    await expect.poll(() => shown.count()).toBeGreaterThan(2);
    const seen: number[] = [];
    for (const el of await shown.all()) {
      const id = Number(await el.getAttribute("data-id"));
      seen.push(id);
      const rank = await el.getAttribute("data-rank");
      if (id === GHOST_ID || id === legendId) expect([rank, await el.innerText()]).toEqual(["0", expect.stringContaining("1-of-1")]);
      else expect(Number(rank)).toBe(rankOf.get(id));
    }
    expect(seen).toContain(GHOST_ID);
    const manifest = JSON.parse(decoder.decode(zip["manifest.json"])) as { provenance: string; inputHash: string; tokens: Array<{ id: number; dna: string; image: string }> };
    expect(manifest.tokens.filter((t) => t.dna === "1-of-1").map((t) => t.id).sort((a, b) => a - b)).toEqual([GHOST_ID, legendId].sort((a, b) => a - b));

    // The project ZIP holds the files in one-of-ones/ beside layers/ and traitloom.json: the CLI on it, unzipped,
    // makes the same collection.
    const [projectDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("save-project-button").click()]);
    const projectZip = unzipSync(new Uint8Array(readFileSync(await projectDownload.path())));
    expect(Buffer.from(projectZip["one-of-ones/legend.png"] ?? []).equals(legend)).toBe(true);
    expect(Buffer.from(projectZip["one-of-ones/ghost.png"] ?? []).equals(ghost)).toBe(true);
    expect(decoder.decode(projectZip["one-of-ones/legend.json"])).toBe(LEGEND_JSON);
    const project = join(temp, "project");
    for (const [name, bytes] of Object.entries(projectZip)) {
      if (name.endsWith("/")) continue;
      mkdirSync(dirname(join(project, name)), { recursive: true });
      writeFileSync(join(project, name), bytes);
    }
    expect(parseConfig(JSON.parse(readFileSync(join(project, "traitloom.json"), "utf8"))).oneOfOnes).toEqual({ dir: "one-of-ones", place: { "ghost.png": GHOST_ID } });
    const outDir = join(temp, "node-out");
    await generateCollection({ configPath: join(project, "traitloom.json"), outDir, workers: 1 });
    expect(decoder.decode(zip["_metadata.json"])).toBe(readFileSync(join(outDir, "_metadata.json"), "utf8"));
    const nodeManifest = JSON.parse(readFileSync(join(outDir, "manifest.json"), "utf8")) as typeof manifest;
    expect(manifest.inputHash).toBe(nodeManifest.inputHash);
    // The same tokens in both; the images of generated tokens are each encoder's own bytes (pixels compared in
    // contract.e2e), those of the 1-of-1s the dropped bytes in both: each provenance is over its own images in id order.
    expect(manifest.tokens.map((t) => [t.id, t.dna])).toEqual(nodeManifest.tokens.map((t) => [t.id, t.dna]));
    for (const m of [manifest, nodeManifest]) {
      expect(m.provenance).toBe(sha256Hex(m.tokens.map((t) => t.image).join("")));
      expect(m.tokens.find((t) => t.id === GHOST_ID)?.image).toBe(sha256Hex(new Uint8Array(ghost)));
      expect(m.tokens.find((t) => t.id === legendId)?.image).toBe(sha256Hex(new Uint8Array(legend)));
    }
    expect(readFileSync(join(outDir, `images/${GHOST_ID}.png`)).equals(ghost)).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("keeps the 1-of-1s across a reload, and a result made with other 1-of-1s is outdated, saying so", async () => {
    // The run of the test above is the current result; its 1-of-1s come back with the project after a reload.
    await page.reload();
    await expect.poll(() => page.getByTestId("ones-item").count(), { timeout: 20_000 }).toBe(2);
    const ghostItem = page.locator('[data-testid=ones-item][data-file="ghost.png"]');
    expect(await ghostItem.getByTestId("ones-id").inputValue()).toBe(String(GHOST_ID));
    expect(await page.locator('[data-testid=ones-item][data-file="legend.png"]').innerText()).toContain("“The Legend”");
    // The finished run, shown again from the list of past runs, belongs to these 1-of-1s: not outdated.
    await page.getByTestId("past-run-show").first().click();
    await page.getByTestId("download-button").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("download-button").getAttribute("data-outdated")).toBe("false");
    // Another id for the ghost: the result was made with other 1-of-1s.
    await ghostItem.getByTestId("ones-id").fill(String(GHOST_ID + 1));
    await expect.poll(() => page.getByTestId("download-button").getAttribute("data-outdated")).toBe("true");
    expect(await page.getByTestId("result-outdated").innerText()).toContain("made before the 1-of-1s changed");
    // Back to the id it was made with: current again.
    await ghostItem.getByTestId("ones-id").fill(String(GHOST_ID));
    await expect.poll(() => page.getByTestId("download-button").getAttribute("data-outdated")).toBe("false");
    expect(pageErrors).toEqual([]);
  });
});

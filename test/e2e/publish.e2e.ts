/**
 * The studio's publishing steps in headless Chromium. After a run with the Solana target: "Set base URI / metadata"
 * gives the very files Node's `updateCollection` gives on the same downloaded ZIP (images byte for byte the run's,
 * provenance kept, the update in the manifest's history), the updated archive is kept as a past run, and setting the
 * same values in the project makes it current. "Validate a folder": the run's Sugar assets folder picked as a folder
 * passes with the CLI's closing line; the same less asset 2, as a deflated ZIP of another tool, names the missing
 * number in the CLI's words. No axe-core violations, at a desktop and a phone size.
 *
 * PUBLISH_SCREENSHOTS=1 also writes docs/screenshots/{publish,validate}-{desktop,phone}.png.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { CarReader } from "@ipld/car";
import { unzipSync, zipSync } from "fflate";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { memoryFolder, validateFolder } from "../../src/core/targets/index.js";
import { validationSummary } from "../../src/core/targets/summary.js";
import { MemoryFileStore } from "../../src/render/folderSink.js";
import { updateCollection } from "../../src/render/update.js";
import { makePreviews } from "../../src/node/preview.js";
import { packCollection } from "../../src/node/pack.js";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { axeViolations, chromiumOrSkip, openStudio } from "./studio-driver.js";

const executable = chromiumOrSkip();

const COUNT = 8;
const BASE_URI = "ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
const SHOTS = process.env.PUBLISH_SCREENSHOTS === "1" ? join(REPO, "docs/screenshots") : undefined;

async function downloaded(p: Page, testId: string): Promise<Record<string, Uint8Array>> {
  const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId(testId).click()]);
  return unzipSync(new Uint8Array(readFileSync(await download.path())));
}

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
/** A CAR's roots and its blocks (CID → sha256 of the bytes), in CID order. */
async function carContents(bytes: Uint8Array): Promise<{ roots: string[]; blocks: Array<[string, string]> }> {
  const reader = await CarReader.fromBytes(bytes);
  const blocks: Array<[string, string]> = [];
  for await (const b of reader.blocks()) blocks.push([b.cid.toString(), sha256(b.bytes)]);
  blocks.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return { roots: (await reader.getRoots()).map(String), blocks };
}
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const files = (zip: Record<string, Uint8Array>): string[] => Object.keys(zip).filter((p) => !p.endsWith("/")).sort();

describe.skipIf(!executable)("publishing steps (headless Chromium)", () => {
  let browser: Browser;
  let page: Page;
  let url: string;
  let close: () => Promise<void>;
  const site = mkdtempSync(join(tmpdir(), "traitloom-publish-site-"));
  const work = mkdtempSync(join(tmpdir(), "traitloom-publish-"));
  const pageErrors: string[] = [];
  let original: Record<string, Uint8Array>;
  let updated: Record<string, Uint8Array>;

  beforeAll(async () => {
    await buildStudio(site);
    ({ url, close } = await serveStudio(site));
    browser = await launchChromium(executable ?? "");
    page = await openStudio(browser, url, { width: 1440, height: 900 }, pageErrors);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    rmSync(site, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it("sets the base URI and name prefix on the finished run as traitloom update does, images untouched", async () => {
    await page.getByTestId("demo-button").click();
    await page.getByTestId("outputs-panel").waitFor({ timeout: 20_000 });
    await page.getByTestId("count-input").fill(String(COUNT));
    await page.getByTestId("seed-input").fill("publish-e2e");
    await page.getByTestId("output-solana-toggle").check();
    await page.getByTestId("output-solana-symbol").fill("LOOM");
    await expect.poll(() => page.getByTestId("outputs-errors").count()).toBe(0);
    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 90_000 });
    original = await downloaded(page, "download-button");

    const panel = page.getByTestId("publish-panel");
    await panel.waitFor();
    // Nothing changed yet: refused in one line, nothing written.
    await page.getByTestId("publish-apply").click();
    expect(await page.getByTestId("publish-error").innerText()).toBe(
      "expected a new value in at least one field (base URI, name prefix, description, external URL), found the values the run already has",
    );
    await page.getByTestId("publish-baseUri").fill(BASE_URI);
    await page.getByTestId("publish-namePrefix").fill("Loom Genesis");
    await page.getByTestId("publish-externalUrl").fill("https://loom.example/{id}");
    await page.getByTestId("publish-apply").click();
    await page.getByTestId("publish-status").waitFor({ timeout: 30_000 });
    expect(await page.getByTestId("publish-status").innerText()).toMatch(
      new RegExp(`^Updated base URI, name prefix, external URL: [\\d,]+ metadata files rewritten for ${COUNT} tokens; images and provenance unchanged`),
    );
    expect(await axeViolations(page, "[data-testid=publish-panel]")).toEqual([]);
    if (SHOTS) await panel.screenshot({ path: join(SHOTS, "publish-desktop.png") });

    updated = await downloaded(page, "publish-download");
    // The same as Node's updateCollection on the ZIP the run gave, file for file and byte for byte.
    const store = new MemoryFileStore("node");
    for (const [path, bytes] of Object.entries(original)) store.files.set(path, bytes);
    await updateCollection(store, { baseUri: BASE_URI, namePrefix: "Loom Genesis", externalUrl: "https://loom.example/{id}" });
    expect(files(updated)).toEqual([...store.files.keys()].sort());
    for (const [path, bytes] of store.files) expect(text(updated[path]), path).toBe(text(bytes));
    for (const path of files(original).filter((p) => p.endsWith(".png"))) expect(updated[path], path).toEqual(original[path]);
    const manifest = JSON.parse(text(updated["manifest.json"])) as { provenance: string; history: Array<{ command: string; fields: string[] }> };
    expect(manifest.provenance).toBe((JSON.parse(text(original["manifest.json"])) as { provenance: string }).provenance);
    expect(manifest.history).toEqual([expect.objectContaining({ command: "update", fields: ["baseUri", "namePrefix", "externalUrl"] })]);
    expect(JSON.parse(text(updated["metadata/3.json"]))).toMatchObject({ name: "Loom Genesis #3", image: `${BASE_URI}/3.png`, external_url: "https://loom.example/3" });
    expect(JSON.parse(text(updated["solana/assets/2.json"]))).toMatchObject({ name: "Loom Genesis #3", image: "2.png" });

    // The run shown is the updated one (its token browser reads images at the new archive's offsets) ...
    await page.getByTestId("token-browser").waitFor();
    const firstThumb = page.locator("[data-testid=token-browser] img").first();
    await expect.poll(() => firstThumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    // ... kept as a past run beside the original, and outdated for the project until the project says the same.
    await expect.poll(() => page.getByTestId("past-run").count()).toBe(2);
    expect(await page.locator("[data-testid=past-run][data-current=true]").innerText()).toContain("metadata updated (baseUri, namePrefix, externalUrl)");
    await page.getByTestId("result-outdated").waitFor();
    expect(await page.getByTestId("result-outdated").innerText()).toContain("the name prefix, the base URI, the external URL");
    await page.getByTestId("publish-to-settings").click();
    await expect.poll(() => page.getByTestId("result-outdated").count()).toBe(0);
    expect(await page.getByTestId("base-uri-input").inputValue()).toBe(BASE_URI);
    expect(pageErrors).toEqual([]);
  });

  it("makes the collage, banner and GIF of traitloom preview: the same tokens, sizes and limits, each downloadable", async () => {
    // The CLI's previews of the same collection, on disk.
    const folder = join(work, "collection");
    for (const [p, bytes] of Object.entries(updated)) {
      mkdirSync(dirname(join(folder, p)), { recursive: true });
      writeFileSync(join(folder, p), bytes);
    }
    const panel = page.getByTestId("previews-panel");
    await panel.scrollIntoViewIfNeeded();
    // A GIF over the limit is refused in core's words, nothing drawn.
    await page.getByTestId("previews-gif").fill("5000");
    await page.getByTestId("previews-make").click();
    await page.getByTestId("previews-error").waitFor();
    expect(await page.getByTestId("previews-error").innerText()).toBe("--gif: expected a whole number from 1 to 1000, found 5000");
    expect(await page.getByTestId("previews-result").count()).toBe(0);

    for (const pick of ["seeded", "rank"] as const) {
      await page.getByTestId("previews-collage").fill("6");
      await page.getByTestId("previews-gif").fill("4");
      await page.getByTestId("previews-pick").selectOption(pick);
      await page.getByTestId("previews-make").click();
      await expect.poll(() => page.getByTestId("previews-result").getAttribute("data-pick"), { timeout: 30_000 }).toBe(pick);
      const cli = await makePreviews({ outDir: join(folder), collage: { count: 6 }, banner: {}, gif: { count: 4 }, pick });
      for (const f of cli.files) {
        const shown = page.getByTestId(`preview-${f.kind}`);
        expect(await shown.getAttribute("data-tokens"), `${pick} ${f.kind}`).toBe(f.tokens.join(","));
        expect([Number(await shown.getAttribute("data-width")), Number(await shown.getAttribute("data-height"))], f.kind).toEqual([f.width, f.height]);
      }
    }
    const [png] = await Promise.all([page.waitForEvent("download"), page.getByTestId("preview-collage-download").click()]);
    expect(png.suggestedFilename()).toBe(`traitloom-${COUNT}-collage.png`);
    const pngBytes = readFileSync(await png.path());
    expect([...pngBytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    expect([pngBytes.readUInt32BE(16), pngBytes.readUInt32BE(20)]).toEqual([Number(await page.getByTestId("preview-collage").getAttribute("data-width")), Number(await page.getByTestId("preview-collage").getAttribute("data-height"))]);
    const [gif] = await Promise.all([page.waitForEvent("download"), page.getByTestId("preview-gif-download").click()]);
    const gifBytes = readFileSync(await gif.path());
    expect(gifBytes.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    // One image descriptor per frame (0x2c after each graphic control block).
    let frames = 0;
    for (let i = 0; i + 8 < gifBytes.length; i++) if (gifBytes[i] === 0x21 && gifBytes[i + 1] === 0xf9 && gifBytes[i + 2] === 4 && gifBytes[i + 8] === 0x2c) frames++;
    expect(frames).toBe(4);
    expect(await axeViolations(page, "[data-testid=previews-panel]")).toEqual([]);
    if (SHOTS) await panel.screenshot({ path: join(SHOTS, "previews-desktop.png") });
    expect(pageErrors).toEqual([]);
  });

  it("packs the run for IPFS with the CIDs and CAR blocks of traitloom pack, and fills the base URI with the images' root", async () => {
    const folder = join(work, "pack-collection");
    for (const [p, bytes] of Object.entries(updated)) {
      mkdirSync(dirname(join(folder, p)), { recursive: true });
      writeFileSync(join(folder, p), bytes);
    }
    const panel = page.getByTestId("pack-panel");
    await panel.scrollIntoViewIfNeeded();
    for (const profile of ["kubo", "ipfs-car"] as const) {
      await page.getByTestId("pack-profile").selectOption(profile);
      await page.getByTestId("pack-button").click();
      await expect.poll(() => page.getByTestId("pack-result").getAttribute("data-profile"), { timeout: 60_000 }).toBe(profile);
      const cli = await packCollection(folder, { profile });
      expect(await page.getByTestId("pack-images-root").innerText(), profile).toBe(cli.images.root);
      expect(await page.getByTestId("pack-metadata-root").innerText(), profile).toBe(cli.metadata.root);
      expect(await page.getByTestId("pack-base-uri").innerText(), profile).toBe(cli.baseUri);
      for (const car of ["images", "metadata"] as const) {
        const [file] = await Promise.all([page.waitForEvent("download"), page.getByTestId(`pack-${car}-download`).click()]);
        // The same roots and blocks; the order of the blocks follows the hashing, which is async in a browser.
        expect(await carContents(readFileSync(await file.path())), `${profile} ${car}.car`).toEqual(await carContents(readFileSync(join(folder, "ipfs", `${car}.car`))));
      }
      const [cids] = await Promise.all([page.waitForEvent("download"), page.getByTestId("pack-cids-download").click()]);
      expect(readFileSync(await cids.path(), "utf8"), `${profile} cids.json`).toBe(readFileSync(join(folder, "ipfs", "cids.json"), "utf8"));
    }
    // Recorded in the run's ZIP as the CLI records it in the folder (the last pack: ipfs-car).
    await page.getByTestId("pack-record").click();
    await page.getByTestId("pack-recorded").waitFor({ timeout: 30_000 });
    const recorded = await downloaded(page, "download-button");
    expect(text(recorded["manifest.json"])).toBe(readFileSync(join(folder, "manifest.json"), "utf8"));
    expect(text(recorded["ipfs/cids.json"])).toBe(readFileSync(join(folder, "ipfs", "cids.json"), "utf8"));
    expect(await page.locator("[data-testid=past-run][data-current=true]").innerText()).toContain("IPFS pack recorded");
    expect(await axeViolations(page, "[data-testid=pack-panel]")).toEqual([]);
    if (SHOTS) await panel.screenshot({ path: join(SHOTS, "pack-desktop.png") });

    // The images' root as the base URI: the ZIP's metadata then says what metadata.car holds, so packing again
    // gives the same metadata root.
    const metadataRoot = await page.getByTestId("pack-metadata-root").innerText();
    const imagesRoot = await page.getByTestId("pack-images-root").innerText();
    await page.getByTestId("pack-use-base-uri").click();
    expect(await page.getByTestId("publish-baseUri").inputValue()).toBe(`ipfs://${imagesRoot}`);
    await page.getByTestId("publish-apply").click();
    await expect.poll(() => page.getByTestId("publish-status").innerText(), { timeout: 30_000 }).toMatch(/^Updated base URI:/);
    await expect.poll(() => page.getByTestId("pack-result").count()).toBe(0);
    await page.getByTestId("pack-button").click();
    await page.getByTestId("pack-result").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("pack-metadata-root").innerText()).toBe(metadataRoot);
    expect(pageErrors).toEqual([]);
  });

  it("validates a picked folder and a ZIP of another tool as traitloom validate does, the missing asset named", async () => {
    // The run's Sugar assets folder, on disk, picked as a folder.
    const good = join(work, "assets");
    const assets = Object.entries(original).filter(([p]) => p.startsWith("solana/assets/"));
    for (const [p, bytes] of assets) {
      const to = join(good, p.slice("solana/assets/".length));
      mkdirSync(dirname(to), { recursive: true });
      writeFileSync(to, bytes);
    }
    const panel = page.getByTestId("validate-panel");
    await panel.scrollIntoViewIfNeeded();
    await page.getByTestId("validate-target").selectOption("solana");
    await page.getByTestId("validate-folder-input").setInputFiles(good);
    await page.getByTestId("validate-result").waitFor({ timeout: 20_000 });
    const asText = Object.fromEntries(assets.map(([p, b]) => [p.slice("solana/assets/".length), p.endsWith(".json") ? text(b) : ""]));
    const goodReport = await validateFolder(memoryFolder(asText), "solana");
    expect(await page.getByTestId("validate-summary").innerText()).toBe(validationSummary(goodReport, "assets"));
    expect(await page.getByTestId("validate-summary").innerText()).toBe(`ok: ${COUNT} tokens, no problems (a Sugar / Candy Machine assets folder, in assets)`);

    // Asset 2 left out, zipped (deflated) inside a folder as another tool would.
    const broken = Object.fromEntries(assets.filter(([p]) => !/\/2\.(json|png)$/.test(p)).map(([p, b]) => [`hashlips-build/${p.slice("solana/assets/".length)}`, b]));
    const zipPath = join(work, "hashlips-build.zip");
    writeFileSync(zipPath, zipSync(broken, { level: 6 }));
    await page.getByTestId("validate-zip-input").setInputFiles(zipPath);
    await expect.poll(() => page.getByTestId("validate-result").getAttribute("data-problems"), { timeout: 20_000 }).not.toBe("0");
    const brokenText = Object.fromEntries(Object.entries(broken).map(([p, b]) => [p.slice("hashlips-build/".length), p.endsWith(".json") ? text(b) : ""]));
    const brokenReport = await validateFolder(memoryFolder(brokenText), "solana");
    expect(brokenReport.problems.length).toBeGreaterThan(0);
    const shown = await page.locator("[data-testid=validate-problems] li").allInnerTexts();
    expect(shown).toEqual(brokenReport.problems.map((p) => p.message));
    expect(shown.join("\n")).toContain("2.json is missing");
    expect(await page.getByTestId("validate-summary").innerText()).toBe(validationSummary(brokenReport, "hashlips-build"));
    expect(await axeViolations(page, "[data-testid=validate-panel]")).toEqual([]);
    if (SHOTS) await panel.screenshot({ path: join(SHOTS, "validate-desktop.png") });

    // The same ZIP dropped on the panel (the good folder checked first): validated there, not loaded as a new project.
    await page.getByTestId("validate-folder-input").setInputFiles(good);
    await expect.poll(() => page.getByTestId("validate-summary").innerText()).toBe(validationSummary(goodReport, "assets"));
    const projectBefore = await page.locator("#project-title").innerText();
    // A page script (as studio.e2e.ts's drop): the DOM's DataTransfer is the page's, not Node's.
    const base64 = readFileSync(zipPath).toString("base64");
    const transfer = await page.evaluateHandle(
      `(() => { const bytes = Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0)); const dt = new DataTransfer(); dt.items.add(new File([bytes], "hashlips-build.zip", { type: "application/zip" })); return dt; })()`,
    );
    await page.getByTestId("validate-drop").dispatchEvent("drop", { dataTransfer: transfer });
    await expect.poll(() => page.getByTestId("validate-summary").innerText(), { timeout: 20_000 }).toBe(validationSummary(brokenReport, "hashlips-build"));
    expect(await page.locator("#project-title").innerText()).toBe(projectBefore);
    expect(await page.getByTestId("load-error").count()).toBe(0);

    // A file that is no ZIP: one line naming it, no report.
    const notZip = join(work, "notes.zip");
    writeFileSync(notZip, "not a zip");
    await page.getByTestId("validate-zip-input").setInputFiles(notZip);
    await page.getByTestId("validate-error").waitFor();
    expect(await page.getByTestId("validate-error").innerText()).toBe("notes.zip: expected a ZIP archive, found zip: no end of central directory");
    expect(await page.getByTestId("validate-result").count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it("has no axe-core violations at a phone's size, nothing wider than the screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByTestId("validate-target").selectOption("solana");
    await page.getByTestId("validate-zip-input").setInputFiles(join(work, "hashlips-build.zip"));
    await expect.poll(() => page.getByTestId("validate-result").getAttribute("data-problems"), { timeout: 20_000 }).not.toBe("0");
    for (const id of ["publish-panel", "pack-panel", "previews-panel", "validate-panel"]) {
      const box = await page.getByTestId(id).boundingBox();
      expect(box && box.x + box.width, id).toBeLessThanOrEqual(390);
      expect(await axeViolations(page, `[data-testid=${id}]`), id).toEqual([]);
    }
    if (SHOTS) {
      await page.getByTestId("publish-panel").screenshot({ path: join(SHOTS, "publish-phone.png") });
      await page.getByTestId("validate-panel").screenshot({ path: join(SHOTS, "validate-phone.png") });
      await page.getByTestId("previews-panel").screenshot({ path: join(SHOTS, "previews-phone.png") });
      await page.getByTestId("pack-panel").screenshot({ path: join(SHOTS, "pack-phone.png") });
    }
    expect(pageErrors).toEqual([]);
  });

  it("writes the outputs panel's Solana collection, Cardano files[] and Tezos creators into the ZIP, bad values refused in core's words", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    const logo = join(REPO, "assets/demo-layers/01-Background/Mint#25.png");
    await page.getByTestId("output-solana-collection-toggle").check();
    // On, but no name or image yet: not applied, core says what is missing.
    await page.getByTestId("outputs-errors").waitFor();
    expect(await page.getByTestId("outputs-errors").innerText()).toContain("outputs.solana.collection.name");
    await page.getByTestId("output-solana-collection-name").fill("Loom Genesis");
    await page.getByTestId("output-solana-collection-family").fill("Loom");
    await page.getByTestId("output-solana-collection-image").setInputFiles(logo);
    await expect.poll(() => page.getByTestId("output-solana-collection-image-state").innerText()).toBe("Mint#25.png: copied in as collection.png.");
    await page.getByTestId("output-cardano-toggle").check();
    await page.getByTestId("output-cardano-policyId").fill("d".repeat(56));
    await page.getByTestId("output-cardano-files").check();
    await page.getByTestId("output-tezos-toggle").check();
    await page.getByTestId("output-tezos-creators").fill("tz1burnburnburnburnburnburnburjAYjjX\nLoom Studio\nLoom Studio");
    await expect.poll(() => page.getByTestId("outputs-errors").innerText()).toContain("outputs.tezos.creators: expected each creator once (TZIP-21: unique items)");
    await page.getByTestId("output-tezos-creators").fill("tz1burnburnburnburnburnburnburjAYjjX\nLoom Studio");
    await page.getByTestId("output-tezos-tags").fill("pfp, loom");
    await expect.poll(() => page.getByTestId("outputs-errors").count()).toBe(0);
    expect(await axeViolations(page, "[data-testid=outputs-panel]")).toEqual([]);
    if (SHOTS) await page.getByTestId("outputs-panel").screenshot({ path: join(SHOTS, "outputs-fields-desktop.png") });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await axeViolations(page, "[data-testid=outputs-panel]")).toEqual([]);
    const outputsBox = await page.getByTestId("outputs-panel").boundingBox();
    expect(outputsBox && outputsBox.x + outputsBox.width).toBeLessThanOrEqual(390);
    if (SHOTS) await page.getByTestId("outputs-panel").screenshot({ path: join(SHOTS, "outputs-fields-phone.png") });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.getByTestId("generate-button").click();
    await expect.poll(() => page.getByTestId("progress").getAttribute("data-state"), { timeout: 90_000 }).toBe("done");
    const zip = await downloaded(page, "download-button");
    expect(zip["solana/assets/collection.png"]).toEqual(new Uint8Array(readFileSync(logo)));
    expect(JSON.parse(text(zip["solana/assets/collection.json"]))).toMatchObject({ name: "Loom Genesis", image: "collection.png" });
    expect(JSON.parse(text(zip["solana/assets/0.json"]))).toMatchObject({ collection: { name: "Loom Genesis", family: "Loom" } });
    const cardano = JSON.parse(text(zip["cardano/1.json"])) as { "721": Record<string, Record<string, { files?: Array<{ mediaType: string }> }>> };
    expect(Object.values(cardano["721"]["d".repeat(56)] ?? {})[0]?.files?.[0]).toMatchObject({ mediaType: "image/png" });
    expect(JSON.parse(text(zip["tezos/1.json"]))).toMatchObject({ creators: ["tz1burnburnburnburnburnburnburjAYjjX", "Loom Studio"], tags: ["pfp", "loom"] });
    const asFolder = Object.fromEntries(Object.entries(zip).map(([p, b]) => [p, p.endsWith(".json") ? text(b) : ""]));
    for (const target of ["solana", "cardano", "tezos"] as const) {
      const report = await validateFolder(memoryFolder(asFolder), target);
      expect(report.problems.map((p) => p.message), target).toEqual([]);
      expect(report.warnings.map((w) => w.message), target).toEqual([]);
    }

    // The image is not kept across a reload: the panel asks for it again, and a run without it says which file.
    await page.reload();
    await page.getByTestId("outputs-panel").waitFor({ timeout: 20_000 });
    expect(await page.getByTestId("output-solana-collection-image-state").innerText()).toBe("Mint#25.png: choose the file again (the image is not kept across reloads).");
    await page.getByTestId("generate-button").click();
    await expect.poll(() => page.getByTestId("progress").getAttribute("data-state"), { timeout: 60_000 }).toBe("error");
    expect(await page.getByTestId("progress").innerText()).toContain("outputs.solana: expected the Solana collection image Mint#25.png, found no such file");
    expect(pageErrors).toEqual([]);
  });
});

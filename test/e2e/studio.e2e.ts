/**
 * The studio in headless Chromium, driven through its data-testid selectors: load a folder, change a weight,
 * generate, download the ZIP and check it against core in Node (what the CLI computes for the same folder,
 * config and seed); reload; bad input; cancel. Skips loudly where no Chromium is installed, outside CI only.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strToU8, unzipSync, zipSync } from "fflate";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildStudio, launchChromium, REPO, serveStudio } from "./harness.js";
import { chromiumOrSkip } from "./studio-driver.js";
import { decodePng, maxChannelDifference, referenceCollection, referencePixels } from "./reference.js";

const DEMO = join(REPO, "assets/demo-layers");
const executable = chromiumOrSkip();

/** A copy of the demo layers in a temp folder named like a user's, plus whatever a test adds. */
function fixtureFolder(name: string, extra: Record<string, Uint8Array | string> = {}): string {
  const base = mkdtempSync(join(tmpdir(), "traitloom-e2e-"));
  const dir = join(base, name);
  cpSync(DEMO, dir, { recursive: true, filter: (src) => !/README\.md$|LICENSE$/.test(src) });
  for (const [path, data] of Object.entries(extra)) writeFileSync(join(dir, path), data);
  return dir;
}

describe.skipIf(!executable)("studio (headless Chromium)", () => {
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let close: () => Promise<void>;
  const pageErrors: string[] = [];
  const temp: string[] = [];

  beforeAll(async () => {
    await buildStudio();
    ({ url, close } = await serveStudio());
    browser = await launchChromium(executable ?? "");
    context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on("pageerror", (e) => pageErrors.push(e.message));
    await page.goto(url);
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    for (const t of temp) rmSync(t, { recursive: true, force: true });
  });

  async function loadFolder(p: Page, dir: string): Promise<void> {
    await p.getByTestId("layers-input").setInputFiles(dir);
    await expect.poll(() => p.getByTestId("layer").count(), { timeout: 20_000 }).toBeGreaterThan(0);
  }

  async function downloadZip(p: Page): Promise<Record<string, Uint8Array>> {
    const [download] = await Promise.all([p.waitForEvent("download"), p.getByTestId("download-button").click()]);
    const path = await download.path();
    return unzipSync(new Uint8Array(readFileSync(path)));
  }

  it("loads a folder, changes a weight, generates 50 and downloads the CLI's layout with the CLI's tokens", async () => {
    const dir = fixtureFolder("my-layers");
    temp.push(join(dir, ".."));
    await loadFolder(page, dir);
    await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value")).toBe("86400");
    const laser = page.locator('[data-testid=weight-input][data-layer="04-Eyes"][data-trait="Laser"]');
    await laser.fill("40");
    await page.getByTestId("count-input").fill("50");
    await page.getByTestId("seed-input").fill("e2e-seed");
    await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 20_000 }).toBe(12);
    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 60_000 });
    expect(await page.getByTestId("progress").getAttribute("data-state")).toBe("done");
    const zip = await downloadZip(page);

    const names = Object.keys(zip);
    const images = names.filter((n) => /^images\/\d+\.png$/.test(n));
    const metadata = names.filter((n) => /^metadata\/\d+\.json$/.test(n));
    expect(images).toHaveLength(50);
    expect(metadata).toHaveLength(50);
    for (const f of ["_metadata.json", "manifest.json", "rarity.json", "rarity.csv"]) expect(names).toContain(f);

    // Same folder, same config (the changed weight), same seed, computed by core in Node as the CLI does.
    const config = {
      layers: ["Background", "Body", "Pattern", "Eyes", "Mouth", "Headwear", "Accessory"].map((name, i) => ({
        name,
        folder: `0${i + 1}-${name}`,
        ...(name === "Eyes" ? { traits: { Laser: 40 } } : {}),
      })),
    };
    const ref = referenceCollection(dir, config, 50, "e2e-seed");
    const decoder = new TextDecoder();
    const dnas = new Set<string>();
    for (const token of ref.tokens) {
      expect(decoder.decode(zip[`metadata/${token.id}.json`])).toBe(token.metadataJson);
      dnas.add(JSON.parse(token.metadataJson).dna as string);
    }
    expect(dnas.size).toBe(50);
    const all = JSON.parse(decoder.decode(zip["_metadata.json"])) as unknown[];
    expect(all).toEqual(ref.tokens.map((t) => JSON.parse(t.metadataJson)));
    const manifest = JSON.parse(decoder.decode(zip["manifest.json"])) as { tokens: Array<{ id: number; dna: string }> };
    expect(manifest.tokens.map((t) => t.dna)).toEqual(ref.tokens.map((t) => t.dna));
    const laserCount = ref.tokens.filter((t) => t.files.includes("04-Eyes/Laser#5.png")).length;
    expect(laserCount).toBeGreaterThan(50 * 0.2);

    // The CLI itself, where it is built (npm test builds it first): the same bytes for every file but the
    // images, whose encoders differ; the images equal within 3 per channel.
    if (existsSync(join(REPO, "dist/cli/main.js"))) {
      const cliOut = join(dir, "..", "cli-out");
      const configPath = join(dir, "..", "traitloom.json");
      writeFileSync(configPath, JSON.stringify(config));
      execFileSync(process.execPath, [join(REPO, "bin/traitloom.js"), "generate", dir, "-c", configPath, "-n", "50", "-o", cliOut, "--seed", "e2e-seed", "--quiet"]);
      for (const token of ref.tokens) expect(decoder.decode(zip[`metadata/${token.id}.json`])).toBe(readFileSync(join(cliOut, `metadata/${token.id}.json`), "utf8"));
      for (const f of ["_metadata.json", "rarity.json", "rarity.csv"]) expect(decoder.decode(zip[f]), f).toBe(readFileSync(join(cliOut, f), "utf8"));
      const cliManifest = JSON.parse(readFileSync(join(cliOut, "manifest.json"), "utf8")) as Record<string, unknown> & { tokens: Array<Record<string, unknown>> };
      const ours = JSON.parse(decoder.decode(zip["manifest.json"])) as typeof cliManifest;
      const withoutImages = (m: typeof cliManifest) => ({ ...m, provenance: undefined, tokens: m.tokens.map((t) => ({ ...t, image: undefined })) });
      expect(withoutImages(ours)).toEqual(withoutImages(cliManifest));
      for (const token of ref.tokens.slice(0, 10)) {
        const a = await decodePng(zip[`images/${token.id}.png`] ?? new Uint8Array());
        const b = await decodePng(new Uint8Array(readFileSync(join(cliOut, `images/${token.id}.png`))));
        expect(maxChannelDifference(a.rgba, b.rgba)).toBeLessThanOrEqual(3);
      }
    } else console.warn("dist/cli not built: compared with core only (npm test builds the CLI first)");

    // Rarity panel: expected vs actual per trait; tokens by rank, each with its metadata from the archive.
    await page.getByTestId("rarity-panel").waitFor();
    expect(await page.getByTestId("rarity-row").count()).toBe(6 + 5 + 4 + 6 + 5 + 6 + 4);
    expect(Number(await page.locator('[data-testid=rarity-row][data-layer="Eyes"][data-trait="Laser"]').getAttribute("data-actual"))).toBe(laserCount);
    const ranked = page.getByTestId("ranked-token");
    expect(await ranked.count()).toBe(24);
    expect(await ranked.first().getAttribute("data-rank")).toBe("1");
    await ranked.first().click();
    await page.getByTestId("token-metadata").waitFor();
    // The detail shows "Token #N" until the token's metadata is read from the ZIP, then its name.
    await expect.poll(() => page.getByTestId("token-metadata").innerText(), { timeout: 30_000 }).toMatch(/Traitloom #\d+/);
    expect(await page.getByTestId("token-metadata-json").textContent()).toMatch(/"name": "Traitloom #\d+"/);

    // Every image decodes at 512x512 and matches the reference compositor within 3 per channel.
    const cache = new Map();
    for (const token of ref.tokens) {
      const png = await decodePng(zip[`images/${token.id}.png`] ?? new Uint8Array());
      expect([png.width, png.height]).toEqual([512, 512]);
      if (token.id <= 10) {
        const expected = await referencePixels(dir, token.files, 512, 512, cache);
        expect(maxChannelDifference(png.rgba, expected)).toBeLessThanOrEqual(3);
      }
    }
    expect(pageErrors).toEqual([]);
  });

  it("finds the project (layers, changed weight, settings) still there after a reload", async () => {
    await page.reload();
    await expect.poll(() => page.getByTestId("layer").count(), { timeout: 20_000 }).toBe(7);
    expect(await page.getByTestId("count-input").inputValue()).toBe("50");
    expect(await page.getByTestId("seed-input").inputValue()).toBe("e2e-seed");
    expect(await page.locator('[data-testid=weight-input][data-layer="04-Eyes"][data-trait="Laser"]').inputValue()).toBe("40");
    expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe("86400");
    // Reorder with the keyboard-reachable buttons: Body goes above Pattern.
    await page.getByRole("button", { name: "Move Body down" }).click();
    const order = () => page.getByTestId("layer").evaluateAll((els) => els.map((e) => e.getAttribute("data-folder")));
    await expect.poll(order).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
    await page.getByRole("button", { name: "Move Body up" }).click();
    await expect.poll(order).toEqual(["01-Background", "02-Body", "03-Pattern", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
  });

  it("lists each bad file with its own message and keeps working: corrupt image, non-image, HTML in a trait name", async () => {
    const html = "<img src=x onerror=window.__xss=1>#5.png";
    const dir = fixtureFolder("bad-layers", {
      "04-Eyes/Broken#3.png": new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3, 4, 5, 6, 7, 8]),
      "05-Mouth/notes.txt": "not an image",
      [`07-Accessory/${html}`]: readFileSync(join(DEMO, "07-Accessory/Scarf#18.png")),
      "02-Body/.DS_Store": "junk",
    });
    temp.push(join(dir, ".."));
    await loadFolder(page, dir);
    const errors = page.getByTestId("error-item");
    await expect.poll(() => errors.count(), { timeout: 20_000 }).toBe(2);
    const text = await page.getByTestId("error-list").innerText();
    expect(text).toContain("04-Eyes/Broken#3.png");
    expect(text).toMatch(/not a readable image/);
    expect(text).toContain("05-Mouth/notes.txt");
    expect(text).toMatch(/expected a \.png, \.jpg, \.jpeg or \.webp image, found another file/);
    // The trait named with HTML is a trait like any other, shown as text, never run.
    await expect.poll(() => page.locator('[data-testid=trait][data-trait="<img src=x onerror=window.__xss=1>"] .trait-name').innerText()).toBe("<img src=x onerror=window.__xss=1>");
    expect(await page.evaluate("window.__xss")).toBeUndefined();
    // The rest still makes a collection.
    expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe(String(6 * 5 * 4 * 6 * 5 * 6 * 5));
    expect(await page.getByTestId("generate-button").isEnabled()).toBe(true);
    expect(pageErrors).toEqual([]);
  });

  it("refuses ZIP entries that leave the folder, and lists them", async () => {
    const entries: Record<string, Uint8Array> = {
      "../evil.png": readFileSync(join(DEMO, "01-Background/Sky#30.png")),
      "layers/../../escape.png": strToU8("x"),
      "/abs/path.png": strToU8("x"),
    };
    for (const folder of ["01-Background", "02-Body"]) {
      for (const f of ["Sky#30.png", "Mint#25.png", "Blue Blob#35.png", "Pink Bean#28.png"]) {
        const p = join(DEMO, folder, f);
        if (existsSync(p)) entries[`layers/${folder}/${f}`] = readFileSync(p);
      }
    }
    const zipPath = join(mkdtempSync(join(tmpdir(), "traitloom-e2e-")), "layers.zip");
    temp.push(join(zipPath, ".."));
    writeFileSync(zipPath, zipSync(entries));
    await page.getByTestId("zip-input").setInputFiles(zipPath);
    await expect.poll(() => page.getByTestId("layer").count(), { timeout: 20_000 }).toBe(2);
    const text = await page.getByTestId("error-list").innerText();
    expect(text).toContain("../evil.png");
    expect(text).toContain("layers/../../escape.png");
    expect(text).toContain("/abs/path.png");
    expect(text).toMatch(/leaves the folder/);
    expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe("4");
  });

  it("loads a ZIP dropped on the page, and reorders layers by dragging", async () => {
    const entries: Record<string, Uint8Array> = {};
    for (const folder of ["01-Background", "02-Body", "03-Pattern"]) {
      for (const f of ["Sky#30.png", "Mint#25.png", "Blue Blob#35.png", "Cosmic#3.png", "None#40.png", "Spots#30.png"]) {
        const p = join(DEMO, folder, f);
        if (existsSync(p)) entries[`dropped/${folder}/${f}`] = readFileSync(p);
      }
    }
    const base64 = Buffer.from(zipSync(entries)).toString("base64");
    const transfer = await page.evaluateHandle(
      `(() => { const bytes = Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0)); const dt = new DataTransfer(); dt.items.add(new File([bytes], "dropped.zip", { type: "application/zip" })); return dt; })()`,
    );
    await page.getByTestId("drop-zone").dispatchEvent("dragover", { dataTransfer: transfer });
    await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer: transfer });
    const order = () => page.getByTestId("layer").evaluateAll((els) => els.map((e) => e.getAttribute("data-folder")));
    await expect.poll(order, { timeout: 20_000 }).toEqual(["01-Background", "02-Body", "03-Pattern"]);
    expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe(String(2 * 2 * 2));
    await page.locator('[data-testid=layer][data-folder="03-Pattern"]').dragTo(page.locator('[data-testid=layer][data-folder="01-Background"]'));
    await expect.poll(order).toEqual(["03-Pattern", "01-Background", "02-Body"]);
  });

  it("says when the size exceeds the unique combinations and will not generate", async () => {
    const capacity = Number(await page.getByTestId("capacity").getAttribute("data-value"));
    expect(capacity).toBeGreaterThan(0);
    await page.getByTestId("count-input").fill(String(capacity + 1));
    await page.getByTestId("capacity-warning").waitFor();
    expect(await page.getByTestId("capacity-warning").innerText()).toContain(`only ${capacity} unique combinations`);
    expect(await page.getByTestId("generate-button").isEnabled()).toBe(false);
  });

  it("loads the demo, stays responsive while 10,000 tokens generate, and cancels", async () => {
    await page.getByTestId("demo-button").click();
    await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
    await page.getByTestId("count-input").fill("10000");
    await expect.poll(() => page.locator("[data-testid=preview-grid] img").count(), { timeout: 20_000 }).toBe(12);
    await page.getByTestId("generate-button").click();
    const progress = page.getByTestId("progress");
    await expect.poll(async () => Number(await progress.getAttribute("data-done")), { timeout: 30_000 }).toBeGreaterThan(50);

    // Another panel answers a click while the workers run: the detail opens before the run is over.
    await page.getByTestId("preview-token").nth(3).click();
    await page.getByTestId("token-detail").waitFor();
    expect(await progress.getAttribute("data-state")).toBe("running");

    // How fast cancel is, is for the benchmarks; here: the run ends as cancelled, short of the total.
    await page.getByTestId("cancel-button").click();
    await expect.poll(() => progress.getAttribute("data-state"), { timeout: 30_000 }).toBe("cancelled");
    const doneAtCancel = Number(await progress.getAttribute("data-done"));
    expect(await progress.getAttribute("data-total")).toBe("10000");
    expect(doneAtCancel).toBeLessThan(10_000);
    await page.waitForTimeout(700);
    expect(Number(await progress.getAttribute("data-done"))).toBe(doneAtCancel);
    expect(await page.getByTestId("download-button").count()).toBe(0);
    // And a new run works after a cancel.
    await page.getByTestId("count-input").fill("20");
    await page.getByTestId("generate-button").click();
    await page.getByTestId("download-button").waitFor({ timeout: 30_000 });
    const zip = await downloadZip(page);
    expect(Object.keys(zip).filter((n) => n.startsWith("images/"))).toHaveLength(20);
    expect(pageErrors).toEqual([]);
  });

  it("saves the collection into a folder the user picks, file for file the ZIP's bytes", async () => {
    // Headless Chromium shows no directory picker: the page is handed a folder of its origin-private file system,
    // a real FileSystemDirectoryHandle, where the picker would return one of the user's disk.
    const p = await context.newPage();
    p.on("pageerror", (e) => pageErrors.push(e.message));
    await p.addInitScript(
      'window.showDirectoryPicker = async () => (await navigator.storage.getDirectory()).getDirectoryHandle("picked", { create: true });',
    );
    await p.goto(url);
    await p.getByTestId("demo-button").click();
    await expect.poll(() => p.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
    await expect.poll(() => p.locator("[data-testid=preview-grid] img").count(), { timeout: 20_000 }).toBe(12);
    await p.getByTestId("count-input").fill("20");
    await expect.poll(() => p.getByTestId("count-input").inputValue()).toBe("20");
    await p.getByTestId("generate-button").click();
    await p.getByTestId("download-button").waitFor({ timeout: 30_000 });
    expect(await p.getByTestId("progress").getAttribute("data-total")).toBe("20");
    const zip = await downloadZip(p);
    await p.getByTestId("save-folder-button").click();
    const files = Object.keys(zip).filter((n) => !n.endsWith("/"));
    await expect.poll(() => p.getByTestId("save-status").innerText(), { timeout: 30_000 }).toBe(`saved ${files.length} files to “picked”`);
    const saved = (await p.evaluate(`(async () => {
      const out = {};
      const walk = async (dir, prefix) => {
        for await (const [name, handle] of dir.entries()) {
          if (handle.kind === "directory") await walk(handle, prefix + name + "/");
          else {
            const digest = await crypto.subtle.digest("SHA-256", await (await handle.getFile()).arrayBuffer());
            out[prefix + name] = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
          }
        }
      };
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle("picked"), "");
      return out;
    })()`)) as Record<string, string>;
    expect(Object.keys(saved).sort()).toEqual(files.sort());
    expect(files.filter((n) => /^images\/\d+\.png$/.test(n))).toHaveLength(20);
    for (const name of files) expect(saved[name], name).toBe(createHash("sha256").update(zip[name] ?? new Uint8Array()).digest("hex"));
    await p.close();
    expect(pageErrors).toEqual([]);
  });

  it("start over clears the project, also after a reload", async () => {
    await page.getByTestId("start-over-button").click();
    await page.getByTestId("start-over-confirm").click();
    await expect.poll(() => page.getByTestId("layer").count()).toBe(0);
    await page.reload();
    await page.waitForTimeout(500);
    expect(await page.getByTestId("layer").count()).toBe(0);
  });
});


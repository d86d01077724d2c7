/**
 * The studio's state and data defects of issue 13, in headless Chromium at 1440×900 and 390×844: the layer order
 * said and read from an engine's config.js; a project folder and a flat folder told apart; results that belong to
 * the settings that made them; past runs kept across reloads, deleted with their size, a warning before leaving a
 * run and partial archives removed; start over confirmed; undo/redo; the pixel limit read from headers; the ETA;
 * traitloom.json and the project file loaded back. The site is built into a folder of its own.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { unzipSync, zlibSync } from "fflate";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { build, preview } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, REPO } from "./harness.js";
import { chromiumOrSkip } from "./studio-driver.js";

const DEMO = join(REPO, "assets/demo-layers");
const executable = chromiumOrSkip();

const SIZES = [
  { name: "desktop 1440×900", width: 1440, height: 900 },
  { name: "phone 390×844", width: 390, height: 844 },
] as const;

/** The demo's layer folders without their numeric prefixes, as HashLips names folders. */
const UNPREFIXED = ["Background", "Body", "Pattern", "Eyes", "Mouth", "Headwear", "Accessory"];
/** The order a HashLips config.js gives them: the demo's own order. */
const CONFIG_JS = `const { MODE } = require(\`\${basePath}/constants/blend_mode.js\`);
const basePath = process.cwd();
const layerConfigurations = [{ growEditionSizeTo: 20, layersOrder: [${UNPREFIXED.map((n) => `{ name: "${n}" }`).join(", ")}] }];
module.exports = { layerConfigurations, format: { width: 512, height: 512 } };
`;

const temp: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "traitloom-state-"));
  temp.push(d);
  return d;
}

/** A copy of the demo layers under `name`, with folders renamed as `rename` says and files added. */
function layersFolder(base: string, name: string, opts: { unprefixed?: boolean; extra?: Record<string, Uint8Array | string> } = {}): string {
  const dir = join(base, name);
  cpSync(DEMO, dir, { recursive: true, filter: (src) => !/README\.md$|LICENSE$/.test(src) });
  if (opts.unprefixed) UNPREFIXED.forEach((n, i) => renameSync(join(dir, `0${i + 1}-${n}`), join(dir, n)));
  for (const [path, data] of Object.entries(opts.extra ?? {})) writeFileSync(join(dir, path), data);
  return dir;
}

/** A PNG that is only its signature and IHDR: enough for the header check, which must refuse it undecoded. */
function headerOnlyPng(width: number, height: number): Uint8Array {
  const b = new Uint8Array(45);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  b.set([8, 6, 0, 0, 0], 24);
  return b;
}

function crc32(bytes: Uint8Array): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A real, fully transparent RGBA PNG of the given size (decodable: the size warning is about a real image). */
function blankPng(width: number, height: number): Uint8Array {
  const chunk = (type: string, data: Uint8Array): Uint8Array => {
    const out = new Uint8Array(12 + data.length);
    const v = new DataView(out.buffer);
    v.setUint32(0, data.length);
    out.set([...type].map((ch) => ch.charCodeAt(0)), 4);
    out.set(data, 8);
    v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
    return out;
  };
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const idat = zlibSync(new Uint8Array(height * (width * 4 + 1)), { level: 1 });
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", idat), chunk("IEND", new Uint8Array())];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const order = (p: Page) => p.getByTestId("layer").evaluateAll((els) => els.map((e) => e.getAttribute("data-folder")));

/** The loaded project's version (bumped by every load), 0 before any. */
async function projectVersion(p: Page): Promise<number> {
  const tools = p.getByTestId("project-tools");
  return (await tools.count()) > 0 ? Number(await tools.getAttribute("data-version")) : 0;
}

/** Runs `load` and waits until a new project is loaded (its version bumped) and analysed. */
async function loaded(p: Page, load: () => Promise<void>): Promise<void> {
  const before = await projectVersion(p);
  await load();
  await expect.poll(() => projectVersion(p), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect.poll(() => p.getByTestId("layer").count(), { timeout: 30_000 }).toBeGreaterThan(0);
}

async function loadFolder(p: Page, dir: string): Promise<void> {
  await loaded(p, () => p.getByTestId("layers-input").setInputFiles(dir));
}

async function loadDemo(p: Page): Promise<void> {
  await loaded(p, () => p.getByTestId("demo-button").click());
}

async function fillSettled(p: Page, testId: string, value: string): Promise<void> {
  await p.getByTestId(testId).fill(value);
  await expect.poll(() => p.getByTestId(testId).inputValue()).toBe(value);
}

async function opfsRuns(p: Page): Promise<string[]> {
  return (await p.evaluate(`(async () => {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle("runs", { create: true });
    const out = [];
    for await (const name of dir.keys()) out.push(name);
    return out.sort();
  })()`)) as string[];
}

describe.skipIf(!executable)("studio state and data (headless Chromium)", () => {
  let browser: Browser;
  let url: string;
  let close: () => Promise<void>;
  const site = resolve(REPO, "node_modules/.cache/traitloom-e2e-state-site");

  beforeAll(async () => {
    await build({ configFile: resolve(REPO, "vite.config.ts"), logLevel: "warn", build: { outDir: site, emptyOutDir: true } });
    const server = await preview({ configFile: resolve(REPO, "vite.config.ts"), logLevel: "warn", preview: { port: 0, host: "127.0.0.1", open: false }, build: { outDir: site } });
    const address = server.httpServer.address();
    if (!address || typeof address === "string") throw new Error("preview server has no port");
    url = `http://localhost:${address.port}/`;
    close = () => server.close();
    browser = await launchChromium(executable ?? "");
  });

  afterAll(async () => {
    await browser?.close();
    await close?.();
    for (const t of temp) rmSync(t, { recursive: true, force: true });
  });

  describe.each(SIZES)("at $name", (size) => {
    let context: BrowserContext;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      context = await browser.newContext({ acceptDownloads: true, viewport: { width: size.width, height: size.height } });
      page = await context.newPage();
      page.on("pageerror", (e) => pageErrors.push(e.message));
      await page.goto(url);
    });

    afterAll(async () => {
      await context?.close();
    });

    it("says a HashLips folder is ordered alphabetically, reads the order from its config.js, and lets the keyboard move a layer", async () => {
      const dir = layersFolder(tempDir(), "hashlips-layers", { unprefixed: true });
      await loadFolder(page, dir);
      const notice = page.getByTestId("layer-order");
      await expect.poll(() => notice.getAttribute("data-source")).toBe("alphabetical");
      expect(await notice.innerText()).toMatch(/Check the layer order: it is alphabetical/);
      expect(await notice.getAttribute("role")).toBe("alert");
      expect(await order(page)).toEqual([...UNPREFIXED].sort());
      // The fix: the engine's config.js, read statically.
      const js = join(tempDir(), "config.js");
      writeFileSync(js, CONFIG_JS);
      await page.getByTestId("config-js-input").setInputFiles(js);
      await expect.poll(() => notice.getAttribute("data-source")).toBe("config.js");
      expect(await order(page)).toEqual(UNPREFIXED);
      expect(await page.getByTestId("layer-order-detail").innerText()).toMatch(/read from config\.js \(HashLips, layerConfigurations\[0\]; read, never run\): Background, Body, Pattern/);
      // Keyboard: focus the ↓ button of Body and press Enter.
      await page.getByRole("button", { name: "Move Body down" }).focus();
      await page.keyboard.press("Enter");
      await expect.poll(() => order(page)).toEqual(["Background", "Pattern", "Body", "Eyes", "Mouth", "Headwear", "Accessory"]);
      expect(await notice.getAttribute("data-source")).toBe("you");
      expect(pageErrors).toEqual([]);
    });

    it("uses the layers/ sub-folder of a picked project folder with its src/config.js, and refuses a flat folder saying what to pick", async () => {
      const base = tempDir();
      const project = join(base, "hashlips_art_engine");
      mkdirSync(join(project, "src"), { recursive: true });
      writeFileSync(join(project, "README.md"), "# engine");
      writeFileSync(join(project, "LICENSE"), "MIT");
      writeFileSync(join(project, "src/config.js"), CONFIG_JS);
      layersFolder(project, "layers", { unprefixed: true });
      await loadFolder(page, project);
      await expect.poll(() => order(page)).toEqual(UNPREFIXED);
      expect(await page.getByTestId("layer-order").getAttribute("data-source")).toBe("config.js");
      const notices = await page.getByTestId("notices").innerText();
      expect(notices).toMatch(/“hashlips_art_engine” is a project folder .*not a layers folder: its layers\/ sub-folder was loaded, with the layer order of hashlips_art_engine\/src\/config\.js/);
      expect(await page.getByTestId("error-item").count()).toBe(0);
      expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe("86400");

      const flat = join(base, "flat");
      mkdirSync(flat);
      for (const f of ["Gold#2.png", "Mint#25.png"]) writeFileSync(join(flat, f), readFileSync(join(DEMO, "01-Background", f)));
      await page.getByTestId("layers-input").setInputFiles(flat);
      await page.getByTestId("load-error").waitFor();
      expect(await page.getByTestId("load-error").innerText()).toMatch(/flat: expected one sub-folder per layer .*found 2 image\(s\) and no layer folders: pick the folder that holds the layer folders/);
      // The project before stays as it was.
      expect(await order(page)).toEqual(UNPREFIXED);
    });

    it("refuses a layer image past the pixel limit from its header without decoding it, warns for a large one, and loads the rest", async () => {
      const dir = layersFolder(tempDir(), "huge-layers", { extra: { "01-Background/Huge#5.png": headerOnlyPng(20000, 20000), "02-Body/Big#1.png": blankPng(4096, 4096) } });
      await loadFolder(page, dir);
      // A large image loads, with a warning (and, of another size than the rest, is left out as a problem).
      const warning = page.getByTestId("notice-item").filter({ hasText: "Big#1.png" });
      await expect.poll(() => warning.count(), { timeout: 20_000 }).toBe(1);
      expect(await warning.innerText()).toMatch(/4096×4096: a large image, 64 MiB per decoded copy/);
      const item = page.getByTestId("error-item").filter({ hasText: "Huge#5.png" });
      await expect.poll(() => item.count(), { timeout: 20_000 }).toBe(1);
      expect(await item.innerText()).toMatch(/20000×20000 is 400 megapixels: expected at most 268,402,689 pixels/);
      expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe("86400");
      expect(pageErrors).toEqual([]);
    });

    it("asks before start over; undoes and redoes weights, order and settings with the buttons and Ctrl+Z / Ctrl+Shift+Z", async () => {
      await loadDemo(page);
      await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
      expect(await page.getByTestId("undo-button").isDisabled()).toBe(true);
      await fillSettled(page, "count-input", "7");
      const laser = page.locator('[data-testid=weight-input][data-layer="04-Eyes"][data-trait="Laser"]');
      await laser.fill("40");
      await page.getByRole("button", { name: "Move Body down" }).click();
      await expect.poll(() => order(page)).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      // Undo the reorder with the button, the weight with Ctrl+Z, the size with the button again.
      await page.getByTestId("undo-button").click();
      await expect.poll(() => order(page)).toEqual(["01-Background", "02-Body", "03-Pattern", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      await page.locator("body").click({ position: { x: 1, y: 1 } });
      await page.keyboard.press("Control+z");
      await expect.poll(() => laser.inputValue()).toBe("5");
      await page.getByTestId("undo-button").click();
      await expect.poll(() => page.getByTestId("count-input").inputValue()).toBe("100");
      expect(await page.getByTestId("undo-button").isDisabled()).toBe(true);
      // Redo all three.
      await page.keyboard.press("Control+Shift+z");
      await expect.poll(() => page.getByTestId("count-input").inputValue()).toBe("7");
      await page.getByTestId("redo-button").click();
      await expect.poll(() => laser.inputValue()).toBe("40");
      await page.keyboard.press("Control+Shift+Z");
      await expect.poll(() => order(page)).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      expect(await page.getByTestId("redo-button").isDisabled()).toBe(true);

      // Start over asks; "Keep the project" keeps it.
      await page.getByTestId("start-over-button").click();
      await page.getByTestId("start-over-dialog").waitFor();
      expect(await page.getByTestId("start-over-dialog").innerText()).toMatch(/Start over\?/);
      await page.getByTestId("start-over-cancel").click();
      await expect.poll(() => page.getByTestId("start-over-dialog").isVisible()).toBe(false);
      expect(await page.getByTestId("layer").count()).toBe(7);
      await page.getByTestId("start-over-button").click();
      await page.getByTestId("start-over-confirm").click();
      await expect.poll(() => page.getByTestId("layer").count()).toBe(0);
      expect(pageErrors).toEqual([]);
    });

    it("marks a result outdated when the settings change, and downloads it under the name of its own settings", async () => {
      await loadDemo(page);
      await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
      await fillSettled(page, "count-input", "8");
      await page.getByTestId("generate-button").click();
      await page.getByTestId("download-button").waitFor({ timeout: 60_000 });
      expect(await page.getByTestId("result-outdated").count()).toBe(0);
      await fillSettled(page, "count-input", "9");
      await fillSettled(page, "name-prefix-input", "Renamed");
      await page.getByTestId("result-outdated").waitFor();
      expect(await page.getByTestId("result-outdated").innerText()).toMatch(/made before the size, the name prefix changed/);
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
      expect(download.suggestedFilename()).toBe("traitloom-8.zip");
      const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
      expect(Object.keys(zip).filter((n) => n.startsWith("images/"))).toHaveLength(8);
      // Back to the run's settings: current again.
      await fillSettled(page, "count-input", "8");
      await fillSettled(page, "name-prefix-input", "Traitloom");
      await expect.poll(() => page.getByTestId("result-outdated").count()).toBe(0);
    });

    it("keeps the finished run across a reload: listed with its size, shown, downloaded, deleted", async () => {
      await page.reload();
      const run = page.getByTestId("past-run");
      await expect.poll(() => run.count(), { timeout: 20_000 }).toBe(1);
      expect(await run.innerText()).toMatch(/traitloom-8\.zip · 8 tokens/);
      expect(await page.getByTestId("storage-use").innerText()).toMatch(/^1 archive, \d+(\.\d)? (KB|MB) · this site stores .* of .* the browser allows$/);
      await run.getByTestId("past-run-show").click();
      await page.getByTestId("rarity-panel").waitFor();
      expect(await page.getByTestId("download-button").getAttribute("download")).toBe("traitloom-8.zip");
      const [download] = await Promise.all([page.waitForEvent("download"), run.getByTestId("past-run-download").click()]);
      expect(download.suggestedFilename()).toBe("traitloom-8.zip");
      expect(Object.keys(unzipSync(new Uint8Array(readFileSync(await download.path())))).filter((n) => n.startsWith("metadata/"))).toHaveLength(8);
      expect(await opfsRuns(page)).toHaveLength(1);
      expect(await run.getByTestId("past-run-delete").innerText()).toMatch(/^Delete \(\d+(\.\d)? (KB|MB)\)$/);
      await run.getByTestId("past-run-delete").click();
      await expect.poll(() => page.getByTestId("past-run").count()).toBe(0);
      expect(await page.getByTestId("download-button").count()).toBe(0);
      expect(await opfsRuns(page)).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it("shows an ETA (m:ss or h:mm:ss) once the rate is steady, warns before leaving a run, and removes its partial archive at the next start", async () => {
      await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
      await fillSettled(page, "count-input", "20000");
      await page.getByTestId("generate-button").click();
      const progress = page.getByTestId("progress");
      await expect.poll(() => progress.getAttribute("data-eta"), { timeout: 60_000 }).toMatch(/^\d+$/);
      expect(await progress.innerText()).toMatch(/ tokens\/s · ETA (\d+:)?\d{1,2}:\d\d/);
      expect(await opfsRuns(page)).toHaveLength(1);
      const dialogs: string[] = [];
      page.once("dialog", (d) => {
        dialogs.push(d.type());
        void d.accept();
      });
      await page.reload();
      expect(dialogs).toEqual(["beforeunload"]);
      // The run was cut short: its archive has no record, and the new page removes it.
      await expect.poll(() => opfsRuns(page), { timeout: 20_000 }).toEqual([]);
      await fillSettled(page, "count-input", "8");
    });

    it("has the CLI's metadata settings: external URL, background colour, extra attributes and metadata, renames, uniqueness", async () => {
      await loadDemo(page);
      await fillSettled(page, "count-input", "6");
      await page.getByTestId("background-color-input").fill("#zz");
      await page.getByTestId("background-color-input-error").waitFor();
      expect(await page.getByTestId("background-color-input-error").innerText()).toMatch(/^backgroundColor: expected six hex digits without #, found "zz"$/);
      await page.getByTestId("background-color-input").fill("#FF00aa");
      await expect.poll(() => page.getByTestId("background-color-input-error").count()).toBe(0);
      await page.getByTestId("external-url-input").fill("https://x.test/token/{id}");
      await page.getByTestId("extra-attributes-input").fill('[{ "trait_type": "Artist", "value": 5 }, { "trait_type": 1 }]');
      await page.getByTestId("extra-attributes-input-error").waitFor();
      expect(await page.getByTestId("extra-attributes-input-error").innerText()).toMatch(/^extraAttributes\[1\]\.trait_type: expected a string, found 1/);
      await page.getByTestId("extra-attributes-input").fill('[{ "trait_type": "Artist", "value": "Me" }]');
      await page.getByTestId("extra-metadata-input").fill('{ "creator": "studio" }');
      await page.getByTestId("renames-input").fill("Eyes / Laser = Laser Eyes");
      await page.locator('[data-testid=unique-layer][data-folder="01-Background"]').uncheck();
      const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
      const config = JSON.parse(readFileSync(await json.path(), "utf8")) as Record<string, unknown> & { layers: Array<Record<string, unknown>> };
      expect(config).toMatchObject({
        backgroundColor: "FF00aa",
        externalUrl: "https://x.test/token/{id}",
        extraAttributes: [{ trait_type: "Artist", value: "Me" }],
        extraMetadata: { creator: "studio" },
        count: 6,
      });
      expect(config.layers[0]).toEqual({ name: "Background", folder: "01-Background", countsForUniqueness: false });
      expect(config.layers[3]).toEqual({ name: "Eyes", folder: "04-Eyes", traits: { Laser: { value: "Laser Eyes" } } });
      await page.getByTestId("generate-button").click();
      await page.getByTestId("download-button").waitFor({ timeout: 60_000 });
      const [zipDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
      const zip = unzipSync(new Uint8Array(readFileSync(await zipDownload.path())));
      const meta = JSON.parse(new TextDecoder().decode(zip["metadata/1.json"])) as Record<string, unknown> & { attributes: Array<{ trait_type: string; value: unknown }> };
      expect(meta).toMatchObject({ external_url: "https://x.test/token/1", background_color: "FF00aa", creator: "studio" });
      expect(meta.attributes.at(-1)).toEqual({ trait_type: "Artist", value: "Me" });
      expect(meta.attributes.some((a) => a.value === "Laser")).toBe(false);
      // WebP is the CLI's: the studio says so and does not generate.
      await page.getByTestId("format-select").selectOption("webp");
      await page.getByTestId("format-note").waitFor();
      expect(await page.getByTestId("generate-button").isDisabled()).toBe(true);
      await page.getByTestId("format-select").selectOption("png");
      await expect.poll(() => page.getByTestId("generate-button").isDisabled()).toBe(false);
      expect(pageErrors).toEqual([]);
    });

    it("applies the rules of a CLI traitloom.json when it generates, and points to the rules panel", async () => {
      await loadDemo(page);
      const cli = join(tempDir(), "traitloom.json");
      writeFileSync(cli, JSON.stringify({ count: 120, seed: "rules", rules: [{ never: ["Eyes/Laser", "Mouth/Fangs"] }] }));
      await page.getByTestId("settings-file-input").setInputFiles(cli);
      await expect.poll(() => page.getByTestId("seed-input").inputValue()).toBe("rules");
      expect(await page.getByTestId("notices").innerText()).toMatch(/1 rule\(s\) and 0 fixed count\(s\) loaded: see the rules panel/);
      await page.getByTestId("generate-button").click();
      await page.getByTestId("download-button").waitFor({ timeout: 60_000 });
      const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("download-button").click()]);
      const zip = unzipSync(new Uint8Array(readFileSync(await download.path())));
      const all = JSON.parse(new TextDecoder().decode(zip["_metadata.json"])) as Array<{ attributes: Array<{ trait_type: string; value: unknown }> }>;
      expect(all).toHaveLength(120);
      const has = (t: (typeof all)[number], type: string, value: string) => t.attributes.some((a) => a.trait_type === type && a.value === value);
      expect(all.filter((t) => has(t, "Eyes", "Laser")).length).toBeGreaterThan(0);
      expect(all.filter((t) => has(t, "Mouth", "Fangs")).length).toBeGreaterThan(0);
      expect(all.filter((t) => has(t, "Eyes", "Laser") && has(t, "Mouth", "Fangs"))).toEqual([]);
      expect(pageErrors).toEqual([]);
    });

    it("says how far reading the layers has got: “Reading layers… 3 of 36”", async () => {
      // A context of its own (nothing to restore) whose image decoding is held after three images: what the page
      // shows then is the progress, whatever the machine's speed.
      const own = await browser.newContext({ viewport: { width: size.width, height: size.height } });
      const q = await own.newPage();
      await q.addInitScript(`(() => {
        const real = window.createImageBitmap.bind(window);
        const gate = { n: 0, open: false, waiters: [] };
        window.createImageBitmap = (...args) => (++gate.n > 3 && !gate.open ? new Promise((r) => gate.waiters.push(r)).then(() => real(...args)) : real(...args));
        window.__openGate = () => { gate.open = true; gate.waiters.splice(0).forEach((r) => r()); };
      })()`);
      await q.goto(url);
      await q.getByTestId("demo-button").click();
      await expect.poll(() => q.getByTestId("load-status").textContent(), { timeout: 20_000 }).toBe("Reading layers… 3 of 36");
      await q.evaluate("window.__openGate()");
      await expect.poll(() => q.getByTestId("layer").count(), { timeout: 20_000 }).toBe(7);
      await expect.poll(() => q.getByTestId("load-status").count()).toBe(0);
      await own.close();
    });

    it("loads back the traitloom.json it downloads, and a whole project file (layers + settings)", async () => {
      await loadDemo(page);
      await expect.poll(() => page.getByTestId("capacity").getAttribute("data-value"), { timeout: 20_000 }).toBe("86400");
      await fillSettled(page, "seed-input", "round-trip");
      await fillSettled(page, "count-input", "12");
      await page.locator('[data-testid=weight-input][data-layer="04-Eyes"][data-trait="Laser"]').fill("33");
      await page.getByRole("button", { name: "Move Body down" }).click();
      await expect.poll(() => order(page)).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      const [json] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-config-button").click()]);
      const jsonPath = join(tempDir(), "traitloom.json");
      writeFileSync(jsonPath, readFileSync(await json.path()));
      const [projectDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("save-project-button").click()]);
      const projectPath = join(tempDir(), projectDownload.suggestedFilename());
      writeFileSync(projectPath, readFileSync(await projectDownload.path()));
      expect(Object.keys(unzipSync(new Uint8Array(readFileSync(projectPath))))).toContain("layers/04-Eyes/Laser#5.png");

      // A fresh load forgets the settings; the traitloom.json brings them back.
      await loadDemo(page);
      expect(await page.getByTestId("seed-input").inputValue()).not.toBe("round-trip");
      await page.getByTestId("settings-file-input").setInputFiles(jsonPath);
      await expect.poll(() => page.getByTestId("seed-input").inputValue()).toBe("round-trip");
      expect(await page.getByTestId("count-input").inputValue()).toBe("12");
      expect(await page.locator('[data-testid=weight-input][data-layer="04-Eyes"][data-trait="Laser"]').inputValue()).toBe("33");
      expect(await order(page)).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      expect(await page.getByTestId("layer-order").getAttribute("data-source")).toBe("traitloom.json");
      // A traitloom.json that fails the schema is refused in one line naming the file and field.
      const bad = join(tempDir(), "bad.json");
      writeFileSync(bad, JSON.stringify({ count: 0 }));
      await page.getByTestId("settings-file-input").setInputFiles(bad);
      await page.getByTestId("load-error").waitFor();
      expect(await page.getByTestId("load-error").innerText()).toMatch(/bad\.json: count: expected a number >= 1, found 0/);

      // The project file, opened as a ZIP: the layers and the settings.
      await loadDemo(page);
      expect(await page.getByTestId("seed-input").inputValue()).not.toBe("round-trip");
      await loaded(page, () => page.getByTestId("zip-input").setInputFiles(projectPath));
      await expect.poll(() => page.getByTestId("seed-input").inputValue(), { timeout: 20_000 }).toBe("round-trip");
      expect(await order(page)).toEqual(["01-Background", "03-Pattern", "02-Body", "04-Eyes", "05-Mouth", "06-Headwear", "07-Accessory"]);
      expect(await page.getByTestId("notices").innerText()).toMatch(/is a project \(layers\/ and traitloom\.json\): its layers and settings were loaded/);
      expect(await page.getByTestId("capacity").getAttribute("data-value")).toBe("86400");
      expect(pageErrors).toEqual([]);
    });
  });
});

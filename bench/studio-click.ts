/**
 * The studio itself, driven as a user drives it, timed from the Generate click: load a layers folder through the
 * folder input, set the collection size, wait for the preview, click Generate, and time until the first progress
 * with a token done is shown and until "Download ZIP" is there; then click Generate again (a second run). Builds
 * take turns, so the machine's load touches each alike: this build's web-dist/ and, with --against, another
 * build's (e.g. main's, for before/after in the same run).
 *
 *   npx tsx bench/studio-click.ts [--against /path/to/other/web-dist] [--rounds 3] [--count 324] [--no-build]
 *
 * Layers: the HashLips sample where /work/shared has it (copied with numbered folders in bench/hashlips-order.json's
 * order, so the studio's default order is that one), else the demo layers. "First progress" is the first
 * progress report the UI shows with a token done: reports reach the page at most 4 times a second, so it is up to
 * 250 ms later than the first token itself (bench:browser's short-run rows time that exactly).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { buildStudio, findChromium, launchChromium, REPO } from "../test/e2e/harness.js";

const HASHLIPS = "/work/shared/datasets/hashlips/layers";
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const rounds = Math.max(1, Number(arg("--rounds") ?? 3) || 3);
const count = Math.max(1, Number(arg("--count") ?? 324) || 324);
const against = arg("--against");

const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".png": "image/png", ".svg": "image/svg+xml", ".wasm": "application/wasm" };

/** A static server of one web-dist folder on a free localhost port (a secure context: OPFS, crypto.subtle). */
async function serve(dir: string): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const path = resolve(dir, `.${decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/")}`);
    const file = path.startsWith(dir) && existsSync(path) && statSync(path).isDirectory() ? join(path, "index.html") : path;
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader("content-type", MIME[extname(file)] ?? "application/octet-stream");
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("no port");
  return { url: `http://localhost:${address.port}/`, server };
}

/** The layers folder to load: the HashLips sample in its order (numbered folders), or the demo layers. */
function layersFolder(): { dir: string; label: string; cleanup: () => void } {
  if (!existsSync(HASHLIPS)) return { dir: join(REPO, "assets/demo-layers"), label: "assets/demo-layers", cleanup: () => undefined };
  const order = (JSON.parse(readFileSync(join(REPO, "bench/hashlips-order.json"), "utf8")) as { layers: string[] }).layers;
  const root = mkdtempSync(join(tmpdir(), "traitloom-click-"));
  const dir = join(root, "layers");
  order.forEach((layer, i) => cpSync(join(HASHLIPS, layer), join(dir, `${String(i + 1).padStart(2, "0")}-${layer}`), { recursive: true }));
  return { dir, label: `the HashLips sample (${HASHLIPS}) in bench/hashlips-order.json's order`, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

interface ClickRun {
  firstProgressMs: number;
  downloadMs: number;
}

/** Clicks Generate and times it in the page: first progress with a token done, then the Download ZIP link. */
const CLICK = `new Promise((resolve) => {
  const progress = document.querySelector('[data-testid=progress]');
  let first = NaN;
  const t0 = performance.now();
  const check = () => {
    const now = performance.now();
    if (Number.isNaN(first) && Number(progress.getAttribute('data-done')) > 0) first = now - t0;
    if (document.querySelector('[data-testid=download-button]') && progress.getAttribute('data-state') === 'done') {
      observer.disconnect();
      resolve({ firstProgressMs: Number.isNaN(first) ? now - t0 : first, downloadMs: now - t0 });
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  document.querySelector('[data-testid=generate-button]').click();
})`;

async function session(browser: Browser, url: string, dir: string): Promise<ClickRun[]> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${url}index.html`);
    await page.getByTestId("layers-input").setInputFiles(dir);
    await page.getByTestId("count-input").fill(String(count));
    await page.waitForFunction("document.querySelectorAll('[data-testid=preview-grid] img').length === 12", undefined, { timeout: 60_000 });
    // A user looks at the preview for a moment before the click.
    await page.waitForTimeout(1000);
    const first = (await page.evaluate(CLICK)) as ClickRun;
    await page.waitForTimeout(500);
    const again = (await page.evaluate(CLICK)) as ClickRun;
    return [first, again];
  } finally {
    await context.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

async function main(): Promise<void> {
  const executable = findChromium();
  if (!executable) throw new Error("needs Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)");
  if (!process.argv.includes("--no-build")) await buildStudio();
  const builds = [{ label: "this build", dir: join(REPO, "web-dist") }, ...(against ? [{ label: against, dir: resolve(against) }] : [])];
  const served = await Promise.all(builds.map((b) => serve(b.dir)));
  const layers = layersFolder();
  const browser = await launchChromium(executable);
  const runs = builds.map(() => [[], []] as [ClickRun[], ClickRun[]]);
  const loadBefore = loadavg().map((l) => l.toFixed(2)).join(" ");
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [i, b] of builds.entries()) {
        const [first, again] = await session(browser, served[i]!.url, layers.dir);
        runs[i]![0].push(first!);
        runs[i]![1].push(again!);
        console.log(`${b.label}: first run ${first!.firstProgressMs.toFixed(0)} / ${first!.downloadMs.toFixed(0)} ms, second ${again!.firstProgressMs.toFixed(0)} / ${again!.downloadMs.toFixed(0)} ms  (load ${loadavg()[0]!.toFixed(2)})`);
      }
    }
  } finally {
    await browser.close();
    for (const s of served) s.server.close();
    layers.cleanup();
  }
  const ms = (xs: number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  console.log(`\n${count} tokens of ${layers.label}, the studio's UI in headless Chromium, median of ${rounds} rounds (fastest-slowest), builds taking turns; load average before ${loadBefore}, after ${loadavg().map((l) => l.toFixed(2)).join(" ")}.\n`);
  console.log("| build | run | click → first progress with a token ms | click → Download ZIP ms |");
  console.log("| --- | --- | ---: | ---: |");
  for (const [i, b] of builds.entries()) {
    for (const [k, name] of ["first after load", "second"].entries()) {
      const xs = runs[i]![k as 0 | 1];
      console.log(`| ${b.label} | ${name} | ${ms(xs.map((x) => x.firstProgressMs))} | ${ms(xs.map((x) => x.downloadMs))} |`);
    }
  }
}

await main();

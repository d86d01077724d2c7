/**
 * npm run bench:browser: the studio's engine in headless Chromium, tokens/s end to end (plan, render, encode,
 * into the ZIP in OPFS) on the project's public demo layers (assets/demo-layers, MIT) at 512x512 and
 * 1024x1024 (layers upscaled once at decode), against the starting design's path (one worker, sequential, a
 * fresh canvas and a decode of every layer per token, convertToBlob). Also the PNG encoders side by side,
 * and the tab's peak memory (resident set of the renderer process, which holds the page and its workers).
 * Prints a table and writes it into docs/benchmarks.md between the "Browser studio" markers.
 *
 *   npm run bench:browser [-- --quick] [-- --no-write] [-- --big] [-- --short [--rounds 3]]
 *
 * --big adds 10,000 tokens at 1024x1024 (about 1.7 GB of PNGs into one ZIP), to show the tab's memory stays flat.
 * The short-run table (324 tokens from the Generate click, cold and warm starts) is measured first and written
 * between its own markers; --short runs and writes only it. It uses the HashLips sample where /work/shared has it,
 * else the demo layers (324 tokens of them).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import type { Browser } from "playwright-core";
import { buildStudio, CHROMIUM_ARGS, findChromium, launchChromium, REPO, serveStudio } from "../test/e2e/harness.js";
import type { BenchCase as PageCase, BenchResult, EncoderChoice, CompositorName, ShortRunCase, ShortRunResult, ShortRunStart } from "../src/browser/benchVariant.js";

/** A case as the page runs it (its seed given here), with the table's label. */
type BenchCase = Omit<PageCase, "seed"> & { label: string };

const quick = process.argv.includes("--quick");
const write = !process.argv.includes("--no-write");
const big = process.argv.includes("--big");
/** Only the short-run rows (quick to repeat while working on start-up). */
const shortOnly = process.argv.includes("--short");
const cores = cpus().length;
const scale = quick ? 0.25 : 1;
const n = (count: number): number => Math.max(8, Math.round(count * scale));

/** Resident set size (kB) of the renderer processes under `rootPid` (this process: Playwright's browser is its child), summed. */
function rendererRssKb(rootPid: number): number {
  const parent = new Map<number, number>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0;
  for (const [pid] of parent) {
    let p: number | undefined = pid;
    while (p !== undefined && p > 1 && p !== rootPid) p = parent.get(p);
    if (p !== rootPid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer")) continue;
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      total += Number(m?.[1] ?? 0);
    } catch {
      // Ended meanwhile.
    }
  }
  return total;
}

async function runCase(browser: Browser, url: string, c: BenchCase): Promise<BenchResult & { peakRssMb: number }> {
  const page = await browser.newPage();
  try {
    await page.goto(`${url}bench.html`);
    await page.waitForFunction("typeof window.traitloomBench === 'function'");
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, rendererRssKb(process.pid))), 100);
    try {
      const result = (await page.evaluate(`window.traitloomBench(${JSON.stringify({ ...c, seed: "bench" })})`)) as BenchResult;
      return { ...result, peakRssMb: peak / 1024 };
    } finally {
      clearInterval(timer);
    }
  } finally {
    await page.close();
  }
}

/** The HashLips sample when this machine has it (a 324-token collection at 512x512), else the demo layers. */
const HASHLIPS = "/work/shared/datasets/hashlips/layers";
const SHORT_COUNT = 324;
const roundsArg = process.argv.indexOf("--rounds");
const SHORT_ROUNDS = roundsArg > 0 ? Math.max(1, Number(process.argv[roundsArg + 1]) || 3) : 3;

interface ShortLayers {
  label: string;
  fixture: ShortRunCase["fixture"];
  order: string[] | undefined;
}

function filesUnder(dir: string, base = dir): Array<{ path: string; base64: string }> {
  const out: Array<{ path: string; base64: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(p, base));
    else if (/\.png$/i.test(entry.name)) out.push({ path: relative(base, p).split("\\").join("/"), base64: readFileSync(p).toString("base64") });
  }
  return out;
}

function shortLayers(): ShortLayers {
  if (existsSync(HASHLIPS)) {
    const order = (JSON.parse(readFileSync(join(REPO, "bench/hashlips-order.json"), "utf8")) as { layers: string[] }).layers;
    return { label: `the HashLips sample (${HASHLIPS}, layer order bench/hashlips-order.json)`, fixture: { root: "layers", files: filesUnder(HASHLIPS) }, order };
  }
  return { label: "the demo layers (assets/demo-layers; the HashLips sample is not on this machine)", fixture: undefined, order: undefined };
}

const SHORT_STARTS: Array<{ start: ShortRunStart; label: string }> = [
  { start: "cold", label: "cold: workers started and traits decoded after the click (the studio before warm workers)" },
  { start: "at-load", label: "click as the project loads (warm-up still running)" },
  { start: "warm", label: "warm: workers ready, traits decoded on project load (the studio's default)" },
  { start: "again", label: "a second run on the workers the first left" },
];

/** The run's stages in order (RunTimeline). */
const TIMELINE = ["workers", "planned", "connected", "first-token", "rendered", "stored", "archive"];

interface ShortRow {
  label: string;
  runs: ShortRunResult[];
}

async function runShort(browser: Browser, url: string, layers: ShortLayers): Promise<ShortRow[]> {
  const rows: ShortRow[] = SHORT_STARTS.map((s) => ({ label: s.label, runs: [] }));
  const page = await browser.newPage();
  try {
    await page.goto(`${url}bench.html`);
    await page.waitForFunction("typeof window.traitloomShortRun === 'function'");
    // Rounds take turns over the starts, so a change in the machine's load touches all of them alike.
    for (let round = 0; round < SHORT_ROUNDS; round++) {
      for (const [i, s] of SHORT_STARTS.entries()) {
        const c: ShortRunCase = { fixture: layers.fixture, order: layers.order, count: SHORT_COUNT, seed: "bench", workers: cores, start: s.start };
        const r = (await page.evaluate(`window.traitloomShortRun(${JSON.stringify(c)})`)) as ShortRunResult;
        rows[i]!.runs.push(r);
        const t = r.timeline;
        const f = (k: string): string => (t[k] === undefined ? "-" : t[k]!.toFixed(0));
        console.log(
          `short ${s.start.padEnd(7)} first token ${r.firstTokenMs.toFixed(0).padStart(5)} ms  ZIP ${r.zipMs.toFixed(0).padStart(5)} ms  (workers ${f("workers")} planned ${f("planned")} connected ${f("connected")} rendered ${f("rendered")} stored ${f("stored")}; warm-up ${r.warmMs.toFixed(0)} ms, decode ${r.warmDecodeMs.toFixed(0)} ms; per token draw/encode/hash/write ${r.perToken.draw.toFixed(1)}/${r.perToken.encode.toFixed(1)}/${r.perToken.hash.toFixed(1)}/${r.perToken.write.toFixed(1)} ms)  load ${loadAverage()}`,
        );
      }
    }
  } finally {
    await page.close();
  }
  return rows;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
}

function shortTable(rows: ShortRow[]): string {
  const ms = (xs: number[]): string => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
  return [
    "| start | tokens | click → first token ms | click → ZIP in hand ms | tokens/s end to end | warm-up before the click ms (decode) |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map((r) => {
      const z = median(r.runs.map((x) => x.zipMs));
      const warm = r.runs[0]?.warmMs ? `${median(r.runs.map((x) => x.warmMs)).toFixed(0)} (${median(r.runs.map((x) => x.warmDecodeMs)).toFixed(0)})` : "-";
      return `| ${r.label} | ${r.runs[0]?.count ?? 0} | ${ms(r.runs.map((x) => x.firstTokenMs))} | ${ms(r.runs.map((x) => x.zipMs))} | ${(((r.runs[0]?.count ?? 0) * 1000) / z).toFixed(0)} | ${warm} |`;
    }),
    "",
    "Where the time goes (median ms from the click at which the page learns of each stage; src/browser/engine.ts `RunTimeline`), and the render workers' ms per token:",
    "",
    `| start | ${TIMELINE.join(" | ")} | draw / encode / hash per token |`,
    `| --- | ${TIMELINE.map(() => "---:").join(" | ")} | ---: |`,
    ...rows.map((r) => {
      const at = (k: string): string => {
        const xs = r.runs.map((x) => x.timeline[k]).filter((v): v is number => v !== undefined);
        return xs.length > 0 ? median(xs).toFixed(0) : "-";
      };
      const per = (k: "draw" | "encode" | "hash"): string => median(r.runs.map((x) => x.perToken[k])).toFixed(1);
      return `| ${r.label.split(":")[0]} | ${TIMELINE.map(at).join(" | ")} | ${per("draw")} / ${per("encode")} / ${per("hash")} |`;
    }),
  ].join("\n");
}

async function main(): Promise<void> {
  const executable = findChromium();
  if (!executable) throw new Error("bench:browser needs Chromium: apt-get install -y chromium (or set CHROMIUM_PATH)");
  await buildStudio();
  const server = await serveStudio();
  const browser = await launchChromium(executable);
  const version = browser.version();
  const fast: EncoderChoice = { name: "fast", level: 0 };
  const canvasEnc: EncoderChoice = { name: "canvas", level: 0 };
  const engine = (size: number, count: number, encoder: EncoderChoice, compositor: CompositorName, workers = cores, what = ""): BenchCase => ({
    label: `studio engine: ${workers} worker${workers > 1 ? "s" : ""}, ${compositor} compositor, ${what || encoder.name}`,
    count: n(count),
    width: size,
    height: size,
    workers,
    mode: "engine",
    encoder,
    compositor,
  });
  const baseline = (size: number, count: number): BenchCase => ({
    label: "starting design: 1 worker, sequential, fresh canvas + decode of every layer per token, drawImage, convertToBlob",
    count: n(count),
    width: size,
    height: size,
    workers: 1,
    mode: "baseline",
    encoder: canvasEnc,
    compositor: "canvas",
  });
  const cases: BenchCase[] = [
    baseline(512, 150),
    engine(512, 4000, fast, "span", cores, "fast PNG (default)"),
    engine(512, 1500, fast, "canvas", cores, "fast PNG"),
    engine(512, 1000, canvasEnc, "span", cores, "convertToBlob"),
    engine(512, 1000, { name: "native", level: 6 }, "span", cores, "JS filter + CompressionStream deflate"),
    engine(512, 600, { name: "js", level: 1 }, "span", cores, "JS filter + fflate deflate 1"),
    engine(512, 300, { name: "js", level: 6 }, "span", cores, "JS filter + fflate deflate 6"),
    engine(512, 2000, fast, "span", 1, "fast PNG"),
    baseline(1024, 40),
    engine(1024, 1000, fast, "span", cores, "fast PNG (default)"),
    engine(1024, 300, canvasEnc, "span", cores, "convertToBlob"),
    ...(big ? [{ ...engine(1024, 10_000, fast, "span", cores, "fast PNG (default), 10,000 tokens"), count: 10_000 }] : []),
  ];
  const rows: Array<BenchCase & BenchResult & { peakRssMb: number }> = [];
  const layers = shortLayers();
  let short: ShortRow[];
  const loadBefore = loadAverage();
  try {
    // One warm-up run so the first measured case does not pay for compiling the workers' code.
    await runCase(browser, server.url, { ...cases[1]!, count: 40 });
    short = await runShort(browser, server.url, layers);
    for (const c of shortOnly ? [] : cases) {
      const r = await runCase(browser, server.url, c);
      rows.push({ ...c, ...r });
      console.log(`${c.width}x${c.height}  ${r.tokensPerSecond.toFixed(1).padStart(6)} tokens/s  ${(r.meanImageBytes / 1024).toFixed(0).padStart(5)} KiB/image  peak ${r.peakRssMb.toFixed(0)} MB  draw/encode/hash ${r.perToken.draw.toFixed(1)}/${r.perToken.encode.toFixed(1)}/${r.perToken.hash.toFixed(1)} ms  ${c.label} (${c.count} tokens)`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  const speedup = (size: number): string => {
    const base = rows.find((r) => r.width === size && r.mode === "baseline");
    const best = rows.find((r) => r.width === size && r.mode === "engine" && r.workers === cores && r.encoder.name === "fast" && r.compositor === "span");
    return base && best ? `${(best.tokensPerSecond / base.tokensPerSecond).toFixed(1)}x` : "n/a";
  };
  const date = new Date().toISOString().slice(0, 10);
  const flags = [quick ? "--quick" : "", big ? "--big" : "", shortOnly ? "--short" : ""].filter(Boolean).join(" ");
  const command = `npm run bench:browser${flags ? ` -- ${flags}` : ""}`;
  const table = [
    "| size | path | tokens | tokens/s | mean PNG KiB | ZIP MiB | tab peak RSS MiB |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...rows.map(
      (r) =>
        `| ${r.width}x${r.height} | ${r.label} | ${r.count} | ${r.tokensPerSecond.toFixed(1)} | ${(r.meanImageBytes / 1024).toFixed(0)} | ${(r.zipBytes / 1048576).toFixed(1)} | ${r.peakRssMb.toFixed(0)} |`,
    ),
  ].join("\n");
  const section = [
    "<!-- browser-bench:start (written by npm run bench:browser) -->",
    "## Browser studio",
    "",
    `Measured ${date} with \`${command}\` on ${cores} cores (${cpus()[0]?.model ?? "unknown CPU"}), headless ${version} (${CHROMIUM_ARGS.join(" ")}).`,
    "Layer set: the project's demo layers (assets/demo-layers, 7 layers, 512x512; 1024x1024 upscaled once at decode), seed `bench`.",
    "Tokens/s are end to end: plan, render, encode, hash, into the ZIP in the origin-private file system, central directory and collection files written.",
    "Tab peak RSS: the renderer process (page and workers), sampled every 100 ms.",
    "",
    table,
    "",
    `Studio engine vs the starting design's path: ${speedup(512)} at 512x512, ${speedup(1024)} at 1024x1024.`,
    "The studio's defaults are core's span compositor (src/render/composite.ts, the Node backend's: traits decoded once with createImageBitmap, read back once, no canvas readback per token) and the fast PNG encoder (src/browser/fastDeflate.ts: Up filter, deflate of runs at distance 1 and one pixel, dynamic Huffman per block, RGB where opaque): faster than `convertToBlob` and than fflate's deflate, with files smaller than `convertToBlob`'s (table).",
    "<!-- browser-bench:end -->",
  ].join("\n");
  const shortSection = [
    "<!-- browser-bench-short:start (written by npm run bench:browser, also with --short) -->",
    "### Browser studio: a short run, from the Generate click",
    "",
    `Measured ${date} with \`${command}\` on ${cores} cores (${cpus()[0]?.model ?? "unknown CPU"}), headless ${version}.`,
    `${SHORT_COUNT} tokens of ${layers.label}, ${short[0]?.runs[0]?.width ?? 0}x${short[0]?.runs[0]?.height ?? 0}, ${cores} render workers, the studio's own render worker and engine (src/web/bench.ts \`traitloomShortRun\`), into the ZIP in the origin-private file system; median of ${SHORT_ROUNDS} rounds (fastest-slowest), the starts taking turns. Load average (1, 5, 15 min) before: ${loadBefore}; after: ${loadAverage()}.`,
    "\"ZIP in hand\" is the archive's File in the page (what Download ZIP links to). Warm-up: the workers' start and every trait's decode, done on project load, before the click.",
    "",
    shortTable(short),
    "<!-- browser-bench-short:end -->",
  ].join("\n");
  if (!shortOnly) console.log(`\n${section}\n`);
  console.log(`\n${shortSection}\n`);
  if (write) {
    const path = join(REPO, "docs/benchmarks.md");
    let doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
    const put = (re: RegExp, text: string, after: RegExp | undefined): void => {
      if (re.test(doc)) doc = doc.replace(re, text);
      else if (after && after.test(doc)) doc = doc.replace(after, (m) => `${m}\n\n${text}`);
      else doc = `${doc.trimEnd()}\n\n${text}\n`;
    };
    const longRe = /<!-- browser-bench:start[\s\S]*?<!-- browser-bench:end -->/;
    if (!shortOnly) put(longRe, section, undefined);
    put(/<!-- browser-bench-short:start[\s\S]*?<!-- browser-bench-short:end -->/, shortSection, longRe);
    writeFileSync(path, doc);
    console.log(`wrote ${path}`);
  }
}

await main();

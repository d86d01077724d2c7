/**
 * npm run bench:scale -- [layersDir] [--size 512] [--counts 10000,100000] [--no-write]
 *
 * Memory must not grow with the collection: runs the engine (default settings) at each count in its own
 * process and prints peak RSS, tokens/s and the RSS ratio of the largest to the smallest run. Written to
 * docs/benchmarks.md with the machine, the command and the date. Not part of npm test (it writes ~5 GB).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: "string", default: "512" },
    counts: { type: "string", default: "10000,100000" },
    "no-write": { type: "boolean" },
  },
});
const layersDir = positionals[0] ?? "assets/demo-layers";
const size = Number(values.size);
const counts = values.counts.split(",").map(Number);

interface Figures {
  tokens: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  meanBytes: number;
}

const results: Array<[number, Figures]> = [];
for (const count of counts) {
  const out = mkdtempSync(join(tmpdir(), "traitloom-scale-"));
  try {
    process.stderr.write(`generating ${count} tokens…\n`);
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "bench/variant.ts", "engine", layersDir, out, String(count), String(size), "{}"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    });
    results.push([count, JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Figures]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
const smallest = results[0]?.[1];
const rows = results.map(
  ([count, f]) =>
    `| ${count} | ${(f.tokens / f.seconds).toFixed(1)} | ${f.seconds.toFixed(0)} | ${f.peakRssMb.toFixed(0)} | ${smallest ? ((f.peakRssMb / smallest.peakRssMb - 1) * 100).toFixed(1) : "0"}% |`,
);
const command = `npm run bench:scale -- ${process.argv.slice(2).join(" ")}`.trim();
const key = `scale:${layersDir}@${size}`;
const section = [
  `<!-- bench:${key} -->`,
  `### Scale: ${layersDir} at ${size}x${size}`,
  "",
  `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
  "",
  "| tokens | tokens/s | seconds | peak RSS MB | RSS vs smallest run |",
  "|---|---|---|---|---|",
  ...rows,
  `<!-- /bench:${key} -->`,
].join("\n");
console.log(section);
if (!values["no-write"]) {
  const path = "docs/benchmarks.md";
  let doc = existsSync(path) ? readFileSync(path, "utf8") : "# Benchmarks\n";
  const esc = key.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(`<!-- bench:${esc} -->[\\s\\S]*?<!-- /bench:${esc} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, doc);
  console.log(`written to ${path}`);
}

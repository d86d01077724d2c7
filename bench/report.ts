/** How the Node benchmarks print their table and keep it in docs/benchmarks.md (one marked section per key). */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem, tmpdir } from "node:os";
import { join } from "node:path";

const DOC = "docs/benchmarks.md";

/** What bench/variant.ts prints for one run. */
export interface Figures {
  tokens: number;
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
  meanBytes: number;
}

/**
 * Runs bench/variant.ts in its own process (so peak RSS and CPU time are that variant's alone) into a fresh
 * temp folder, removed afterwards: `args` are the variant's arguments after its output folder.
 */
export function runVariant(kind: string, layersDir: string, rest: string[]): Figures {
  const out = mkdtempSync(join(tmpdir(), "traitloom-bench-"));
  try {
    const stdout = execFileSync(process.execPath, ["--import", "tsx", "bench/variant.ts", kind, layersDir, out, ...rest], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      maxBuffer: 1 << 24,
    });
    return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as Figures;
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The command, date and machine line every section starts with. */
export function machineLine(command: string): string {
  return `\`${command}\` on ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

/** Prints the section and, unless `print` only, replaces (or appends) its marked block in docs/benchmarks.md. */
export function publishSection(key: string, heading: string, command: string, table: string[], write: boolean): void {
  const section = [`<!-- bench:${key} -->`, heading, "", machineLine(command), "", ...table, `<!-- /bench:${key} -->`].join("\n");
  console.log(section);
  if (!write) return;
  let doc = existsSync(DOC) ? readFileSync(DOC, "utf8") : "# Benchmarks\n";
  const esc = key.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(`<!-- bench:${esc} -->[\\s\\S]*?<!-- /bench:${esc} -->`);
  doc = re.test(doc) ? doc.replace(re, section) : `${doc.trimEnd()}\n\n${section}\n`;
  writeFileSync(DOC, doc);
  console.log(`written to ${DOC}`);
}

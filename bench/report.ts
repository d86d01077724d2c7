/** How the Node benchmarks print their table and keep it in docs/benchmarks.md (one marked section per key). */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";

const DOC = "docs/benchmarks.md";

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

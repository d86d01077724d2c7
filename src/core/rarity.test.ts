import { describe, expect, it } from "vitest";
import { csvTextCell, rarityCsv, type RarityReport, type TraitRarity } from "./rarity.js";

function row(layer: string, trait: string): TraitRarity {
  return { layer, trait, weight: 1, expectedCount: 2, actualCount: 2, expectedShare: 0.5, actualShare: 0.5 };
}

function report(traits: TraitRarity[]): RarityReport {
  return { traits, scores: new Float64Array(0), ranks: new Uint32Array(0) };
}

/** The CSV line of one trait, without the header. */
function line(layer: string, trait: string): string {
  return rarityCsv(report([row(layer, trait)])).split("\n")[1] ?? "";
}

const NUMBERS = "1,2.00,2,0.500000,0.500000";

describe("rarity.csv against spreadsheet formulas (OWASP CSV injection)", () => {
  it.each([
    ['=HYPERLINK("http://x.example","click")', `"'=HYPERLINK(""http://x.example"",""click"")"`],
    ["=1+1", `"'=1+1"`],
    ["+SUM(A1)", `"'+SUM(A1)"`],
    ["-2+3", `"'-2+3"`],
    ["@cmd", `"'@cmd"`],
    ["\tTab", `"'\tTab"`],
    ["\rReturn", `"'\rReturn"`],
    ["=a,b", `"'=a,b"`],
  ])("a trait named %j is a quoted cell with a single quote in front", (name, cell) => {
    expect(line("Hat", name)).toBe(`Hat,${cell},${NUMBERS}`);
  });

  it("a layer name that would start a formula is escaped the same way", () => {
    expect(line("=Layer", "Cap")).toBe(`"'=Layer",Cap,${NUMBERS}`);
  });

  it("a formula character after a semicolon is quoted, so a semicolon-separated spreadsheet keeps it one cell", () => {
    expect(line("Hat", "a;=1+1")).toBe(`Hat,"a;=1+1",${NUMBERS}`);
    expect(line("Hat", "a;b")).toBe(`Hat,a;b,${NUMBERS}`);
  });

  it("every other cell keeps today's bytes: plain, with a comma or quotes, formula characters inside", () => {
    expect(line("Hat", "Cap")).toBe(`Hat,Cap,${NUMBERS}`);
    expect(line("Hat", "Cap, red")).toBe(`Hat,"Cap, red",${NUMBERS}`);
    expect(line("Hat", 'Say "hi"')).toBe(`Hat,"Say ""hi""",${NUMBERS}`);
    expect(line("Hat", "a=b+c-d@e")).toBe(`Hat,a=b+c-d@e,${NUMBERS}`);
    expect(line("Eye color", "Wink 'n' blink")).toBe(`Eye color,Wink 'n' blink,${NUMBERS}`);
    expect(rarityCsv(report([row("Hat", "Cap")])).split("\n")[0]).toBe("layer,trait,weight,expected_count,actual_count,expected_share,actual_share");
  });

  it("csvTextCell is the cell of a name", () => {
    expect(csvTextCell("=1")).toBe(`"'=1"`);
    expect(csvTextCell("1")).toBe("1");
  });
});

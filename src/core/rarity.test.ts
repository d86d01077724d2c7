import { describe, expect, it } from "vitest";
import { csvTextCell, openRarityScores, rarityAttributes, rarityCsv, rarityTier, rarityToolsScores, scoreTokens, valueColumns, type RarityReport, type TraitRarity } from "./rarity.js";

function row(layer: string, trait: string): TraitRarity {
  return { layer, trait, weight: 1, expectedCount: 2, actualCount: 2, expectedShare: 0.5, actualShare: 0.5 };
}

function report(traits: TraitRarity[]): Pick<RarityReport, "traits"> {
  return { traits };
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

describe("OpenRarity's information content (FIELD.md F15)", () => {
  // Hat: A, A, B and one token without a hat (a null value); the meta trait "trait count" is 1, 1, 1, 0.
  const columns = valueColumns(["Hat"], [{ Hat: "A" }, { Hat: "a " }, { Hat: "B" }, { Hat: "None" }], (v) => v === "None");
  const entropy = 1.5 + -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));

  it("scores IC / entropy with nulls and the trait-count meta trait, values compared lower-cased and trimmed", () => {
    const { scores } = openRarityScores(columns);
    expect(scores[0]).toBeCloseTo((1 - Math.log2(0.75)) / entropy, 12);
    expect(scores[1]).toBe(scores[0]);
    expect(scores[2]).toBeCloseTo((2 - Math.log2(0.75)) / entropy, 12);
    expect(scores[3]).toBeCloseTo(4 / entropy, 12);
  });

  it("ranks by unique traits first, then score; equal scores share a rank (RANK, not DENSE_RANK)", () => {
    const { ranks, uniqueTraits } = openRarityScores(columns);
    expect([...uniqueTraits]).toEqual([0, 0, 1, 0]);
    // B is the only token with a trait no other has: first, although the hatless token scores higher.
    expect([...ranks]).toEqual([3, 3, 1, 2]);
  });

  it("tied tokens share the rank of the tie's first, the next rank skips past them", () => {
    const five = valueColumns(["L", "M"], [{ L: "x", M: "p" }, { L: "y", M: "q" }, { L: "y", M: "q" }, { L: "y", M: "q" }, { L: "y", M: "r" }], () => false);
    // Token 0 has two unique traits, token 4 one; tokens 1-3 are alike.
    expect([...openRarityScores(five).ranks]).toEqual([1, 3, 3, 3, 2]);
    const tied = valueColumns(["L"], [{ L: "a" }, { L: "b" }, { L: "b" }, { L: "b" }, { L: "c" }, { L: "c" }], () => false);
    expect([...openRarityScores(tied).ranks]).toEqual([1, 4, 4, 4, 2, 2]);
  });

  it("a collection where every token is alike scores 0 everywhere and ranks them all 1", () => {
    const same = valueColumns(["L"], [{ L: "a" }, { L: "a" }], () => false);
    const r = openRarityScores(same);
    expect([...r.scores]).toEqual([0, 0]);
    expect([...r.ranks]).toEqual([1, 1]);
  });

  it("rarity-tools keeps today's score: the sum of N / the trait's count", () => {
    const r = rarityToolsScores(columns);
    expect([...r.scores]).toEqual([2, 2, 4, 4]);
    expect([...r.ranks]).toEqual([3, 3, 1, 1]);
    expect(scoreTokens(columns, "rarity-tools").scores).toEqual(r.scores);
  });
});

describe("rarity attributes and tiers", () => {
  const report = { scores: Float64Array.from([1.23456789, 0.5]), ranks: Uint32Array.from([1, 2]) };
  it("adds rank, score (6 decimals) and tier as asked, nothing without options", () => {
    expect(rarityAttributes(report, 0, { rank: true, score: true, tier: true })).toEqual([
      { trait_type: "Rarity Rank", value: 1, display_type: "number" },
      { trait_type: "Rarity Score", value: 1.234568, display_type: "number" },
      { trait_type: "Rarity Tier", value: "Mythic" },
    ]);
    // Rank 2 of 2 is half-way: 5,000 of 10,000, Uncommon.
    expect(rarityAttributes(report, 1, { tier: true })).toEqual([{ trait_type: "Rarity Tier", value: "Uncommon" }]);
    expect(rarityAttributes(report, 0, undefined)).toEqual([]);
  });
  it("tiers by rank scaled to 10,000: top 1% Mythic, to 6% Legendary, 15% Epic, 31% Rare, 56% Uncommon, the rest Common", () => {
    expect([1, 100, 101, 600, 601, 1500, 1501, 3100, 3101, 5600, 5601, 10000].map((r) => rarityTier(r, 10000))).toEqual([
      "Mythic", "Mythic", "Legendary", "Legendary", "Epic", "Epic", "Rare", "Rare", "Uncommon", "Uncommon", "Common", "Common",
    ]);
  });
});

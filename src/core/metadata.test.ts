import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.js";
import { buildLayerSet } from "./layers.js";
import { metadataJson, tokenMetadata, tokenRecord } from "./metadata.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { allMetadataChunks, manifestChunks, manifestEntry, provenanceVariants, rarityJsonChunks } from "./output.js";
import { planCollection } from "./planner.js";
import { rarityCsv, rarityReport } from "./rarity.js";
import { resolveSettings } from "./settings.js";

const set = buildLayerSet({
  root: "mem",
  rootFiles: [],
  folders: [
    { folder: "01-Background", files: [{ name: "Sky#3.png", size: 1 }, { name: "Night#1.png", size: 1 }], subfolders: [] },
    { folder: "02-Hat", files: [{ name: "None#2.png", size: 1 }, { name: "Cap, red#1.png", size: 1 }, { name: "Crown#1.png", size: 1 }], subfolders: [] },
  ],
});

describe("metadata", () => {
  const settings = resolveSettings({ namePrefix: "Loom", baseUri: "ipfs://cid/", startId: 0, extraAttributes: [{ trait_type: "Gen", value: 1 }] }, { count: 6, seed: "m" });
  const plan = planCollection(set, 6, "m");

  it("writes ERC-721 fields, attributes in layer order, without None traits", () => {
    const metas = Array.from({ length: 6 }, (_, i) => tokenMetadata(tokenRecord(set, plan, i, settings), settings));
    expect(metas.map((m) => m.edition)).toEqual([0, 1, 2, 3, 4, 5]);
    for (const m of metas) {
      expect(m.name).toBe(`Loom #${String(m.edition)}`);
      expect(m.image).toBe(`ipfs://cid/${String(m.edition)}.png`);
      const attrs = m.attributes as Array<{ trait_type: string; value: unknown }>;
      expect(attrs[0]?.trait_type).toBe("Background");
      expect(attrs.some((a) => a.value === "None")).toBe(false);
      expect(attrs[attrs.length - 1]).toEqual({ trait_type: "Gen", value: 1 });
    }
    expect(metas.filter((m) => (m.attributes as unknown[]).length === 2)).toHaveLength(2);
  });

  it("dnaHash is equal exactly for equal unique-layer traits", () => {
    const records = Array.from({ length: 6 }, (_, i) => tokenRecord(set, plan, i, settings));
    expect(new Set(records.map((r) => r.dnaHash)).size).toBe(6);
    expect(new Set(records.map((r) => r.dna)).size).toBe(6);
  });

  it("metadata JSON of a fixed token is exactly the expected bytes: key order, two-space indent, trailing newline", () => {
    const token: Parameters<typeof tokenMetadata>[0] = {
      id: 7,
      dna: "1-0-1",
      dnaHash: "ab".repeat(32),
      traits: [
        { layer: "Background", trait: "Night", value: "Night", file: "01-Background/Night#1.png" },
        { layer: "Eyes", trait: "None", value: "None", file: "02-Eyes/None#2.png" },
        { layer: "Hat", trait: "Cap", value: "Cap, rot ü", file: "03-Hat/Cap#1.png" },
      ],
    };
    const s = resolveSettings(
      {
        namePrefix: "Loom",
        description: 'Woven "by hand"',
        baseUri: "ipfs://cid/",
        externalUrl: "https://x.io/t/{id}",
        backgroundColor: "ffeedd",
        extraAttributes: [{ trait_type: "Gen", value: 1, display_type: "number" }],
        extraMetadata: { artist: "Ann", edition: 99 },
      },
      { count: 6, seed: "m" },
    );
    expect(metadataJson(tokenMetadata(token, s))).toBe(`{
  "name": "Loom #7",
  "description": "Woven \\"by hand\\"",
  "image": "ipfs://cid/7.png",
  "dna": "${"ab".repeat(32)}",
  "edition": 7,
  "attributes": [
    {
      "trait_type": "Background",
      "value": "Night"
    },
    {
      "trait_type": "Hat",
      "value": "Cap, rot ü"
    },
    {
      "trait_type": "Gen",
      "value": 1,
      "display_type": "number"
    }
  ],
  "external_url": "https://x.io/t/7",
  "background_color": "ffeedd",
  "artist": "Ann",
  "compiler": "Traitloom"
}
`);
  });

  it("optional fields appear only when set", () => {
    const s2 = resolveSettings({ externalUrl: "https://x.io/t/{id}", backgroundColor: "ffeedd", extraMetadata: { artist: "Ann" } }, { count: 6, seed: "m" });
    const m = tokenMetadata(tokenRecord(set, plan, 0, s2), s2);
    expect(m.external_url).toBe(`https://x.io/t/${String(m.edition)}`);
    expect(m.background_color).toBe("ffeedd");
    expect(m.artist).toBe("Ann");
    expect(Object.keys(tokenMetadata(tokenRecord(set, plan, 0, settings), settings))).not.toContain("external_url");
  });

  it("needs a count and a seed", () => {
    expect(() => resolveSettings({}, { seed: "s" })).toThrow(/^count: expected how many tokens/);
    expect(() => resolveSettings({ count: 2 })).toThrow(/^seed: expected a seed/);
  });
});

describe("collection files", () => {
  const settings = resolveSettings({}, { count: 6, seed: "c" });
  const plan = planCollection(set, 6, "c");
  const records = Array.from({ length: 6 }, (_, i) => tokenRecord(set, plan, i, settings));

  it("_metadata.json chunks join to a JSON array of every token", () => {
    const text = [...allMetadataChunks(records.map((r) => tokenMetadata(r, settings)))].join("");
    const parsed = JSON.parse(text) as unknown[];
    expect(parsed).toHaveLength(6);
    expect(parsed[2]).toEqual(JSON.parse(metadataJson(tokenMetadata(records[2]!, settings))));
  });

  it("manifest carries every token and the provenance hash over image hashes in id order", () => {
    const hashes = records.map((_, i) => sha256Hex(`image ${i}`));
    let reported = "";
    const header = { seed: "c", count: 6, startId: 1, width: 8, height: 8, format: "png" as const, configHash: "x", inputHash: "y" };
    const text = [...manifestChunks(header, records.map((token, i) => manifestEntry(token, hashes[i]!, sha256Hex(`metadata ${i}`))), (p) => (reported = p))].join("");
    const manifest = JSON.parse(text) as { provenance: string; tokens: Array<{ id: number; image: string; traits: Record<string, string> }>; seed: string };
    expect(manifest.seed).toBe("c");
    expect(manifest.tokens.map((t) => t.id)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(manifest.provenance).toBe(sha256Hex(hashes.join("")));
    expect((manifest.tokens[2] as { metadata?: string }).metadata).toBe(sha256Hex("metadata 2"));
    expect(reported).toBe(manifest.provenance);
    expect(Object.keys(manifest.tokens[0]!.traits)).toEqual(["Background", "Hat"]);
  });

  it("rarity: counts per layer sum to the collection, ranks are a permutation, CSV quotes commas", () => {
    const report = rarityReport(set, plan);
    const byLayer = new Map<string, number>();
    for (const t of report.traits) byLayer.set(t.layer, (byLayer.get(t.layer) ?? 0) + t.actualCount);
    expect([...byLayer.values()]).toEqual([6, 6]);
    expect(report.method).toBe("openrarity");
    // Ties share a rank, as SQL's RANK: 1, 1, 3, 3, 3, 3 here.
    expect([...report.ranks].sort()).toEqual([1, 1, 3, 3, 3, 3]);
    const csv = rarityCsv(report);
    expect(csv.split("\n")[0]).toBe("layer,trait,weight,expected_count,actual_count,expected_share,actual_share");
    expect(csv).toContain('Hat,"Cap, red",1,1.50,');
    const json = JSON.parse([...rarityJsonChunks(report, (i) => i + 1)].join("")) as { tokens: Array<{ id: number; rank: number }> };
    expect(json.tokens).toHaveLength(6);
    const rarest = json.tokens.find((t) => t.rank === 1)!;
    expect(report.scores[rarest.id - 1]).toBe(Math.max(...report.scores));
  });
});

describe("provenance variants", () => {
  const sha = ["a".repeat(64), "b".repeat(64), "c".repeat(64)];
  const kec = ["1".repeat(64), "2".repeat(64), "3".repeat(64)];
  it("keccak-256 over the concatenated keccak hex (nftchef's provenance.js), and sha256 from a starting index, wrapping", () => {
    const v = provenanceVariants(3, { keccak256: true, startingIndex: 4 }, (i) => sha[i]!, (i) => kec[i]!);
    expect(v.provenanceKeccak256).toBe(bytesToHex(keccak_256(utf8ToBytes(kec.join("")))));
    expect(v.startingIndex).toBe(4);
    // 4 mod 3 = 1: b, c, a.
    expect(v.provenanceFromStartingIndex).toBe(sha256Hex(sha[1]! + sha[2]! + sha[0]!));
    expect(provenanceVariants(3, undefined, (i) => sha[i]!, (i) => kec[i]!)).toEqual({});
  });
});

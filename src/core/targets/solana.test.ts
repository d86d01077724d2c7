/** The Sugar assets folder: each rule of Sugar 2.x broken on its own in the writer's real output. */
import { describe, expect, it } from "vitest";
import { filesUnder, problemsOf, withJson, writeFixture } from "./fixture.js";
import { isSolanaAddress } from "./solana.js";
import { memoryFolder, validateFolder } from "./index.js";

const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const good = filesUnder(
  writeFixture({ solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: CREATOR, share: 100 }], collection: { name: "Loom", image: "c.png" } } }),
  "solana/assets",
);

function without(files: Record<string, string>, ...names: string[]): Record<string, string> {
  const out = { ...files };
  for (const n of names) delete out[n];
  return out;
}

describe("the writer's assets folder", () => {
  it("holds 0.json + 0.png … 5.json + 5.png and collection.json + collection.png, and passes", async () => {
    expect(Object.keys(good).sort()).toEqual([...Array.from({ length: 6 }, (_, i) => [`${i}.json`, `${i}.png`]).flat(), "collection.json", "collection.png"].sort());
    expect(await problemsOf(good, "solana")).toEqual([]);
  });

  it("warns, without a problem, where collection.json or a category is missing", async () => {
    const files = withJson(without(good, "collection.json", "collection.png"), "0.json", (j) => {
      delete (j.properties as Record<string, unknown>).category;
    });
    const report = await validateFolder(memoryFolder(files), "solana");
    expect(report.problems).toEqual([]);
    expect(report.warnings.map((w) => w.rule).sort()).toEqual(["solana.category", "solana.jsonCreators", "solana.noCollection"]);
  });
});

describe("folder rules (validate_continuous_assets, get_asset_pairs)", () => {
  it("an empty folder", async () => {
    expect(await problemsOf({}, "solana")).toEqual([["solana.empty", expect.stringContaining("Missing or empty assets directory")]]);
  });

  it("a JSON file that is neither N.json nor collection.json", async () => {
    expect(await problemsOf({ ...good, "notes.json": "{}" }, "solana")).toEqual([["solana.unexpectedFile", expect.stringMatching(/^notes\.json: expected N\.json .*Unexpected files found/)]]);
  });

  it("two files of one number (01.json next to 1.json)", async () => {
    expect(await problemsOf({ ...good, "01.json": good["1.json"] ?? "", "01.png": "x" }, "solana")).toEqual([
      ["solana.redundantFile", '1.json: expected one file numbered 1, found 01.json too (Sugar: "Redundant file 1.json")'],
    ]);
  });

  it("a skipped number, as HashLips' shuffle leaves it: the number out of range and the missing one are both named", async () => {
    // Seven indexes built for six tokens and one skipped (HL1 main.js, HL #1154): 0,1,2,4,5,6.
    const files = { ...without(good, "3.json", "3.png"), "6.json": good["3.json"] ?? "", "6.png": "x" };
    expect(await problemsOf(files, "solana")).toEqual([
      ["solana.outOfRange", '6.json: expected numbers 0 to 5 (6 tokens, counted from 0), found 6.json (Sugar: "File 6.json is out of expected range")'],
      ["solana.notContinuous", "3.json: expected assets numbered 0 to 5 without gaps, 3.json is missing (Sugar: \"Assets list isn't continuous\")"],
    ]);
  });

  it("numbering from 1 (ERC-721 habit) names 0.json as missing, and runs of numbers are one line each", async () => {
    const shifted: Record<string, string> = { "collection.json": good["collection.json"] ?? "", "collection.png": "x" };
    for (let i = 0; i < 6; i++) Object.assign(shifted, { [`${i + 3}.json`]: good[`${i}.json`] ?? "", [`${i + 3}.png`]: "x" });
    expect(await problemsOf(shifted, "solana")).toEqual([
      ["solana.outOfRange", expect.stringMatching(/^6\.json: expected numbers 0 to 5 .*found 6\.json to 8\.json \(3 files\)/)],
      ["solana.notContinuous", expect.stringMatching(/^0\.json: .*0\.json to 2\.json are missing \(3 files\)/)],
    ]);
  });

  it("no image for a number, and WebP is named as the reason", async () => {
    expect(await problemsOf(without(good, "2.png"), "solana")).toEqual([["solana.image", "2.json: expected one image 2.png, 2.jpg, 2.jpeg or 2.gif next to it (Sugar: \"Couldn't find an image filename\"), found none"]]);
    const webp = { ...without(good, "2.png"), "2.webp": "x" };
    expect((await problemsOf(webp, "solana"))[0]?.[1]).toMatch(/found none \(2\.webp: Sugar does not take WebP\)$/);
  });

  it("two images for a number; images match case-insensitively", async () => {
    expect(await problemsOf({ ...good, "2.JPG": "x" }, "solana")).toEqual([["solana.image", expect.stringMatching(/^2\.json: .*found 2: 2\.JPG, 2\.png$/)]]);
    expect(await problemsOf({ ...without(good, "2.png"), "2.PNG": "x" }, "solana")).toEqual([]);
  });

  it("collection.json without its image", async () => {
    expect(await problemsOf(without(good, "collection.png"), "solana")).toEqual([["solana.image", expect.stringMatching(/^collection\.json: expected one image collection\.png/)]]);
  });

  it("a file that is not JSON", async () => {
    expect(await problemsOf({ ...good, "4.json": "{ name: oops" }, "solana")).toEqual([["solana.json", expect.stringMatching(/^4\.json: expected JSON, found text that does not parse/)]]);
  });
});

describe("JSON rules (validate/format.rs and parser.rs)", () => {
  type Edit = (j: Record<string, unknown>) => unknown;
  const props = (j: Record<string, unknown>): Record<string, unknown> => j.properties as Record<string, unknown>;
  const cases: Array<[string, Edit, string | RegExp]> = [
    ["solana.name", (j) => void (j.name = 12), "3.json: name: expected a string (Sugar requires it), found the number 12"],
    ["solana.nameLength", (j) => void (j.name = "Thirty-three bytes of a name, ok?"), '3.json: name: "Thirty-three bytes of a name, ok?" is 33 bytes, expected at most 32 (Sugar/Metaplex limit)'],
    ["solana.symbol", (j) => void (j.symbol = "ELEVENCHARS"), /^3\.json: symbol: expected at most 10 bytes .*found 11/],
    ["solana.description", (j) => void delete j.description, /^3\.json: description: expected a string .*found nothing$/],
    ["solana.sellerFee", (j) => void (j.seller_fee_basis_points = 10001), "3.json: seller_fee_basis_points: expected a whole number from 0 to 10000 (basis points: 500 = 5%), found the number 10001"],
    ["solana.imageField", (j) => void delete j.image, /^3\.json: image: expected a string/],
    ["solana.uriLength", (j) => void (j.external_url = `https://x.io/${"a".repeat(188)}`), "3.json: external_url: expected at most 200 bytes (Sugar/Metaplex URI limit), found 201"],
    ["solana.urlField", (j) => void (j.animation_url = 5), "3.json: animation_url: expected a string or nothing (a URL), found the number 5"],
    ["solana.attributes", (j) => void (j.attributes = { Background: "Sky" }), /^3\.json: attributes: expected an array/],
    ["solana.attribute", (j) => void ((j.attributes as unknown[])[0] = "Sky"), /^3\.json: attributes\[0\]: expected an object/],
    ["solana.attributeValue", (j) => void ((j.attributes as Array<Record<string, unknown>>)[2] = { trait_type: "Level", value: 7 }), "3.json: attributes[2].value: expected a string (Sugar reads attribute values as strings), found the number 7"],
    ["solana.properties", (j) => void delete j.properties, /^3\.json: properties: expected an object .*Ethereum metadata has none\), found nothing$/],
    ["solana.files", (j) => void delete props(j).files, /^3\.json: properties\.files: expected an array/],
    ["solana.filesImage", (j) => void ((props(j).files as Array<Record<string, unknown>>)[0] = { uri: "image.png", type: "image/png" }), /^3\.json: properties\.files: expected an entry with uri "3\.png"/],
    ["solana.creators", (j) => void (props(j).creators = CREATOR), /^3\.json: properties\.creators: expected an array/],
    ["solana.creatorAddress", (j) => void (props(j).creators = [{ address: "0xAbC0000000000000000000000000000000000000", share: 100 }]), /^3\.json: properties\.creators\[0\]\.address: expected a Solana address/],
    ["solana.creatorShares", (j) => void (props(j).creators = [{ address: CREATOR, share: 60 }, { address: CREATOR, share: 30 }]), "3.json: properties.creators: expected shares adding up to 100, found 90"],
    ["solana.creatorCount", (j) => void (props(j).creators = [20, 20, 20, 20, 10, 10].map((share) => ({ address: CREATOR, share }))), "3.json: properties.creators: expected at most 5 creators (Metaplex limit), found 6"],
    ["solana.category", (j) => void (props(j).category = "pfp"), "3.json: properties.category: expected one of image, video, audio, vr, html (Sugar's categories), found the string \"pfp\""],
  ];
  for (const [rule, edit, message] of cases) {
    it(rule, async () => {
      expect(await problemsOf(withJson(good, "3.json", edit), "solana")).toEqual([[rule, typeof message === "string" ? message : expect.stringMatching(message)]]);
    });
  }

  it("counts name bytes, not characters: 16 × é is 32 bytes and fits, 17 is 34", async () => {
    expect(await problemsOf(withJson(good, "3.json", (j) => void (j.name = "é".repeat(16))), "solana")).toEqual([]);
    expect(await problemsOf(withJson(good, "3.json", (j) => void (j.name = "é".repeat(17))), "solana")).toEqual([["solana.nameLength", expect.stringMatching(/is 34 bytes, expected at most 32/)]]);
  });

  it("ERC-721 metadata copied into the folder (HL #1206) fails on its missing properties", async () => {
    const eth = { name: "Loom #4", description: "", image: "ipfs://bafy/4.png", edition: 4, attributes: [{ trait_type: "Level", value: 3 }] };
    expect(await problemsOf({ ...good, "3.json": JSON.stringify(eth) }, "solana")).toEqual([
      ["solana.attributeValue", expect.stringContaining("3.json: attributes[0].value")],
      ["solana.properties", expect.stringContaining("3.json: properties")],
    ]);
  });

  it("lists every problem of every file, not only the first", async () => {
    let files = withJson(good, "1.json", (j) => void (j.name = 1));
    files = withJson(files, "4.json", (j) => {
      j.symbol = "WAYTOOLONGSYMBOL";
      delete j.description;
    });
    expect((await problemsOf(files, "solana")).map(([rule, message]) => `${rule} ${message.split(":")[0] ?? ""}`)).toEqual(["solana.name 1.json", "solana.symbol 4.json", "solana.description 4.json"]);
  });
});

describe("isSolanaAddress", () => {
  it("takes base58 of 32 bytes only", () => {
    expect(isSolanaAddress(CREATOR)).toBe(true);
    expect(isSolanaAddress("11111111111111111111111111111111")).toBe(true);
    expect(isSolanaAddress(CREATOR.slice(0, -4))).toBe(false);
    expect(isSolanaAddress(`${CREATOR}1`)).toBe(false);
    expect(isSolanaAddress(CREATOR.replace("W", "0"))).toBe(false);
    expect(isSolanaAddress("")).toBe(false);
  });
});

/** Every target's writer, checked by its own validator, and what the writers share (paths, ids, options). */
import { describe, expect, it } from "vitest";
import { metadataJson, tokenMetadata } from "../metadata.js";
import { fixtureCollection, writeFixture } from "./fixture.js";
import {
  checkOutputs,
  collectionFiles,
  enabledTargets,
  memoryFolder,
  outputsSchema,
  resolveOutputs,
  tokenFiles,
  validateFolder,
  type OutputsConfig,
  type ValidateTarget,
} from "./index.js";
import { isTraitloomError } from "../errors.js";

const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const POLICY = "a".repeat(56);
const ALL: OutputsConfig = {
  erc721: {},
  erc1155: { metadataUri: "ipfs://bafymeta" },
  solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: CREATOR, share: 100 }], collection: { name: "Loom", image: "art/collection.png", family: "Loom" } },
  cardano: { policyId: POLICY, files: true },
  tezos: { symbol: "LOOM", minter: "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb", creators: ["Loom Studio"], tags: ["pfp"] },
};

describe("every writer passes its own validator", () => {
  const files = writeFixture(ALL);
  const cases: Array<[ValidateTarget, number]> = [
    ["opensea", 6],
    ["erc1155", 6],
    ["solana", 6],
    ["cardano", 6],
    ["tezos", 6],
  ];
  for (const [target, tokens] of cases) {
    it(`${target}: zero problems on the whole collection folder`, async () => {
      const report = await validateFolder(memoryFolder(files), target);
      expect(report.problems.map((p) => p.message)).toEqual([]);
      expect(report.tokens).toBe(tokens);
    });
  }

  it("also with JPEG images and a start id of 0, and for a collection whose description is long", async () => {
    const fixture = fixtureCollection({ startId: 0, image: { format: "jpeg" }, description: "Ω".repeat(80) });
    const jpeg = writeFixture(ALL, fixture);
    expect(Object.keys(jpeg)).toContain("solana/assets/0.jpg");
    for (const target of ["opensea", "erc1155", "solana", "cardano", "tezos"] as const) {
      const report = await validateFolder(memoryFolder(jpeg), target);
      expect(report.problems.map((p) => p.message), target).toEqual([]);
    }
  });
});

describe("target files", () => {
  const { collection, tokens } = fixtureCollection();

  it("erc721 writes metadata.ts's bytes at today's paths", () => {
    const t = tokens[2];
    if (!t) throw new Error("fixture has no token 2");
    const [out] = tokenFiles({ erc721: {} }, collection, t);
    expect(out?.files).toEqual([{ path: `metadata/${t.token.id}.json`, text: metadataJson(tokenMetadata(t.token, collection.settings)) }]);
    expect(out?.image).toBe(`images/${t.token.id}.png`);
  });

  it("writes each target's files where its docs say, in TARGET_NAMES order", () => {
    const t = tokens[0];
    if (!t) throw new Error("fixture has no token 0");
    const outs = tokenFiles(ALL, collection, t);
    expect(outs.map((o) => [o.target, o.files.map((f) => f.path), o.image])).toEqual([
      ["erc721", ["metadata/1.json"], "images/1.png"],
      ["erc1155", [`erc1155/metadata/${"0".repeat(63)}1.json`], `erc1155/images/${"0".repeat(63)}1.png`],
      ["solana", ["solana/assets/0.json"], "solana/assets/0.png"],
      ["cardano", ["cardano/1.json"], "images/1.png"],
      ["tezos", ["tezos/1.json"], "images/1.png"],
    ]);
    expect(outs.find((o) => o.target === "solana")?.assetIndex).toBe(0);
  });

  it("honours each target's dir", () => {
    const t = tokens[0];
    if (!t) throw new Error("fixture has no token 0");
    const outs = tokenFiles({ erc1155: { dir: "eth/1155/" }, solana: { dir: "./sol" }, cardano: { policyId: POLICY, dir: "ada" }, tezos: { dir: "xtz" } }, collection, t);
    expect(outs.map((o) => o.files[0]?.path)).toEqual([`eth/1155/metadata/${"0".repeat(63)}1.json`, "sol/0.json", "ada/1.json", "xtz/1.json"]);
  });

  it("collection files: Solana's collection.json and image copy, ERC-1155's {id} URI", () => {
    const outs = collectionFiles(ALL, collection);
    const solana = outs.find((o) => o.target === "solana");
    expect(solana?.files.map((f) => f.path)).toEqual(["solana/assets/collection.json"]);
    expect(solana?.copies).toEqual([{ path: "solana/assets/collection.png", from: "art/collection.png", what: "Solana collection image" }]);
    expect(outs.find((o) => o.target === "erc1155")?.notes.join("\n")).toContain("ipfs://bafymeta/{id}.json");
    expect(collectionFiles({ solana: {} }, collection)[0]?.files).toEqual([]);
  });

  it("no outputs means erc721 alone; listed outputs are exactly those", () => {
    expect(enabledTargets(resolveOutputs(undefined))).toEqual(["erc721"]);
    expect(enabledTargets(resolveOutputs({ solana: {} }))).toEqual(["solana"]);
  });
});

describe("outputsSchema", () => {
  const reasons = (value: unknown): string[] => {
    const r = outputsSchema.safeParse(value);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  };

  it("takes the documented example", () => {
    expect(reasons(ALL)).toEqual([]);
  });

  it("refuses bad creators, fees, symbols and policy ids by name", () => {
    expect(reasons({ solana: { creators: [{ address: "not-base58!", share: 100 }] } }).join()).toMatch(/creators\.0\.address: expected a Solana address/);
    expect(reasons({ solana: { creators: [{ address: CREATOR, share: 60 }] } }).join()).toMatch(/adding up to 100/);
    expect(reasons({ solana: { creators: Array.from({ length: 6 }, () => ({ address: CREATOR, share: 10 })) } }).join()).toMatch(/1 to 5 creators/);
    expect(reasons({ solana: { sellerFeeBasisPoints: 10001 } }).join()).toMatch(/sellerFeeBasisPoints/);
    expect(reasons({ solana: { symbol: "ÉÉÉÉÉÉ" } }).join()).toMatch(/at most 10 bytes/);
    expect(reasons({ solana: { collection: { name: "Loom", image: "c.webp" } } }).join()).toMatch(/collection\.image/);
    expect(reasons({ cardano: { policyId: "xyz" } }).join()).toMatch(/56 lower-case hex/);
    expect(reasons({ tezos: { minter: "tz1notanaddress" } }).join()).toMatch(/Tezos address/);
    expect(reasons({ tezos: { creators: ["a", "a"] } }).join()).toMatch(/once/);
    expect(reasons({ erc721: { dir: "x" } }).join()).toMatch(/dir/);
  });
});

describe("checkOutputs", () => {
  const messageOf = (fn: () => void): string => {
    try {
      fn();
    } catch (e) {
      if (isTraitloomError(e)) return e.message;
      throw e;
    }
    return "";
  };

  it("refuses WebP for Solana before anything is rendered", () => {
    const { collection } = fixtureCollection({ image: { format: "webp" } });
    expect(messageOf(() => checkOutputs({ solana: {} }, collection))).toMatch(/^outputs\.solana: expected png or jpeg images .*found "format": "webp"/);
    expect(messageOf(() => checkOutputs({ erc721: {} }, collection))).toBe("");
  });

  it("names the first token whose Solana name is over 32 bytes", () => {
    // Ids 5 to 10: "AAA… #9" is 29 + 3 = 32 bytes (fits), "AAA… #10" is 33.
    const { collection, tokens } = fixtureCollection({ namePrefix: "A".repeat(29), startId: 5 });
    const message = messageOf(() => checkOutputs({ solana: {}, erc721: {} }, collection, tokens));
    expect(message).toBe(`token 10: name "${"A".repeat(29)} #10" is 33 bytes, expected at most 32 (Sugar/Metaplex limit); shorten namePrefix`);
  });

  it("counts bytes, not characters", () => {
    const { collection, tokens } = fixtureCollection({ namePrefix: "é".repeat(14) }, 2);
    // 14 × 2 bytes + " #1" = 31 bytes: fits; one more é does not.
    expect(messageOf(() => checkOutputs({ solana: {} }, collection, tokens))).toBe("");
    const longer = fixtureCollection({ namePrefix: "é".repeat(15) }, 2);
    expect(messageOf(() => checkOutputs({ solana: {} }, longer.collection, longer.tokens))).toMatch(/^token 1: name ".*" is 33 bytes/);
  });

  it("lists one problem per failing target", () => {
    const { collection, tokens } = fixtureCollection({ namePrefix: "N".repeat(70) }, 2);
    const message = messageOf(() => checkOutputs({ solana: {}, cardano: { policyId: POLICY, assetName: "x" } }, collection, tokens));
    expect(message.split("\n")).toEqual([
      "outputs: 2 problems:",
      expect.stringMatching(/^ {2}token 1: name ".*" is 73 bytes, expected at most 32/),
      expect.stringMatching(/^ {2}token 1: outputs\.cardano: name ".*" is 73 bytes, expected at most 64 \(CIP-25\)/),
    ]);
  });
});

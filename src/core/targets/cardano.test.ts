/** CIP-25 and TZIP-21: each rule broken on its own in the writers' real output; 64-byte strings split on characters. */
import { describe, expect, it } from "vitest";
import { splitUtf8, stringOrPieces, utf8Length } from "./bytes.js";
import { fixtureCollection, filesUnder, problemsOf, withJson, writeFixture } from "./fixture.js";
import { cardanoTokenFiles } from "./cardano.js";
import { isTezosAddress } from "./tezos.js";
import { isTraitloomError } from "../errors.js";

const POLICY = "0123456789abcdef".repeat(4).slice(0, 56);
type Edit = (j: Record<string, unknown>) => unknown;

describe("splitUtf8", () => {
  it("cuts at most 64 bytes a piece, never inside a character, and joins back", () => {
    for (const text of ["ipfs://" + "b".repeat(120) + "/12.png", "é".repeat(70), "a" + "😀".repeat(40), "日本語".repeat(30)]) {
      const pieces = splitUtf8(text, 64);
      expect(pieces.join("")).toBe(text);
      for (const p of pieces) expect(utf8Length(p)).toBeLessThanOrEqual(64);
      // Greedy: only the last piece may be short by more than one character.
      for (const p of pieces.slice(0, -1)) expect(utf8Length(p)).toBeGreaterThan(60);
    }
    expect(splitUtf8("é".repeat(33), 64)).toEqual(["é".repeat(32), "é"]);
    expect(splitUtf8("a" + "😀".repeat(16), 64)).toEqual(["a" + "😀".repeat(15), "😀"]);
  });

  it("keeps a string that fits as a string", () => {
    expect(stringOrPieces("x".repeat(64), 64)).toBe("x".repeat(64));
    expect(stringOrPieces("x".repeat(65), 64)).toEqual(["x".repeat(64), "x"]);
    expect(splitUtf8("", 64)).toEqual([""]);
  });
});

describe("Cardano CIP-25 writer", () => {
  it("splits a long image URI and description into ≤ 64-byte pieces, and keeps attributes as keys", () => {
    const { collection, tokens } = fixtureCollection({ baseUri: `ipfs://bafybei${"q".repeat(60)}`, description: "Ω".repeat(40) });
    const t = tokens[1];
    if (!t) throw new Error("no token");
    const json = JSON.parse(cardanoTokenFiles(collection, { policyId: POLICY }, t).files[0]?.text ?? "") as { "721": Record<string, Record<string, Record<string, unknown>>> };
    const asset = json["721"][POLICY]?.[`Loom${t.token.id}`];
    expect(asset?.image).toEqual(splitUtf8(`ipfs://bafybei${"q".repeat(60)}/${t.token.id}.png`, 64));
    expect(asset?.description).toEqual(["Ω".repeat(32), "Ω".repeat(8)]);
    expect(asset?.Background).toBe(t.token.traits[0]?.value);
    expect(json["721"].version).toBe("1.0");
  });

  it("refuses an attribute named like a CIP-25 field, naming the token", () => {
    const { collection, tokens } = fixtureCollection({ extraAttributes: [{ trait_type: "image", value: "x" }] });
    const t = tokens[0];
    if (!t) throw new Error("no token");
    try {
      cardanoTokenFiles(collection, { policyId: POLICY }, t);
      expect.unreachable();
    } catch (e) {
      expect(isTraitloomError(e) && e.message).toBe('token 1: outputs.cardano: attribute "image" would replace the CIP-25 field of that name; rename the layer or extra attribute');
    }
  });

  it("takes an asset name template", () => {
    const { collection, tokens } = fixtureCollection();
    const t = tokens[0];
    if (!t) throw new Error("no token");
    expect(cardanoTokenFiles(collection, { policyId: POLICY, assetName: "LOOM-{id}-X" }, t).files[0]?.text).toContain('"LOOM-1-X": {');
  });
});

describe("Cardano CIP-25 validator", () => {
  const good = filesUnder(writeFixture({ cardano: { policyId: POLICY, files: true } }), "cardano");
  const asset = (j: Record<string, unknown>): Record<string, unknown> => ((j["721"] as Record<string, Record<string, unknown>>)[POLICY] as Record<string, Record<string, unknown>>).Loom2 as Record<string, unknown>;

  it("the writer's folder passes", async () => {
    expect(await problemsOf(good, "cardano")).toEqual([]);
  });

  const cases: Array<[string, Edit, string | RegExp]> = [
    ["cardano.label", (j) => ({ "7210": j["721"] }), /^2\.json: 721: expected an object under the label "721"/],
    ["cardano.version", (j) => void ((j["721"] as Record<string, unknown>).version = "3.0"), '2.json: 721.version: expected 1, "1.0" or 2 (CIP-25 versions), found the string "3.0"'],
    ["cardano.policyId", (j) => void (j["721"] = { policy: (j["721"] as Record<string, unknown>)[POLICY], version: "1.0" }), /^2\.json: 721\.policy: expected a policy id: 56 hex digits/],
    ["cardano.assetName", (j) => void ((j["721"] as Record<string, Record<string, unknown>>)[POLICY] = { ["A".repeat(33)]: asset(j) }), /^2\.json: A{33}: expected an asset name of at most 32 bytes .*found 33 bytes$/],
    ["cardano.asset", (j) => void ((j["721"] as Record<string, Record<string, unknown>>)[POLICY] = { Loom2: "Loom #2" }), /^2\.json: Loom2: expected an object \{name, image, …\}/],
    ["cardano.name", (j) => void delete asset(j).name, "2.json: Loom2.name: expected a string (CIP-25 requires it, as one string), found nothing"],
    ["cardano.image", (j) => void (asset(j).image = []), /^2\.json: Loom2\.image: expected a URI as a string or an array of strings .*found an empty array$/],
    ["cardano.imageUri", (j) => void (asset(j).image = ["bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "/2.png"]), /^2\.json: Loom2\.image: expected a URI starting ipfs:.*not a bare CID\), found the string "bafy/],
    ["cardano.mediaType", (j) => void (asset(j).mediaType = "text/plain"), /^2\.json: Loom2\.mediaType: expected an image MIME type/],
    ["cardano.description", (j) => void (asset(j).description = { text: "x" }), /^2\.json: Loom2\.description: expected a string or an array of strings, found an object$/],
    ["cardano.files", (j) => void delete ((asset(j).files as Array<Record<string, unknown>>)[0] as Record<string, unknown>).mediaType, /^2\.json: Loom2\.files\[0\]\.mediaType: expected a MIME type string/],
    ["cardano.stringLength", (j) => void (asset(j).Background = "S".repeat(65)), "2.json: Loom2.Background: expected at most 64 bytes (CIP-25: split longer text into an array of strings), found 65"],
    ["cardano.metadatum", (j) => void (asset(j).Rare = true), /^2\.json: Loom2\.Rare: expected text, a whole number, a list or a map \(transaction metadata has no true\/false or null\), found the boolean true$/],
  ];
  for (const [rule, edit, message] of cases) {
    it(rule, async () => {
      expect(await problemsOf(withJson(good, "2.json", edit), "cardano")).toEqual([[rule, typeof message === "string" ? message : expect.stringMatching(message)]]);
    });
  }

  it("a name over 64 bytes is one problem (a name cannot be split), fractions are refused", async () => {
    expect(await problemsOf(withJson(good, "2.json", (j) => void (asset(j).name = "n".repeat(65))), "cardano")).toEqual([["cardano.stringLength", expect.stringContaining("Loom2.name")]]);
    expect(await problemsOf(withJson(good, "2.json", (j) => void (asset(j).Level = 1.5)), "cardano")).toEqual([["cardano.metadatum", expect.stringContaining("found the number 1.5")]]);
  });
});

describe("Tezos TZIP-21", () => {
  const MINTER = "tz1VSUr8wwNhLAzempoch5d6hLRiTh8Cjcjb";
  const good = filesUnder(writeFixture({ tezos: { symbol: "LOOM", minter: MINTER, creators: ["Loom Studio"] } }), "tezos");
  const attrs = (j: Record<string, unknown>): Array<Record<string, unknown>> => j.attributes as Array<Record<string, unknown>>;

  it("the writer's folder passes", async () => {
    expect(await problemsOf(good, "tezos")).toEqual([]);
  });

  it("isTezosAddress checks the prefix and the base58check checksum", () => {
    expect(isTezosAddress(MINTER)).toBe(true);
    expect(isTezosAddress("KT1PWx2mnDueood7fEmfbBDKx1D9BAnnXitn")).toBe(true);
    expect(isTezosAddress(MINTER.replace("VSU", "VSV"))).toBe(false);
    expect(isTezosAddress(`tz9${MINTER.slice(3)}`)).toBe(false);
    expect(isTezosAddress("9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM")).toBe(false);
  });

  const cases: Array<[string, Edit, string | RegExp]> = [
    ["tezos.name", (j) => void delete j.name, "2.json: name: expected a string (TZIP-12: the token's name), found nothing"],
    ["tezos.symbol", (j) => void (j.symbol = 1), "2.json: symbol: expected a string, found the number 1"],
    ["tezos.decimals", (j) => void (j.decimals = "0"), '2.json: decimals: expected 0 (TZIP-12 requires decimals; an NFT has none), found the string "0"'],
    ["tezos.boolean", (j) => void (j.isBooleanAmount = "true"), '2.json: isBooleanAmount: expected true or false, found the string "true"'],
    ["tezos.description", (j) => void (j.description = 3), "2.json: description: expected a string, found the number 3"],
    ["tezos.artifactUri", (j) => void delete j.artifactUri, "2.json: artifactUri: expected a URI string (TZIP-21: the asset itself), found nothing"],
    ["tezos.uri", (j) => void (j.thumbnailUri = "thumbs/2.png"), /^2\.json: thumbnailUri: expected a URI starting ipfs:/],
    ["tezos.minter", (j) => void (j.minter = MINTER.replace("VSU", "VSV")), /^2\.json: minter: expected a Tezos address/],
    ["tezos.stringList", (j) => void (j.creators = ["Loom Studio", "Loom Studio"]), "2.json: creators: expected each entry once (TZIP-21: unique items), found one twice"],
    ["tezos.formats", (j) => void (((j.formats as unknown[])[0] as Record<string, unknown>).width = 64), /^2\.json: formats\[0\]\.width: expected only uri, hash, mimeType/],
    ["tezos.attributes", (j) => void (j.attributes = { Background: "Sky" }), /^2\.json: attributes: expected an array of \{name, value\}/],
    ["tezos.attributeName", (j) => void (attrs(j)[0] = { trait_type: "Background", value: "Sky" }), "2.json: attributes[0].name: expected a string, found nothing (found trait_type: OpenSea's spelling; TZIP-21 calls it name)"],
    ["tezos.attributeValue", (j) => void ((attrs(j)[2] as Record<string, unknown>).value = 1), "2.json: attributes[2].value: expected a string (TZIP-21 attribute values are strings), found the number 1"],
    ["tezos.attributeType", (j) => void ((attrs(j)[0] as Record<string, unknown>).type = 5), "2.json: attributes[0].type: expected a string (how to show the value), found the number 5"],
    ["tezos.attributeKeys", (j) => void ((attrs(j)[0] as Record<string, unknown>).display_type = "number"), /^2\.json: attributes\[0\]\.display_type: expected only name, value and type/],
  ];
  for (const [rule, edit, message] of cases) {
    it(rule, async () => {
      expect(await problemsOf(withJson(good, "2.json", edit), "tezos")).toEqual([[rule, typeof message === "string" ? message : expect.stringMatching(message)]]);
    });
  }
});

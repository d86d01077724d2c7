/** OpenSea / ERC-721 and ERC-1155: each rule broken on its own in the writers' real output. */
import { describe, expect, it } from "vitest";
import { erc1155Id } from "./erc1155.js";
import { filesUnder, problemsOf, withJson, writeFixture } from "./fixture.js";
import { memoryFolder, validateFolder } from "./index.js";

type Edit = (j: Record<string, unknown>) => unknown;
const attrs = (j: Record<string, unknown>): Array<Record<string, unknown>> => j.attributes as Array<Record<string, unknown>>;

describe("OpenSea / ERC-721", () => {
  const good = filesUnder(writeFixture({ erc721: {} }), "metadata");

  it("the writer's metadata folder passes, _metadata.json and non-JSON files left alone", async () => {
    expect(Object.keys(good)).toHaveLength(6);
    expect(await problemsOf({ ...good, "_metadata.json": "[]", "1": "extension-less copy" }, "opensea")).toEqual([]);
  });

  it("a whole Traitloom collection folder is checked in its metadata/", async () => {
    const report = await validateFolder(memoryFolder({ ...writeFixture({ erc721: {} }), "manifest.json": "{}", "rarity.json": "{}" }), "opensea");
    expect([report.folder, report.tokens, report.problems]).toEqual(["metadata", 6, []]);
  });

  it("a Traitloom collection written without the target says so", async () => {
    const files = { ...writeFixture({ erc721: {} }), "manifest.json": "{}" };
    expect(await problemsOf(files, "tezos")).toEqual([["tezos.empty", expect.stringMatching(/^expected tezos\/ in this Traitloom collection, found none \(it was written without the tezos target/)]]);
  });

  it("a HashLips build/ folder is checked in its json/", async () => {
    const build: Record<string, string> = { "images/1.png": "x" };
    for (const [name, text] of Object.entries(good)) build[`json/${name}`] = text;
    const report = await validateFolder(memoryFolder(build), "opensea");
    expect([report.folder, report.tokens, report.problems]).toEqual(["json", 6, []]);
  });

  it("an empty folder is a problem, not ok with 0 tokens", async () => {
    expect(await problemsOf({}, "opensea")).toEqual([["opensea.empty", "expected token metadata files (*.json) in the folder, found none"]]);
  });

  it("the placeholder base URI is a warning", async () => {
    const placeholder = filesUnder(writeFixture({ erc721: {} }), "metadata");
    for (const name of Object.keys(placeholder)) Object.assign(placeholder, withJson(placeholder, name, (j) => void (j.image = `ipfs://REPLACE_WITH_CID/${name.replace(".json", ".png")}`)));
    const report = await validateFolder(memoryFolder(placeholder), "opensea");
    expect(report.problems).toEqual([]);
    expect(report.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^1\.json and 5 more: image still points at the placeholder "REPLACE_WITH_CID"/)]);
  });

  it("opensea.fileName", async () => {
    expect(await problemsOf({ ...good, "token-7.json": good["2.json"] ?? "" }, "opensea")).toEqual([["opensea.fileName", expect.stringMatching(/^token-7\.json: expected a token id and "\.json"/)]]);
  });

  it("opensea.json", async () => {
    expect(await problemsOf({ ...good, "2.json": "[1, 2" }, "opensea")).toEqual([["opensea.json", expect.stringMatching(/^2\.json: expected JSON/)]]);
    expect(await problemsOf({ ...good, "2.json": "[1, 2]" }, "opensea")).toEqual([["opensea.json", "2.json: expected a JSON object, found an array"]]);
  });

  const cases: Array<[string, Edit, string | RegExp]> = [
    ["opensea.name", (j) => void delete j.name, "2.json: name: expected a string (the item's name), found nothing"],
    ["opensea.description", (j) => void (j.description = ["a"]), "2.json: description: expected a string, found an array"],
    ["opensea.image", (j) => void delete j.image, /^2\.json: image: expected a string \(the image URL; or raw SVG in image_data\), found nothing$/],
    ["opensea.imageScheme", (j) => void (j.image = "2.png"), /^2\.json: image: expected a URI starting ipfs:, ar:, https:, http:, data: .*found the string "2\.png", which has no scheme$/],
    ["opensea.imageData", (j) => void (j.image_data = "<svg/>"), "2.json: image_data: expected image_data only without image (OpenSea: use one or the other), found both"],
    ["opensea.externalUrl", (j) => void (j.external_url = "ftp://loom.io/2"), /^2\.json: external_url: expected a URI starting https:, http: .*found the scheme "ftp:"/],
    ["opensea.animationUrl", (j) => void (j.animation_url = "2.mp4"), /^2\.json: animation_url: expected a URI/],
    ["opensea.youtubeUrl", (j) => void (j.youtube_url = "http://youtube.com/watch?v=x"), /^2\.json: youtube_url: expected a URI starting https:/],
    ["opensea.backgroundColor", (j) => void (j.background_color = "#1a2b3c"), '2.json: background_color: expected six hex digits without "#", such as "1a2b3c", found the string "#1a2b3c" (drop the "#": "1a2b3c")'],
    ["opensea.attributes", (j) => void (j.attributes = { Background: "Sky" }), /^2\.json: attributes: expected an array/],
    ["opensea.attribute", (j) => void (attrs(j)[0] = 3 as never), "2.json: attributes[0]: expected an object {trait_type, value}, found the number 3"],
    ["opensea.traitType", (j) => void ((attrs(j)[0] as Record<string, unknown>).trait_type = 5), "2.json: attributes[0].trait_type: expected a string (the trait's name), found the number 5"],
    ["opensea.value", (j) => void ((attrs(j)[0] as Record<string, unknown>).value = true), "2.json: attributes[0].value: expected a string or a number, found the boolean true"],
    ["opensea.displayType", (j) => void attrs(j).push({ trait_type: "Power", value: 5, display_type: "percent" }), /^2\.json: attributes\[\d\]\.display_type: expected one of number, boost_number, boost_percentage, date/],
    ["opensea.numericValue", (j) => void attrs(j).push({ trait_type: "Power", value: "5", display_type: "number" }), /^2\.json: attributes\[\d\]\.value: expected a number \(display_type "number" shows numbers only\), found the string "5"$/],
    ["opensea.date", (j) => void attrs(j).push({ trait_type: "Born", value: 1_767_225_600_000, display_type: "date" }), /^2\.json: attributes\[\d\]\.value: expected unix seconds .*milliseconds/],
    ["opensea.maxValue", (j) => void attrs(j).push({ trait_type: "Power", value: 10, max_value: 5, display_type: "number" }), /^2\.json: attributes\[\d\]\.value: expected at most max_value 5, found 10$/],
  ];
  for (const [rule, edit, message] of cases) {
    it(rule, async () => {
      expect(await problemsOf(withJson(good, "2.json", edit), "opensea")).toEqual([[rule, typeof message === "string" ? message : expect.stringMatching(message)]]);
    });
  }

  it("numeric traits with display types and a generic {value} trait pass", async () => {
    const files = withJson(good, "2.json", (j) => {
      attrs(j).push({ trait_type: "Born", value: 1_767_225_600, display_type: "date" }, { trait_type: "Power", value: 4, max_value: 5, display_type: "boost_number" }, { value: "Generic" });
      j.background_color = "1A2B3C";
      j.animation_url = "ipfs://bafy/2.mp4";
    });
    expect(await problemsOf(files, "opensea")).toEqual([]);
  });
});

describe("ERC-1155", () => {
  const whole = writeFixture({ erc1155: {} });
  const good = filesUnder(whole, "erc1155");
  const two = `metadata/${erc1155Id(2)}.json`;

  it("names files by the id in 64 lower-case hex digits, as EIP-1155's example (314592 → …4cce0)", () => {
    expect(erc1155Id(314592)).toBe("000000000000000000000000000000000000000000000000000000000004cce0");
    expect(erc1155Id(10)).toMatch(/^0{63}a$/);
  });

  it("the writer's folder passes, from the collection root or its own folder", async () => {
    expect(await problemsOf(good, "erc1155")).toEqual([]);
    const report = await validateFolder(memoryFolder({ ...whole, "manifest.json": "{}" }), "erc1155");
    expect([report.folder, report.tokens, report.problems]).toEqual(["erc1155/metadata", 6, []]);
  });

  it("erc1155.fileName, with the right name as a hint", async () => {
    const renamed: Record<string, string> = { ...good, "metadata/2.json": good[two] ?? "" };
    delete renamed[two];
    expect(await problemsOf(renamed, "erc1155")).toEqual([["erc1155.fileName", expect.stringMatching(new RegExp(`^2\\.json: expected the token id as 64 lower-case hex digits .*token 2 is ${erc1155Id(2)}\\.json$`))]]);
    const upper = { ...good, [`metadata/${"0".repeat(63)}A.json`]: good[two] ?? "" };
    expect(await problemsOf(upper, "erc1155")).toEqual([["erc1155.fileName", expect.stringMatching(/must be lower-case: 0{63}a\.json$/)]]);
  });

  it("erc1155.imageFileName", async () => {
    expect(await problemsOf({ ...good, "images/7.png": "x" }, "erc1155")).toEqual([["erc1155.imageFileName", expect.stringMatching(new RegExp(`^images/7\\.png: .*token 7 is ${erc1155Id(7)}\\.png$`))]]);
  });

  const cases: Array<[string, Edit, RegExp]> = [
    ["erc1155.decimals", (j) => void (j.decimals = -1), /decimals: expected a whole number >= 0 .*found the number -1$/],
    ["erc1155.properties", (j) => void (j.properties = "rare"), /properties: expected an object/],
    ["erc1155.localization", (j) => void (j.localization = { uri: "ipfs://bafy/2.json", default: "en", locales: ["en", "es"] }), /localization\.uri: expected a string holding "\{locale\}"/],
    ["erc1155.imageName", (j) => void (j.image = "ipfs://bafyimages/2.png"), /image: expected the image named by the hex id like its file .*found the decimal id/],
    ["erc1155.backgroundColor", (j) => void (j.background_color = "red"), /background_color: expected six hex digits/],
  ];
  for (const [rule, edit, message] of cases) {
    it(rule, async () => {
      expect(await problemsOf(withJson(good, two, edit), "erc1155")).toEqual([[rule, expect.stringMatching(new RegExp(`^${erc1155Id(2)}\\.json: ${message.source.replace(/^\^/, "")}`))]]);
    });
  }
});

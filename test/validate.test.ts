/**
 * `traitloom validate` through runValidate with captured output, on folders on disk: Traitloom's own targets pass,
 * a HashLips Solana folder with a skipped id fails naming the number, and argument mistakes are one-line errors.
 */
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runValidate } from "../src/cli/validate.js";
import { isTraitloomError } from "../src/core/errors.js";
import { buildLayerSet } from "../src/core/layers.js";
import { tokenRecord } from "../src/core/metadata.js";
import { planCollection } from "../src/core/planner.js";
import { createRng, shuffleInPlace } from "../src/core/rng.js";
import { resolveSettings } from "../src/core/settings.js";
import { writeFixture } from "../src/core/targets/fixture.js";
import { collectionFiles, tokenFiles, type OutputsConfig } from "../src/core/targets/index.js";
import { removeDir, tempDir } from "./helpers/fixtures.js";

const CREATOR = "9WzDXwBbmkg8ZTbNMqUxvQRAyrZzDsGYdLVL9zYtAWWM";
const OUTPUTS: OutputsConfig = {
  erc721: {},
  erc1155: {},
  solana: { symbol: "LOOM", sellerFeeBasisPoints: 500, creators: [{ address: CREATOR, share: 100 }], collection: { name: "Loom", image: "c.png" } },
  cardano: { policyId: "f".repeat(56) },
  tezos: { symbol: "LOOM" },
};

let root: string;
beforeAll(async () => {
  root = await tempDir("traitloom-validate-");
});
afterAll(async () => {
  await removeDir(root);
});

async function writeTree(dir: string, files: Record<string, string>): Promise<string> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runValidate(args, { out: (l) => out.push(...l.split("\n")), err: (l) => err.push(...l.split("\n")) });
  return { code, out, err };
}

/** The one-line user error runValidate throws for main() to print. */
async function argumentError(args: string[]): Promise<string> {
  try {
    await run(args);
  } catch (e) {
    if (isTraitloomError(e) && e.code === "BAD_ARGUMENT") return e.message;
    throw e;
  }
  throw new Error(`expected ${args.join(" ")} to be refused`);
}

/** A HashLips v1.1.1 Solana token file (main.js addMetadata with solanaMetadata), as that engine writes it. */
function hashlipsSolana(edition: number): string {
  return JSON.stringify(
    {
      name: `Your Collection #${edition}`,
      symbol: "YC",
      description: "Remember to replace this description",
      seller_fee_basis_points: 1000,
      image: `${edition}.png`,
      external_url: "https://www.youtube.com/c/hashlipsnft",
      edition,
      attributes: [
        { trait_type: "Background", value: "Black" },
        { trait_type: "Eyeball", value: "Red" },
      ],
      properties: { files: [{ uri: `${edition}.png`, type: "image/png" }], category: "image", creators: [{ address: "7fXNuer5sbZtaTEPhtJ5g5gNtuyRoKkvxdjEjEnPN4mC", share: 100 }] },
      compiler: "HashLips Art Engine",
    },
    null,
    2,
  );
}

describe("traitloom validate on Traitloom's own output", () => {
  let collection: string;
  beforeAll(async () => {
    collection = await writeTree(join(root, "collection"), { ...writeFixture(OUTPUTS), "manifest.json": "{}", "_metadata.json": "[]" });
  });

  for (const [target, folder] of [
    ["opensea", "metadata"],
    ["erc1155", "erc1155/metadata"],
    ["solana", "solana/assets"],
    ["cardano", "cardano"],
    ["tezos", "tezos"],
  ] as const) {
    it(`${target}: ok from the collection folder, checking ${folder}/`, async () => {
      const r = await run([collection, "--target", target]);
      expect(r.out).toEqual([expect.stringMatching(new RegExp(`^ok: 6 tokens, no problems \\(.*, in ${join(collection, folder).replaceAll("/", "\\/")}\\)$`))]);
      expect(r.code).toBe(0);
    });
  }

  it("the target's own folder, given directly, and --target=erc721 as opensea", async () => {
    expect((await run([join(collection, "solana/assets"), "--target=solana"])).code).toBe(0);
    const r = await run(["-t", "erc721", join(collection, "metadata")]);
    expect([r.code, r.out[0]]).toEqual([0, expect.stringMatching(/^ok: 6 tokens, no problems \(ERC-721 \/ OpenSea metadata/)]);
  });

  it("a broken attribute is one line with file and field, and exit 1", async () => {
    const dir = await writeTree(join(root, "broken-solana"), writeFixture({ solana: { symbol: "LOOM" } }));
    const file = join(dir, "solana/assets/3.json");
    const json = JSON.parse(await readFile(file, "utf8")) as { attributes: Array<{ value: unknown }> };
    (json.attributes[2] as { value: unknown }).value = 7;
    await writeFile(file, JSON.stringify(json));
    const r = await run([join(dir, "solana/assets"), "--target", "solana"]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      "3.json: attributes[2].value: expected a string (Sugar reads attribute values as strings), found the number 7",
      `1 problem in 6 tokens (a Sugar / Candy Machine assets folder, in ${join(dir, "solana/assets")})`,
    ]);
    expect(r.err).toEqual([expect.stringMatching(/^warning: collection\.json: not found; Sugar asks/)]);
  });

  it("images reached through symbolic links count", async () => {
    const files = writeFixture({ solana: {} });
    const dir = join(root, "linked");
    for (const [path, text] of Object.entries(files)) if (path.endsWith(".json")) await writeTree(dir, { [path]: text });
    await writeTree(join(root, "art"), { "0.png": "x" });
    for (let i = 0; i < 6; i++) await symlink(join(root, "art/0.png"), join(dir, `solana/assets/${i}.png`));
    expect((await run([join(dir, "solana/assets"), "--target", "solana"])).code).toBe(0);
  });
});

describe("a 1,000-token collection with startId 1 and shuffled editions", () => {
  it("writes a Solana folder numbered 0 to 999 that passes, whatever the ids", async () => {
    const layerSet = buildLayerSet({
      root: "mem",
      rootFiles: [],
      folders: ["A", "B", "C"].map((layer, l) => ({ folder: `0${l + 1}-${layer}`, files: Array.from({ length: 10 }, (_, t) => ({ name: `${layer}${t}.png`, size: 1 })), subfolders: [] })),
    });
    const settings = resolveSettings({ namePrefix: "Loom", startId: 1 }, { count: 1000, seed: "big" });
    const plan = planCollection(layerSet, 1000, "big");
    // Editions mixed across ids: the id of position i is a seeded permutation of 1…1000.
    const ids = shuffleInPlace(Array.from({ length: 1000 }, (_, i) => i + 1), createRng("big", "ids"));
    const files: Record<string, string> = {};
    const collection = { settings, width: 8, height: 8 };
    for (let index = 0; index < 1000; index++) {
      const token = { ...tokenRecord(layerSet, plan, index, settings), id: ids[index] ?? 0 };
      for (const out of tokenFiles({ solana: {} }, collection, { token, index })) {
        for (const f of out.files) files[f.path] = f.text;
        files[out.image] = "x";
      }
    }
    for (const out of collectionFiles({ solana: {} }, collection)) expect(out.files).toEqual([]);
    const dir = await writeTree(join(root, "big"), files);
    const r = await run([join(dir, "solana/assets"), "--target", "solana"]);
    expect([r.code, r.out.at(-1)]).toEqual([0, expect.stringMatching(/^ok: 1000 tokens, no problems/)]);
    expect(JSON.parse(files["solana/assets/0.json"] ?? "{}")).toMatchObject({ name: `Loom #${ids[0]}`, edition: ids[0], image: "0.png" });
  });
});

describe("other tools' folders", () => {
  it("a HashLips Solana folder with a skipped id fails naming the missing number", async () => {
    // HashLips v1.1.1 with shuffleLayerConfigurations builds indexes 0…N for N tokens and skips one (HL #1154):
    // five tokens written as 0, 1, 3, 4, 5.
    const files: Record<string, string> = {};
    for (const n of [0, 1, 3, 4, 5]) Object.assign(files, { [`${n}.json`]: hashlipsSolana(n), [`${n}.png`]: "x" });
    const dir = await writeTree(join(root, "hashlips-solana"), files);
    const r = await run([dir, "--target", "solana"]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      '5.json: expected numbers 0 to 4 (5 tokens, counted from 0), found 5.json (Sugar: "File 5.json is out of expected range")',
      "2.json: expected assets numbered 0 to 4 without gaps, 2.json is missing (Sugar: \"Assets list isn't continuous\")",
      `2 problems in 5 tokens (a Sugar / Candy Machine assets folder, in ${dir})`,
    ]);
  });

  it("ERC-721 files copied into a Solana folder (HL #1206) fail on every file", async () => {
    const eth = (n: number): string => JSON.stringify({ name: `Your Collection #${n}`, description: "", image: `ipfs://NewUriToReplace/${n}.png`, edition: n, attributes: [] });
    const dir = await writeTree(join(root, "eth-in-solana"), { "0.json": eth(0), "0.png": "x", "1.json": eth(1), "1.png": "x" });
    const r = await run([dir, "--target", "solana"]);
    expect(r.code).toBe(1);
    expect(r.out.filter((l) => l.includes("properties: expected an object"))).toHaveLength(2);
  });

  it("a HashLips build folder for OpenSea: json/ is found, the placeholder base URI is a warning", async () => {
    const eth = (n: number): string => JSON.stringify({ name: `Your Collection #${n}`, description: "", image: `ipfs://NewUriToReplace/${n}.png`, edition: n, date: 1647000000000, attributes: [{ trait_type: "Background", value: "Black" }] });
    const dir = await writeTree(join(root, "hashlips-build"), { "json/1.json": eth(1), "json/2.json": eth(2), "json/_metadata.json": "[]", "images/1.png": "x" });
    const r = await run([dir, "--target", "opensea"]);
    expect([r.code, r.out]).toEqual([0, [`ok: 2 tokens, no problems (ERC-721 / OpenSea metadata, in ${join(dir, "json")})`]]);
    expect(r.err).toEqual([expect.stringMatching(/^warning: 1\.json and 1 more: image still points at the placeholder "NewUriToReplace"/)]);
  });
});

describe("arguments", () => {
  it("help", async () => {
    const r = await run(["--help"]);
    expect([r.code, r.out.join("\n")]).toEqual([0, expect.stringContaining("traitloom validate <folder> --target opensea|erc1155|solana|cardano|tezos")]);
  });

  it("each mistake is one line naming it", async () => {
    expect(await argumentError([])).toMatch(/^validate: expected a folder, as in `traitloom validate/);
    expect(await argumentError([root])).toBe("validate: expected --target opensea|erc1155|solana|cardano|tezos, found none");
    expect(await argumentError([root, "--target", "ethereum"])).toBe('--target: expected one of opensea, erc1155, solana, cardano, tezos, found "ethereum"');
    expect(await argumentError([root, "--target"])).toBe("--target: expected one of opensea, erc1155, solana, cardano, tezos, found none");
    expect(await argumentError([root, "--tagret", "solana"])).toMatch(/^--tagret: unknown option for validate/);
    expect(await argumentError([root, root, "--target", "solana"])).toMatch(/^validate: expected one folder, found 2/);
    expect(await argumentError([join(root, "nope"), "--target", "solana"])).toBe(`${join(root, "nope")}: expected a folder to validate, found nothing there`);
    const file = join(root, "a-file.json");
    await writeFile(file, "{}");
    expect(await argumentError([file, "--target", "opensea"])).toMatch(/found a file/);
  });

  it("an empty folder is a problem, exit 1", async () => {
    const dir = join(root, "empty");
    await mkdir(dir, { recursive: true });
    const r = await run([dir, "--target", "solana"]);
    expect([r.code, r.out[0]]).toEqual([1, expect.stringContaining("Missing or empty assets directory")]);
  });
});

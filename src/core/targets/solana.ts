/**
 * Solana / Metaplex Candy Machine: a Sugar assets folder, `0.json` + `0.png` … numbered from 0 without gaps, with
 * `collection.json` + `collection.png` when a collection is given. The rules are Sugar 2.x's as its code has them
 * (FIELD.md F10): `validate/helpers.rs` validate_continuous_assets for the numbering, `upload/assets.rs`
 * get_asset_pairs for one image per number, `validate/format.rs` (serde types + validate) and `validate/parser.rs`
 * for the JSON fields, the Token Metadata program's limits behind them (name 32 bytes, symbol 10, URI 200, 5 creators).
 */
import { TraitloomError } from "../errors.js";
import { metadataJson } from "../metadata.js";
import { utf8Length } from "./bytes.js";
import { baseMetadata, cleanDir, extensionOf, imageMimeType, inDir } from "./shared.js";
import { describeFound, fileNames, FileCheck, forEachJson, isObject, type Findings, type JsonObject } from "./check.js";
import { isSolanaAddress, SOLANA_CATEGORIES, SOLANA_MAX_CREATORS, SOLANA_NAME_MAX_BYTES, SOLANA_SYMBOL_MAX_BYTES, SOLANA_URI_MAX_BYTES, type SolanaOptions } from "./options.js";
export { isSolanaAddress, SOLANA_CATEGORIES, SOLANA_MAX_CREATORS, SOLANA_NAME_MAX_BYTES, SOLANA_SYMBOL_MAX_BYTES, SOLANA_URI_MAX_BYTES, solanaOptionsSchema, type SolanaOptions } from "./options.js";
import type { CollectionFiles, FolderView, TargetCollection, TargetToken, TokenFiles } from "./types.js";

export const SOLANA_DEFAULT_DIR = "solana/assets";

/** The one-line refusal of WebP (Sugar matches images by `^N\.(jpg|jpeg|gif|png)$` only), or undefined. */
export function solanaFormatProblem(collection: TargetCollection): string | undefined {
  if (collection.settings.format !== "webp") return undefined;
  return 'outputs.solana: expected png or jpeg images (Sugar takes only jpg, jpeg, gif and png), found "format": "webp"; set image.format to "png" (or --format png) or leave out the solana output';
}

function creatorsOf(options: SolanaOptions): Record<string, unknown> {
  return options.creators ? { creators: options.creators.map((c) => ({ address: c.address, share: c.share })) } : {};
}

/**
 * One token of the Sugar assets folder: `<dir>/<index>.json`, its image `<dir>/<index>.<ext>`, numbered by the
 * token's 0-based position whatever its id (`assetIndex`; the name keeps the id). Attribute values are strings, as
 * Sugar's serde type reads them. Throws a BAD_CONFIG error naming the token whose name is over 32 bytes.
 */
export function solanaTokenFiles(collection: TargetCollection, options: SolanaOptions, input: TargetToken): TokenFiles {
  const formatProblem = solanaFormatProblem(collection);
  if (formatProblem) throw new TraitloomError("BAD_CONFIG", formatProblem);
  const { settings } = collection;
  const { meta, attributes, name } = baseMetadata(input, settings);
  const nameBytes = utf8Length(name);
  if (nameBytes > SOLANA_NAME_MAX_BYTES) {
    throw new TraitloomError(
      "BAD_CONFIG",
      `token ${input.token.id}: name ${JSON.stringify(name)} is ${nameBytes} bytes, expected at most ${SOLANA_NAME_MAX_BYTES} (Sugar/Metaplex limit); shorten namePrefix`,
    );
  }
  const externalUrl = meta.external_url as string | undefined;
  if (externalUrl !== undefined && utf8Length(externalUrl) > SOLANA_URI_MAX_BYTES) {
    throw new TraitloomError("BAD_CONFIG", `token ${input.token.id}: external_url is ${utf8Length(externalUrl)} bytes, expected at most ${SOLANA_URI_MAX_BYTES} (Sugar/Metaplex limit); shorten externalUrl`);
  }
  const dir = cleanDir(options.dir ?? SOLANA_DEFAULT_DIR);
  const imageName = `${input.index}.${extensionOf(settings)}`;
  const json: Record<string, unknown> = {
    name,
    symbol: options.symbol ?? "",
    description: settings.description,
    ...(options.sellerFeeBasisPoints !== undefined ? { seller_fee_basis_points: options.sellerFeeBasisPoints } : {}),
    // A file name: Sugar uploads the image next to this file and puts its link here and in properties.files.
    image: imageName,
    ...(externalUrl !== undefined ? { external_url: externalUrl } : {}),
    edition: input.token.id,
    attributes: attributes.map((a) => ({ trait_type: a.trait_type, value: String(a.value) })),
    properties: { files: [{ uri: imageName, type: imageMimeType(settings.format) }], category: "image", ...creatorsOf(options) },
    ...(options.collection?.family !== undefined ? { collection: { name: options.collection.name, family: options.collection.family } } : {}),
  };
  for (const [k, v] of Object.entries(settings.extraMetadata)) if (!(k in json)) json[k] = v;
  return { target: "solana", files: [{ path: inDir(dir, `${input.index}.json`), text: metadataJson(json) }], image: inDir(dir, imageName), assetIndex: input.index };
}

/** `collection.json` and the collection image, where `collection` is given. */
export function solanaCollectionFiles(collection: TargetCollection, options: SolanaOptions): CollectionFiles {
  const c = options.collection;
  if (!c) return { target: "solana", files: [], copies: [], notes: [] };
  const dir = cleanDir(options.dir ?? SOLANA_DEFAULT_DIR);
  const ext = (/\.([^.]+)$/.exec(c.image)?.[1] ?? "png").toLowerCase();
  const imageName = `collection.${ext}`;
  const json = {
    name: c.name,
    symbol: options.symbol ?? "",
    description: c.description ?? collection.settings.description,
    ...(options.sellerFeeBasisPoints !== undefined ? { seller_fee_basis_points: options.sellerFeeBasisPoints } : {}),
    image: imageName,
    attributes: [],
    properties: { files: [{ uri: imageName, type: ext === "jpg" ? "image/jpeg" : `image/${ext}` }], category: "image", ...creatorsOf(options) },
  };
  return {
    target: "solana",
    files: [{ path: inDir(dir, "collection.json"), text: metadataJson(json) }],
    copies: [{ path: inDir(dir, imageName), from: c.image, what: "Solana collection image" }],
    notes: [],
  };
}

// ---- validation --------------------------------------------------------------------------------------------

const NUMBERED_JSON = /^(\d+)\.json$/;
const COLLECTION_JSON = "collection.json";

function isU16(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= 65535;
}

/** An optional string as serde reads `Option<String>`: absent or null is none. */
function optionalString(check: FileCheck, meta: JsonObject, key: string, rule: string, why: string): string | undefined {
  const v = meta[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") {
    check.problem(rule, [key], `expected a string or nothing (${why}), found ${describeFound(v)}`);
    return undefined;
  }
  return v;
}

function checkUriLength(check: FileCheck, key: string, uri: string): void {
  const bytes = utf8Length(uri);
  if (bytes > SOLANA_URI_MAX_BYTES) check.problem("solana.uriLength", [key], `expected at most ${SOLANA_URI_MAX_BYTES} bytes (Sugar/Metaplex URI limit), found ${bytes}`);
}

/** The fields of one Sugar metadata file, as serde's types and `Metadata::validate` check them. */
export function checkSolanaFields(check: FileCheck, meta: JsonObject): void {
  const name = meta.name;
  if (typeof name !== "string") {
    check.problem("solana.name", ["name"], `expected a string (Sugar requires it), found ${describeFound(name)}`);
  } else if (utf8Length(name) > SOLANA_NAME_MAX_BYTES) {
    check.problem("solana.nameLength", ["name"], `${JSON.stringify(name)} is ${utf8Length(name)} bytes, expected at most ${SOLANA_NAME_MAX_BYTES} (Sugar/Metaplex limit)`);
  }
  const symbol = optionalString(check, meta, "symbol", "solana.symbol", "the token symbol");
  if (symbol !== undefined && utf8Length(symbol) > SOLANA_SYMBOL_MAX_BYTES) {
    check.problem("solana.symbol", ["symbol"], `expected at most ${SOLANA_SYMBOL_MAX_BYTES} bytes (Sugar/Metaplex limit), found ${utf8Length(symbol)} in ${describeFound(symbol)}`);
  }
  if (typeof meta.description !== "string") {
    check.problem("solana.description", ["description"], `expected a string (Sugar requires it; "" will do), found ${describeFound(meta.description)}`);
  }
  const fee = meta.seller_fee_basis_points;
  if (fee !== undefined && fee !== null && !(isU16(fee) && fee <= 10000)) {
    check.problem("solana.sellerFee", ["seller_fee_basis_points"], `expected a whole number from 0 to 10000 (basis points: 500 = 5%), found ${describeFound(fee)}`);
  }
  const image = meta.image;
  if (typeof image !== "string") {
    check.problem("solana.imageField", ["image"], `expected a string (the image file name, such as "0.png"; Sugar requires it), found ${describeFound(image)}`);
  } else {
    checkUriLength(check, "image", image);
  }
  for (const key of ["animation_url", "external_url"]) {
    const url = optionalString(check, meta, key, "solana.urlField", "a URL");
    if (url !== undefined) checkUriLength(check, key, url);
  }

  const attributes = meta.attributes;
  if (attributes !== undefined && attributes !== null) {
    if (!Array.isArray(attributes)) {
      check.problem("solana.attributes", ["attributes"], `expected an array of {trait_type, value} or nothing, found ${describeFound(attributes)}`);
    } else {
      attributes.forEach((a: unknown, i) => {
        if (!isObject(a)) {
          check.problem("solana.attribute", ["attributes", i], `expected an object {trait_type, value}, found ${describeFound(a)}`);
          return;
        }
        if (typeof a.trait_type !== "string") {
          check.problem("solana.attribute", ["attributes", i, "trait_type"], `expected a string (Sugar requires it), found ${describeFound(a.trait_type)}`);
        }
        if (typeof a.value !== "string") {
          check.problem("solana.attributeValue", ["attributes", i, "value"], `expected a string (Sugar reads attribute values as strings), found ${describeFound(a.value)}`);
        }
      });
    }
  }

  if (meta.creators !== undefined) check.warn("solana.topLevelCreators", "creators at the top level are ignored by Sugar; they belong in properties.creators or Sugar's config.json");
  const properties = meta.properties;
  if (!isObject(properties)) {
    check.problem("solana.properties", ["properties"], `expected an object {files, category, creators?} (Sugar requires it; Ethereum metadata has none), found ${describeFound(properties)}`);
    return;
  }
  const files = properties.files;
  if (!Array.isArray(files)) {
    check.problem("solana.files", ["properties", "files"], `expected an array of {uri, type} (Sugar requires it), found ${describeFound(files)}`);
  } else {
    files.forEach((f: unknown, i) => {
      if (!isObject(f)) {
        check.problem("solana.files", ["properties", "files", i], `expected an object {uri, type}, found ${describeFound(f)}`);
        return;
      }
      if (typeof f.uri !== "string") check.problem("solana.files", ["properties", "files", i, "uri"], `expected a string, found ${describeFound(f.uri)}`);
      if (typeof f.type !== "string") check.problem("solana.files", ["properties", "files", i, "type"], `expected a MIME type string such as "image/png", found ${describeFound(f.type)}`);
      if (f.cdn !== undefined && typeof f.cdn !== "boolean") check.problem("solana.files", ["properties", "files", i, "cdn"], `expected true or false, found ${describeFound(f.cdn)}`);
    });
    // Sugar's upload puts the image's link into the files entry whose uri equals `image`, and only there.
    if (typeof image === "string" && files.every((f: unknown) => !(isObject(f) && f.uri === image))) {
      check.problem("solana.filesImage", ["properties", "files"], `expected an entry with uri ${JSON.stringify(image)} (the image field: Sugar puts the uploaded link there), found none`);
    }
  }

  const creators = properties.creators;
  if (creators !== undefined && creators !== null) {
    check.warn("solana.jsonCreators", "Sugar says creators in the JSON are deprecated and takes them from its config.json");
    if (!Array.isArray(creators)) {
      check.problem("solana.creators", ["properties", "creators"], `expected an array of {address, share} or nothing, found ${describeFound(creators)}`);
    } else {
      let sum = 0;
      let typed = true;
      creators.forEach((c: unknown, i) => {
        if (!isObject(c) || typeof c.address !== "string" || !isU16(c.share)) {
          typed = false;
          const found = isObject(c) ? (typeof c.address !== "string" ? `address ${describeFound(c.address)}` : `share ${describeFound(c.share)}`) : describeFound(c);
          check.problem("solana.creators", ["properties", "creators", i], `expected {address: a string, share: a whole number}, found ${found}`);
          return;
        }
        sum += c.share;
        if (!isSolanaAddress(c.address)) {
          check.problem("solana.creatorAddress", ["properties", "creators", i, "address"], `expected a Solana address (base58 of 32 bytes), found ${describeFound(c.address)}`);
        }
      });
      if (typed && sum !== 100) check.problem("solana.creatorShares", ["properties", "creators"], `expected shares adding up to 100, found ${sum}`);
      if (creators.length > SOLANA_MAX_CREATORS) {
        check.problem("solana.creatorCount", ["properties", "creators"], `expected at most ${SOLANA_MAX_CREATORS} creators (Metaplex limit), found ${creators.length}`);
      }
    }
  }

  const category = properties.category;
  if (category === undefined || category === null) {
    check.warn("solana.category", `properties.category is missing; Sugar defaults it to "${meta.animation_url ? "video" : "image"}" with a warning`);
  } else if (typeof category !== "string" || !(SOLANA_CATEGORIES as readonly string[]).includes(category)) {
    check.problem("solana.category", ["properties", "category"], `expected one of ${SOLANA_CATEGORIES.join(", ")} (Sugar's categories), found ${describeFound(category)}`);
  }
}

/** Consecutive runs of sorted numbers: [[0, 4], [7, 7]]. */
function runsOf(numbers: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (const n of numbers) {
    const last = runs[runs.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  return runs;
}

function imageChoices(stem: string): string {
  return `${stem}.png, ${stem}.jpg, ${stem}.jpeg or ${stem}.gif`;
}

/**
 * Checks a Sugar assets folder as `sugar validate` and `sugar upload` read it: every `*.json` is `N.json` or
 * `collection.json`, the numbers run from 0 to n−1 (each gap and each number out of range named), one image per
 * number matching `^N\.(jpg|jpeg|gif|png)$` (case-insensitive), and every metadata file's fields. Unlike Sugar it
 * does not stop at the first problem.
 */
export async function validateSolanaDir(view: FolderView, dir: string, findings: Findings): Promise<number> {
  const names = await fileNames(view, dir);
  if (names.length === 0) {
    findings.problem("solana.empty", "", undefined, "expected a Sugar assets folder (0.json, 0.png, …), found a missing or empty folder (Sugar: \"Missing or empty assets directory\")");
    return 0;
  }
  const jsonNames = names.filter((n) => /\.json$/i.test(n));
  const byNumber = new Map<number, string[]>();
  let collection = false;
  for (const name of jsonNames) {
    const m = NUMBERED_JSON.exec(name);
    if (m?.[1] !== undefined && Number.isSafeInteger(Number(m[1]))) {
      const n = Number(m[1]);
      byNumber.set(n, [...(byNumber.get(n) ?? []), name]);
    } else if (name === COLLECTION_JSON) {
      collection = true;
    } else {
      findings.problem("solana.unexpectedFile", name, undefined, 'expected N.json (a token, numbered from 0) or collection.json, found another name (Sugar: "Unexpected files found in assets directory")');
    }
  }
  const count = byNumber.size;
  const numbers = [...byNumber.keys()].sort((a, b) => a - b);
  for (const n of numbers) {
    const files = byNumber.get(n) ?? [];
    for (const extra of files.slice(1)) {
      findings.problem("solana.redundantFile", extra, undefined, `expected one file numbered ${n}, found ${files[0] ?? ""} too (Sugar: "Redundant file ${n}.json")`);
    }
  }
  for (const [a, b] of runsOf(numbers.filter((n) => n >= count))) {
    const what = a === b ? `found ${a}.json` : `found ${a}.json to ${b}.json (${b - a + 1} files)`;
    findings.problem("solana.outOfRange", `${a}.json`, undefined, `expected numbers 0 to ${count - 1} (${count} tokens, counted from 0), ${what} (Sugar: "File ${a}.json is out of expected range")`);
  }
  const present = new Set(numbers);
  const missing: number[] = [];
  for (let n = 0; n < count; n++) if (!present.has(n)) missing.push(n);
  for (const [a, b] of runsOf(missing)) {
    const what = a === b ? `${a}.json is missing` : `${a}.json to ${b}.json are missing (${b - a + 1} files)`;
    findings.problem("solana.notContinuous", `${a}.json`, undefined, `expected assets numbered 0 to ${count - 1} without gaps, ${what} (Sugar: "Assets list isn't continuous")`);
  }
  if (!collection) findings.warn("solana.noCollection", COLLECTION_JSON, "not found; Sugar asks whether to go on without setting the Candy Machine's collection");

  const checked: string[] = [];
  for (const n of numbers) checked.push(...(byNumber.get(n) ?? []));
  if (collection) checked.push(COLLECTION_JSON);
  // Names by their lower-case spelling: Sugar matches images case-insensitively, and a lookup per token keeps a
  // 100,000-token folder linear.
  const byLowerName = new Map<string, string[]>();
  for (const f of names) byLowerName.set(f.toLowerCase(), [...(byLowerName.get(f.toLowerCase()) ?? []), f]);
  for (const name of checked) {
    const stem = name.slice(0, -".json".length);
    const images = ["jpg", "jpeg", "gif", "png"].flatMap((ext) => byLowerName.get(`${stem}.${ext}`) ?? []).sort();
    if (images.length !== 1) {
      const webp = byLowerName.get(`${stem}.webp`) ?? [];
      const found = images.length === 0 ? `none${webp.length > 0 ? ` (${webp.join(", ")}: Sugar does not take WebP)` : ""}` : `${images.length}: ${images.join(", ")}`;
      findings.problem("solana.image", name, undefined, `expected one image ${imageChoices(stem)} next to it (Sugar: "Couldn't find an image filename"), found ${found}`);
    }
  }
  await forEachJson(view, dir, checked, findings, "solana.json", (name, value) => {
    const check = new FileCheck(findings, name);
    if (!isObject(value)) {
      check.problem("solana.json", [], `expected a JSON object, found ${describeFound(value)}`);
      return;
    }
    checkSolanaFields(check, value);
  });
  return count;
}

/**
 * Tezos TZIP-21 rich metadata (with TZIP-12's name, symbol, decimals), as objkt reads it: artifactUri / displayUri /
 * thumbnailUri, formats, creators, and attributes spelled `{name, value}`, not OpenSea's trait_type. The field types
 * are those of TZIP-21's metadata-schema.json (attribute value a string; formats and attributes allow no other keys).
 */
import { isTezosAddress, type TezosOptions } from "./options.js";
import { metadataJson } from "../metadata.js";
import { baseMetadata, cleanDir, extensionOf, imageMimeType, inDir, joinUri } from "./shared.js";
import { checkScheme, describeFound, fileNames, FileCheck, forEachJson, isObject, MEDIA_URI_SCHEMES, type Findings, type JsonObject } from "./check.js";
export { isTezosAddress, tezosOptionsSchema, type TezosOptions } from "./options.js";
import type { CollectionFiles, FolderView, TargetCollection, TargetToken, TokenFiles } from "./types.js";

export const TEZOS_DEFAULT_DIR = "tezos";


/**
 * One token's TZIP-21 metadata, `<dir>/<id>.json`: decimals 0 and isBooleanAmount true (an NFT), the image as
 * artifactUri (and displayUri/thumbnailUri unless other bases are given), its format with the canvas dimensions, and
 * attributes `{name, value}` with string values.
 */
export function tezosTokenFiles(collection: TargetCollection, options: TezosOptions, input: TargetToken): TokenFiles {
  const { settings } = collection;
  const id = input.token.id;
  const file = `${id}.${extensionOf(settings)}`;
  const { meta, attributes, name } = baseMetadata(input, settings);
  const image = String(meta.image);
  const json: Record<string, unknown> = {
    name,
    ...(options.symbol !== undefined ? { symbol: options.symbol } : {}),
    decimals: 0,
    isBooleanAmount: true,
    description: settings.description,
    artifactUri: image,
    displayUri: options.displayBaseUri !== undefined ? joinUri(options.displayBaseUri, file) : image,
    thumbnailUri: options.thumbnailBaseUri !== undefined ? joinUri(options.thumbnailBaseUri, file) : image,
    ...(meta.external_url !== undefined ? { externalUri: meta.external_url } : {}),
    ...(options.minter !== undefined ? { minter: options.minter } : {}),
    creators: options.creators ?? [],
    ...(options.rights !== undefined ? { rights: options.rights } : {}),
    ...(options.tags !== undefined ? { tags: options.tags } : {}),
    formats: [{ uri: image, mimeType: imageMimeType(settings.format), dimensions: { value: `${collection.width}x${collection.height}`, unit: "px" } }],
    attributes: attributes.map((a) => ({ name: a.trait_type, value: String(a.value) })),
  };
  return { target: "tezos", files: [{ path: inDir(cleanDir(options.dir ?? TEZOS_DEFAULT_DIR), `${id}.json`), text: metadataJson(json) }], image: `images/${file}` };
}

export function tezosCollectionFiles(): CollectionFiles {
  return { target: "tezos", files: [], copies: [], notes: [] };
}

// ---- validation --------------------------------------------------------------------------------------------

const FORMAT_KEYS = ["uri", "hash", "mimeType", "fileSize", "fileName", "duration", "dimensions", "dataRate"];
const ATTRIBUTE_KEYS = ["name", "value", "type"];

function checkUri(check: FileCheck, meta: JsonObject, key: string, rule: string, required: boolean): void {
  const v = meta[key];
  if (v === undefined && !required) return;
  if (typeof v !== "string") {
    check.problem(rule, [key], `expected a URI string${required ? " (TZIP-21: the asset itself)" : ""}, found ${describeFound(v)}`);
    return;
  }
  checkScheme(check, rule, [key], v, MEDIA_URI_SCHEMES, "wallets and objkt fetch it");
}

function checkStringList(check: FileCheck, meta: JsonObject, key: string): void {
  const v = meta[key];
  if (v === undefined) return;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) {
    check.problem("tezos.stringList", [key], `expected an array of strings, found ${describeFound(v)}`);
  } else if (new Set(v).size !== v.length) {
    check.problem("tezos.stringList", [key], "expected each entry once (TZIP-21: unique items), found one twice");
  }
}

function checkFormat(check: FileCheck, f: unknown, i: number): void {
  const at = (...p: Array<string | number>): Array<string | number> => ["formats", i, ...p];
  if (!isObject(f)) {
    check.problem("tezos.formats", at(), `expected an object {uri, mimeType, …}, found ${describeFound(f)}`);
    return;
  }
  for (const key of Object.keys(f)) {
    if (!FORMAT_KEYS.includes(key)) check.problem("tezos.formats", at(key), `expected only ${FORMAT_KEYS.join(", ")} (TZIP-21 allows no other keys in a format), found ${key}`);
  }
  for (const key of ["uri", "hash", "mimeType", "fileName", "duration"]) {
    if (f[key] !== undefined && typeof f[key] !== "string") check.problem("tezos.formats", at(key), `expected a string, found ${describeFound(f[key])}`);
  }
  if (f.fileSize !== undefined && !(typeof f.fileSize === "number" && Number.isInteger(f.fileSize) && f.fileSize >= 0)) {
    check.problem("tezos.formats", at("fileSize"), `expected a whole number of bytes, found ${describeFound(f.fileSize)}`);
  }
  const dims = f.dimensions;
  if (dims !== undefined && !(isObject(dims) && typeof dims.value === "string" && typeof dims.unit === "string" && Object.keys(dims).every((k) => k === "value" || k === "unit"))) {
    check.problem("tezos.formats", at("dimensions"), `expected {value: a string such as "1000x1000", unit: "px"}, found ${isObject(dims) ? `value ${describeFound(dims.value)}, unit ${describeFound(dims.unit)}` : describeFound(dims)}`);
  }
  const rate = f.dataRate;
  if (rate !== undefined && !(isObject(rate) && typeof rate.value === "number" && Number.isInteger(rate.value) && typeof rate.unit === "string")) {
    check.problem("tezos.formats", at("dataRate"), `expected {value: a whole number, unit: a string}, found ${describeFound(rate)}`);
  }
}

function checkAttribute(check: FileCheck, a: unknown, i: number): void {
  const at = (...p: Array<string | number>): Array<string | number> => ["attributes", i, ...p];
  if (!isObject(a)) {
    check.problem("tezos.attributes", at(), `expected an object {name, value}, found ${describeFound(a)}`);
    return;
  }
  const openSeaSpelling = a.name === undefined && a.trait_type !== undefined;
  if (typeof a.name !== "string") {
    const hint = openSeaSpelling ? " (found trait_type: OpenSea's spelling; TZIP-21 calls it name)" : "";
    check.problem("tezos.attributeName", at("name"), `expected a string, found ${describeFound(a.name)}${hint}`);
  }
  if (typeof a.value !== "string") check.problem("tezos.attributeValue", at("value"), `expected a string (TZIP-21 attribute values are strings), found ${describeFound(a.value)}`);
  if (a.type !== undefined && typeof a.type !== "string") check.problem("tezos.attributeType", at("type"), `expected a string (how to show the value), found ${describeFound(a.type)}`);
  for (const key of Object.keys(a)) {
    if (ATTRIBUTE_KEYS.includes(key) || (openSeaSpelling && key === "trait_type")) continue;
    check.problem("tezos.attributeKeys", at(key), `expected only name, value and type (TZIP-21 allows no other keys in an attribute), found ${key}`);
  }
}

/** The fields of one TZIP-21 token metadata file. */
export function checkTezosFields(check: FileCheck, meta: JsonObject): void {
  if (typeof meta.name !== "string") check.problem("tezos.name", ["name"], `expected a string (TZIP-12: the token's name), found ${describeFound(meta.name)}`);
  if (meta.symbol !== undefined && typeof meta.symbol !== "string") check.problem("tezos.symbol", ["symbol"], `expected a string, found ${describeFound(meta.symbol)}`);
  if (meta.decimals !== 0) {
    check.problem("tezos.decimals", ["decimals"], `expected 0 (TZIP-12 requires decimals; an NFT has none), found ${describeFound(meta.decimals)}`);
  }
  for (const key of ["isBooleanAmount", "isTransferable", "shouldPreferSymbol"]) {
    if (meta[key] !== undefined && typeof meta[key] !== "boolean") check.problem("tezos.boolean", [key], `expected true or false, found ${describeFound(meta[key])}`);
  }
  if (meta.description !== undefined && typeof meta.description !== "string") check.problem("tezos.description", ["description"], `expected a string, found ${describeFound(meta.description)}`);
  checkUri(check, meta, "artifactUri", "tezos.artifactUri", true);
  for (const key of ["displayUri", "thumbnailUri", "externalUri", "rightUri"]) checkUri(check, meta, key, "tezos.uri", false);
  if (meta.minter !== undefined && !(typeof meta.minter === "string" && isTezosAddress(meta.minter))) {
    check.problem("tezos.minter", ["minter"], `expected a Tezos address (tz1…, tz2…, tz3…, tz4… or KT1… with a good checksum), found ${describeFound(meta.minter)}`);
  }
  for (const key of ["creators", "contributors", "publishers", "tags", "genres"]) checkStringList(check, meta, key);
  const formats = meta.formats;
  if (formats !== undefined) {
    if (!Array.isArray(formats)) check.problem("tezos.formats", ["formats"], `expected an array of {uri, mimeType, …}, found ${describeFound(formats)}`);
    else formats.forEach((f: unknown, i) => checkFormat(check, f, i));
  }
  const attributes = meta.attributes;
  if (attributes !== undefined) {
    if (!Array.isArray(attributes)) check.problem("tezos.attributes", ["attributes"], `expected an array of {name, value}, found ${describeFound(attributes)}`);
    else attributes.forEach((a: unknown, i) => checkAttribute(check, a, i));
  }
  if (typeof meta.artifactUri === "string") {
    // Placeholder base URIs are the same mistake on every chain.
    if (/REPLACE_WITH_CID|NewUriToReplace/.test(meta.artifactUri)) check.warn("tezos.placeholderUri", "artifactUri still points at the placeholder base URI; set baseUri once the images are uploaded");
  }
}

/** Checks a folder of TZIP-21 token metadata files (every `*.json`). */
export async function validateTezosDir(view: FolderView, dir: string, findings: Findings): Promise<number> {
  const names = (await fileNames(view, dir)).filter((n) => n.toLowerCase().endsWith(".json"));
  await forEachJson(view, dir, names, findings, "tezos.json", (name, value) => {
    const check = new FileCheck(findings, name);
    if (!isObject(value)) check.problem("tezos.json", [], `expected a JSON object, found ${describeFound(value)}`);
    else checkTezosFields(check, value);
  });
  return names.length;
}

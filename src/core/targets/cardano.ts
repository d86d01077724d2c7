/**
 * Cardano CIP-25: transaction metadata under label 721 → policy id → asset name → {name, image, mediaType,
 * description?, files?, other properties}, and "version". Transaction metadata holds no string over 64 bytes (CIP-25's
 * CDDL: `string = text .size (0..64)`), so a longer image URI or description is an array of ≤ 64-byte strings that
 * viewers join; `name`, `mediaType` and map keys cannot be split. It has no booleans, null or fractions either.
 */
import type { CardanoOptions } from "./options.js";
import { TraitloomError } from "../errors.js";
import { metadataJson } from "../metadata.js";
import { stringOrPieces, utf8Length } from "./bytes.js";
import { baseMetadata, cleanDir, extensionOf, imageMimeType, inDir, joinUri } from "./shared.js";
import { checkScheme, describeFound, fileNames, FileCheck, forEachJson, isObject, MEDIA_URI_SCHEMES, type Findings, type JsonObject } from "./check.js";
export { cardanoOptionsSchema, type CardanoOptions } from "./options.js";
import type { CollectionFiles, FolderView, TargetCollection, TargetToken, TokenFiles } from "./types.js";

export const CARDANO_DEFAULT_DIR = "cardano";
/** CIP-25: every metadata string (values and keys) is at most 64 bytes. */
export const CARDANO_STRING_MAX_BYTES = 64;
/** The ledger's limit on an asset name. */
export const CARDANO_ASSET_NAME_MAX_BYTES = 32;
/** Transaction metadata integers are at most 2^64 − 1 either side of 0. */
const METADATUM_INT_MAX = 2n ** 64n - 1n;

/** Keys CIP-25 gives a meaning to; a layer with one of these names cannot be an attribute key. */
const CIP25_FIELDS = ["name", "image", "mediaType", "description", "files"];


/** The asset name of token `id`. */
export function cardanoAssetName(collection: TargetCollection, options: CardanoOptions, id: number): string {
  if (options.assetName !== undefined) {
    const name = options.assetName.replaceAll("{id}", String(id));
    return options.assetName.includes("{id}") ? name : `${name}${id}`;
  }
  const prefix = collection.settings.namePrefix.normalize("NFKD").replace(/[^A-Za-z0-9]/g, "");
  return `${prefix || "Token"}${id}`;
}

function tooLong(id: number, what: string, text: string, max: number, fix: string): TraitloomError {
  return new TraitloomError("BAD_CONFIG", `token ${id}: outputs.cardano: ${what} ${JSON.stringify(text)} is ${utf8Length(text)} bytes, expected at most ${max} (CIP-25); ${fix}`);
}

/** A value as transaction metadata can hold it: strings cut into ≤ 64-byte pieces, whole numbers kept, others as text. */
function metadatumOf(value: string | number): string | string[] | number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  return stringOrPieces(String(value), CARDANO_STRING_MAX_BYTES);
}

/**
 * One token's CIP-25 metadata, `<dir>/<id>.json`, in the JSON form `cardano-cli --metadata-json-file` and minting
 * services take: `{"721": {"<policy>": {"<asset>": {…}}, "version": "1.0"}}`. Attributes are extra keys of the asset
 * (trait_type → value), as CNFT marketplaces read them. Throws a BAD_CONFIG error naming the token where a name, asset
 * name or attribute key is over its limit or an attribute key clashes with a CIP-25 field.
 */
export function cardanoTokenFiles(collection: TargetCollection, options: CardanoOptions, input: TargetToken): TokenFiles {
  const { settings } = collection;
  const id = input.token.id;
  const { meta, attributes, name } = baseMetadata(input, settings);
  if (utf8Length(name) > CARDANO_STRING_MAX_BYTES) throw tooLong(id, "name", name, CARDANO_STRING_MAX_BYTES, "shorten namePrefix (a name cannot be split)");
  const assetName = cardanoAssetName(collection, options, id);
  if (utf8Length(assetName) > CARDANO_ASSET_NAME_MAX_BYTES) throw tooLong(id, "asset name", assetName, CARDANO_ASSET_NAME_MAX_BYTES, "set a shorter outputs.cardano.assetName");
  const image = String(meta.image);
  const mediaType = imageMimeType(settings.format);
  const asset: Record<string, unknown> = { name, image: stringOrPieces(image, CARDANO_STRING_MAX_BYTES), mediaType };
  if (settings.description !== "") asset.description = stringOrPieces(settings.description, CARDANO_STRING_MAX_BYTES);
  if (options.files) {
    asset.files = [{ name, mediaType, src: stringOrPieces(joinUri(settings.baseUri, `${id}.${extensionOf(settings)}`), CARDANO_STRING_MAX_BYTES) }];
  }
  for (const a of attributes) {
    const key = a.trait_type;
    if (CIP25_FIELDS.includes(key)) {
      throw new TraitloomError("BAD_CONFIG", `token ${id}: outputs.cardano: attribute "${key}" would replace the CIP-25 field of that name; rename the layer or extra attribute`);
    }
    if (key in asset) throw new TraitloomError("BAD_CONFIG", `token ${id}: outputs.cardano: two attributes are named "${key}"; CIP-25 keys them by name, so rename one`);
    if (utf8Length(key) > CARDANO_STRING_MAX_BYTES) throw tooLong(id, "attribute name", key, CARDANO_STRING_MAX_BYTES, "rename the layer (a key cannot be split)");
    asset[key] = metadatumOf(a.value);
  }
  const json = { "721": { [options.policyId]: { [assetName]: asset }, version: "1.0" } };
  return { target: "cardano", files: [{ path: inDir(cleanDir(options.dir ?? CARDANO_DEFAULT_DIR), `${id}.json`), text: metadataJson(json) }], image: `images/${id}.${extensionOf(settings)}` };
}

export function cardanoCollectionFiles(): CollectionFiles {
  return { target: "cardano", files: [], copies: [], notes: [] };
}

// ---- validation --------------------------------------------------------------------------------------------

const VERSIONS_1 = [1, "1", "1.0"];
const VERSIONS_2 = [2, "2", "2.0"];

function isStringOrPieces(v: unknown): v is string | string[] {
  return typeof v === "string" || (Array.isArray(v) && v.length > 0 && v.every((p) => typeof p === "string"));
}

function joined(v: string | string[]): string {
  return typeof v === "string" ? v : v.join("");
}

/** Every string (keys too) at most 64 bytes, and only what transaction metadata holds: text, whole numbers, lists, maps. */
function checkMetadatum(check: FileCheck, value: unknown, path: Array<string | number>): void {
  if (typeof value === "string") {
    const bytes = utf8Length(value);
    if (bytes > CARDANO_STRING_MAX_BYTES) {
      check.problem("cardano.stringLength", path, `expected at most ${CARDANO_STRING_MAX_BYTES} bytes (CIP-25: split longer text into an array of strings), found ${bytes}`);
    }
  } else if (typeof value === "number") {
    if (!Number.isInteger(value) || BigInt(Math.abs(value)) > METADATUM_INT_MAX) {
      check.problem("cardano.metadatum", path, `expected text or a whole number within ±(2^64 − 1) (transaction metadata has no fractions), found ${describeFound(value)}`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v: unknown, i) => checkMetadatum(check, v, [...path, i]));
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (utf8Length(k) > CARDANO_STRING_MAX_BYTES) {
        check.problem("cardano.stringLength", [...path, k], `expected a key of at most ${CARDANO_STRING_MAX_BYTES} bytes (CIP-25; a key cannot be split), found ${utf8Length(k)}`);
      }
      checkMetadatum(check, v, [...path, k]);
    }
  } else {
    check.problem("cardano.metadatum", path, `expected text, a whole number, a list or a map (transaction metadata has no true/false or null), found ${describeFound(value)}`);
  }
}

function checkAsset(check: FileCheck, asset: JsonObject, at: string): void {
  const path = (...p: Array<string | number>): Array<string | number> => [at, ...p];
  if (typeof asset.name !== "string") check.problem("cardano.name", path("name"), `expected a string (CIP-25 requires it, as one string), found ${describeFound(asset.name)}`);
  const image = asset.image;
  if (!isStringOrPieces(image)) {
    check.problem("cardano.image", path("image"), `expected a URI as a string or an array of strings (CIP-25 requires it), found ${describeFound(image)}`);
  } else {
    checkScheme(check, "cardano.imageUri", path("image"), joined(image), MEDIA_URI_SCHEMES, "CIP-25: a URI with its scheme, not a bare CID");
  }
  const mediaType = asset.mediaType;
  if (mediaType !== undefined && !(typeof mediaType === "string" && mediaType.startsWith("image/"))) {
    check.problem("cardano.mediaType", path("mediaType"), `expected an image MIME type such as "image/png" (CIP-25: the type of image), found ${describeFound(mediaType)}`);
  }
  if (asset.description !== undefined && !isStringOrPieces(asset.description)) {
    check.problem("cardano.description", path("description"), `expected a string or an array of strings, found ${describeFound(asset.description)}`);
  }
  const files = asset.files;
  if (files === undefined) return;
  if (!Array.isArray(files)) {
    check.problem("cardano.files", path("files"), `expected an array of {name, mediaType, src}, found ${describeFound(files)}`);
    return;
  }
  files.forEach((f: unknown, i) => {
    if (!isObject(f)) {
      check.problem("cardano.files", path("files", i), `expected an object {name, mediaType, src}, found ${describeFound(f)}`);
      return;
    }
    if (typeof f.name !== "string") check.problem("cardano.files", path("files", i, "name"), `expected a string (CIP-25 requires it), found ${describeFound(f.name)}`);
    if (typeof f.mediaType !== "string") check.problem("cardano.files", path("files", i, "mediaType"), `expected a MIME type string (CIP-25 requires it in files), found ${describeFound(f.mediaType)}`);
    if (!isStringOrPieces(f.src)) check.problem("cardano.files", path("files", i, "src"), `expected a URI as a string or an array of strings, found ${describeFound(f.src)}`);
  });
}

/** Checks one file's label-721 metadata; returns how many assets it holds. */
function checkCardanoFile(check: FileCheck, value: unknown): number {
  if (!isObject(value) || !isObject(value["721"])) {
    check.problem("cardano.label", ["721"], `expected an object under the label "721" (CIP-25: {"721": {"<policy id>": {"<asset name>": {…}}}}), found ${describeFound(isObject(value) ? value["721"] : value)}`);
    return 0;
  }
  const label = value["721"];
  const version = label.version;
  let v2 = false;
  if (version !== undefined) {
    if (VERSIONS_2.includes(version as never)) v2 = true;
    else if (!VERSIONS_1.includes(version as never)) check.problem("cardano.version", ["721", "version"], `expected 1, "1.0" or 2 (CIP-25 versions), found ${describeFound(version)}`);
  }
  let assets = 0;
  for (const [policy, policyValue] of Object.entries(label)) {
    if (policy === "version") continue;
    if (!/^[0-9a-fA-F]{56}$/.test(policy)) {
      check.problem("cardano.policyId", ["721", policy], "expected a policy id: 56 hex digits (the 28-byte hash of the minting policy), found another key");
    }
    if (!isObject(policyValue)) {
      check.problem("cardano.asset", ["721", policy], `expected an object of asset name → metadata, found ${describeFound(policyValue)}`);
      continue;
    }
    for (const [assetName, asset] of Object.entries(policyValue)) {
      assets++;
      const bytes = v2 ? (/^([0-9a-fA-F]{2})*$/.test(assetName) ? assetName.length / 2 : Number.NaN) : utf8Length(assetName);
      if (!(bytes <= CARDANO_ASSET_NAME_MAX_BYTES)) {
        const expected = v2 ? "the asset name's bytes in hex (version 2), at most 32 bytes" : "an asset name of at most 32 bytes (the ledger's limit)";
        check.problem("cardano.assetName", [assetName], `expected ${expected}, found ${Number.isNaN(bytes) ? "text that is not hex" : `${bytes} bytes`}`);
      }
      if (!isObject(asset)) {
        check.problem("cardano.asset", [assetName], `expected an object {name, image, …}, found ${describeFound(asset)}`);
        continue;
      }
      checkMetadatum(check, asset, [assetName]);
      checkAsset(check, asset, assetName);
    }
  }
  return assets;
}

/** Checks a folder of CIP-25 files (every `*.json`), each holding label 721 metadata of one or more assets. */
export async function validateCardanoDir(view: FolderView, dir: string, findings: Findings): Promise<number> {
  const names = (await fileNames(view, dir)).filter((n) => n.toLowerCase().endsWith(".json"));
  let assets = 0;
  await forEachJson(view, dir, names, findings, "cardano.json", (name, value) => {
    assets += checkCardanoFile(new FileCheck(findings, name), value);
  });
  return assets;
}

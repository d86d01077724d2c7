/**
 * ERC-1155: EIP-1155's metadata section. A contract's `uri(id)` holds `{id}`, which clients replace by the id in
 * lower-case hex, no "0x", zero-padded to 64 characters (EIP example: 314592 → …0004cce0), so the files are named
 * `%064x.json` and, for the image URIs to follow the same rule, the images `%064x.<ext>`.
 */
import type { Erc1155Options } from "./options.js";
import { metadataJson } from "../metadata.js";
import { checkOpenSeaFields, ALL_METADATA_FILE } from "./erc721.js";
import { baseMetadata, cleanDir, extensionOf, inDir, joinUri } from "./shared.js";
import { describeFound, fileNames, FileCheck, forEachJson, isObject, type Findings, type JsonObject } from "./check.js";
export { erc1155OptionsSchema, type Erc1155Options } from "./options.js";
import type { CollectionFiles, FolderView, TargetCollection, TargetToken, TokenFiles } from "./types.js";

export const ERC1155_DEFAULT_DIR = "erc1155";
export const ERC1155_DEFAULT_METADATA_URI = "ipfs://REPLACE_WITH_METADATA_CID";


/** An id as ERC-1155 clients put it into `{id}`: lower-case hex, no 0x, 64 characters. */
export function erc1155Id(id: number): string {
  if (!Number.isSafeInteger(id) || id < 0) throw new Error(`erc1155Id: expected a whole number >= 0, found ${id}`);
  return id.toString(16).padStart(64, "0");
}

/**
 * ERC-1155 metadata of one token: `<dir>/metadata/<hex>.json` with the EIP's fields (name, description, image,
 * decimals 0) and the ERC-721 ones OpenSea also reads for ERC-1155 (attributes, external_url, …); its image goes to
 * `<dir>/images/<hex>.<ext>`, which the `image` URL names.
 */
export function erc1155TokenFiles(collection: TargetCollection, options: Erc1155Options, input: TargetToken): TokenFiles {
  const { settings } = collection;
  const dir = cleanDir(options.dir ?? ERC1155_DEFAULT_DIR);
  const hex = erc1155Id(input.token.id);
  const imageName = `${hex}.${extensionOf(settings)}`;
  const { meta } = baseMetadata(input, settings);
  const { name, description, image: _image, ...rest } = meta;
  const json = { name, description, image: joinUri(options.imageBaseUri ?? settings.baseUri, imageName), decimals: 0, ...rest };
  return {
    target: "erc1155",
    files: [{ path: inDir(dir, `metadata/${hex}.json`), text: metadataJson(json) }],
    image: inDir(dir, `images/${imageName}`),
  };
}

/** The `{id}` URI the contract's `uri()` returns, to print when the run is done. */
export function erc1155CollectionFiles(_collection: TargetCollection, options: Erc1155Options): CollectionFiles {
  const uri = `${(options.metadataUri ?? ERC1155_DEFAULT_METADATA_URI).replace(/\/+$/, "")}/{id}.json`;
  const dir = cleanDir(options.dir ?? ERC1155_DEFAULT_DIR);
  return {
    target: "erc1155",
    files: [],
    copies: [],
    notes: [`ERC-1155 uri for the contract: ${uri} (upload ${inDir(dir, "metadata")}/ there; clients put in the id as 64 lower-case hex digits)`],
  };
}

const HEX_NAME = /^[0-9a-f]{64}\.json$/;
const IMAGE_FILE = /\.(png|jpe?g|gif|webp|svg|avif)$/i;

function hexNameHint(name: string, ext: string): string {
  const stem = name.slice(0, name.length - ext.length);
  if (/^[0-9a-fA-F]{64}$/.test(stem)) return `; the hex digits must be lower-case: ${stem.toLowerCase()}${ext}`;
  if (/^[0-9]+$/.test(stem) && Number.isSafeInteger(Number(stem))) return `; token ${Number(stem)} is ${erc1155Id(Number(stem))}${ext}`;
  return "";
}

function checkErc1155Fields(check: FileCheck, meta: JsonObject, hex: string | undefined): void {
  checkOpenSeaFields(check, meta, "erc1155");
  const decimals = meta.decimals;
  if (decimals !== undefined && !(typeof decimals === "number" && Number.isInteger(decimals) && decimals >= 0)) {
    check.problem("erc1155.decimals", ["decimals"], `expected a whole number >= 0 (EIP-1155: decimal places of the amount), found ${describeFound(decimals)}`);
  }
  if (meta.properties !== undefined && !isObject(meta.properties)) {
    check.problem("erc1155.properties", ["properties"], `expected an object (EIP-1155: arbitrary properties), found ${describeFound(meta.properties)}`);
  }
  const loc = meta.localization;
  if (loc !== undefined) {
    if (!isObject(loc)) {
      check.problem("erc1155.localization", ["localization"], `expected an object {uri, default, locales}, found ${describeFound(loc)}`);
    } else {
      if (!(typeof loc.uri === "string" && loc.uri.includes("{locale}"))) {
        check.problem("erc1155.localization", ["localization", "uri"], `expected a string holding "{locale}" (EIP-1155), found ${describeFound(loc.uri)}`);
      }
      if (typeof loc.default !== "string") check.problem("erc1155.localization", ["localization", "default"], `expected a string (the default locale), found ${describeFound(loc.default)}`);
      if (!(Array.isArray(loc.locales) && loc.locales.every((l) => typeof l === "string"))) {
        check.problem("erc1155.localization", ["localization", "locales"], `expected an array of locale strings, found ${describeFound(loc.locales)}`);
      }
    }
  }
  // An image URL naming the token in decimal next to a hex-named file: the images were uploaded under other names.
  const image = meta.image;
  if (hex !== undefined && typeof image === "string") {
    const file = /([^/?#]+)\.[A-Za-z0-9]+(?:[?#].*)?$/.exec(image)?.[1];
    if (file !== undefined && /^[0-9]+$/.test(file) && file !== hex && BigInt(file) === BigInt(`0x${hex}`)) {
      check.problem("erc1155.imageName", ["image"], `expected the image named by the hex id like its file (…/${hex}.<ext>), found the decimal id in ${describeFound(image)}`);
    }
  }
}

/**
 * Checks ERC-1155 metadata: JSON files in `jsonDir` named `<64 lower-case hex>.json`, image files in `imagesDir`
 * (where given) named the same way, and each file's fields (EIP-1155's and OpenSea's).
 */
export async function validateErc1155Dirs(view: FolderView, jsonDir: string, imagesDir: string | undefined, findings: Findings): Promise<number> {
  const names = (await fileNames(view, jsonDir)).filter((n) => n.toLowerCase().endsWith(".json") && n !== ALL_METADATA_FILE);
  for (const name of names) {
    if (!HEX_NAME.test(name)) {
      findings.problem("erc1155.fileName", name, undefined, `expected the token id as 64 lower-case hex digits and ".json" (clients replace {id} so), found another name${hexNameHint(name, ".json")}`);
    }
  }
  if (imagesDir !== undefined) {
    for (const name of (await fileNames(view, imagesDir)).filter((n) => IMAGE_FILE.test(n))) {
      const ext = /\.[^.]+$/.exec(name)?.[0] ?? "";
      if (!/^[0-9a-f]{64}$/.test(name.slice(0, name.length - ext.length))) {
        const shown = imagesDir === jsonDir ? name : `${imagesDir}/${name}`;
        findings.problem("erc1155.imageFileName", shown, undefined, `expected the token id as 64 lower-case hex digits (the image URLs use the {id} rule), found another name${hexNameHint(name, ext)}`);
      }
    }
  }
  await forEachJson(view, jsonDir, names, findings, "erc1155.json", (name, value) => {
    const check = new FileCheck(findings, name);
    if (!isObject(value)) {
      check.problem("erc1155.json", [], `expected a JSON object, found ${describeFound(value)}`);
      return;
    }
    checkErc1155Fields(check, value, HEX_NAME.test(name) ? name.slice(0, 64) : undefined);
  });
  return names.length;
}

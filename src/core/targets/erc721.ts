/**
 * ERC-721 / OpenSea: today's `metadata/<id>.json` (metadata.ts writes the bytes, the golden test pins them) and
 * the OpenSea metadata rules as its "Metadata Standards" page states them (FIELD.md F10).
 */
import type { Erc721Options } from "./options.js";
import { metadataJson } from "../metadata.js";
import { baseMetadata, extensionOf } from "./shared.js";
import { checkScheme, describeFound, fileNames, FileCheck, forEachJson, isObject, MEDIA_URI_SCHEMES, type Findings, type JsonObject } from "./check.js";
export { erc721OptionsSchema, type Erc721Options } from "./options.js";
import type { CollectionFiles, FolderView, TargetCollection, TargetToken, TokenFiles } from "./types.js";


/** ERC-721 metadata of one token: `metadata/<id>.json`, its image `images/<id>.<ext>`, exactly as before targets. */
export function erc721TokenFiles(collection: TargetCollection, _options: Erc721Options, input: TargetToken): TokenFiles {
  const id = input.token.id;
  return {
    target: "erc721",
    // The paths of src/render/pipeline.ts tokenPaths, which core cannot import.
    files: [{ path: `metadata/${id}.json`, text: metadataJson(baseMetadata(input, collection.settings).meta) }],
    image: `images/${id}.${extensionOf(collection.settings)}`,
  };
}

export function erc721CollectionFiles(): CollectionFiles {
  return { target: "erc721", files: [], copies: [], notes: [] };
}

/** Display types OpenSea documents for numeric traits (`date` takes unix seconds). */
export const OPENSEA_DISPLAY_TYPES = ["number", "boost_number", "boost_percentage", "date"] as const;

/** Unix seconds stay below this until the year 5138; a `date` above it is milliseconds (`Date.now()`, HL1/NC). */
const DATE_SECONDS_MAX = 1e11;

/** Base URIs generators write before the upload: left in place, every image link is dead. */
const PLACEHOLDER_URIS = ["REPLACE_WITH_CID", "NewUriToReplace", "REPLACE_WITH_METADATA_CID"];

/** Warnings every metadata target shares: a placeholder base URI, a gateway URL where ipfs:// belongs. */
export function warnAboutUri(check: FileCheck, field: string, uri: string, prefix: string): void {
  const placeholder = PLACEHOLDER_URIS.find((p) => uri.includes(p));
  if (placeholder) {
    check.warn(`${prefix}.placeholderUri`, `${field} still points at the placeholder "${placeholder}"; set the base URI once the images are uploaded (baseUri in the config)`);
  } else if (/^https?:\/\/[^/]+\/ipfs\//i.test(uri)) {
    check.warn(`${prefix}.gatewayUri`, `${field} is an IPFS gateway URL; marketplaces ask for ipfs://<CID>/… so the link outlives the gateway`);
  }
}

function checkOptionalString(check: FileCheck, meta: JsonObject, key: string, rule: string): string | undefined {
  const v = meta[key];
  if (v === undefined) return undefined;
  if (typeof v !== "string") {
    check.problem(rule, [key], `expected a string, found ${describeFound(v)}`);
    return undefined;
  }
  return v;
}

/**
 * The OpenSea rules for one metadata object (ERC-721 and, since OpenSea reads ERC-1155 JSON the same way, ERC-1155):
 * name, description, image or image_data, the URL fields and their schemes, background_color, attributes with
 * display types and the numeric values they need. `prefix` names the rules ("opensea", "erc1155").
 */
export function checkOpenSeaFields(check: FileCheck, meta: JsonObject, prefix: string): void {
  if (typeof meta.name !== "string") check.problem(`${prefix}.name`, ["name"], `expected a string (the item's name), found ${describeFound(meta.name)}`);
  checkOptionalString(check, meta, "description", `${prefix}.description`);

  const imageData = meta.image_data;
  if (meta.image === undefined && imageData === undefined) {
    check.problem(`${prefix}.image`, ["image"], "expected a string (the image URL; or raw SVG in image_data), found nothing");
  }
  const image = checkOptionalString(check, meta, "image", `${prefix}.image`);
  if (image !== undefined && checkScheme(check, `${prefix}.imageScheme`, ["image"], image, MEDIA_URI_SCHEMES, "a marketplace cannot fetch a bare file name")) {
    warnAboutUri(check, "image", image, prefix);
  }
  if (imageData !== undefined) {
    if (typeof imageData !== "string") check.problem(`${prefix}.imageData`, ["image_data"], `expected a string (raw SVG), found ${describeFound(imageData)}`);
    else if (meta.image !== undefined) check.problem(`${prefix}.imageData`, ["image_data"], "expected image_data only without image (OpenSea: use one or the other), found both");
  }

  const externalUrl = checkOptionalString(check, meta, "external_url", `${prefix}.externalUrl`);
  if (externalUrl !== undefined) checkScheme(check, `${prefix}.externalUrl`, ["external_url"], externalUrl, ["https", "http"], "a web page shown below the item");
  const animationUrl = checkOptionalString(check, meta, "animation_url", `${prefix}.animationUrl`);
  if (animationUrl !== undefined) checkScheme(check, `${prefix}.animationUrl`, ["animation_url"], animationUrl, MEDIA_URI_SCHEMES, "OpenSea fetches the media");
  const youtubeUrl = checkOptionalString(check, meta, "youtube_url", `${prefix}.youtubeUrl`);
  if (youtubeUrl !== undefined) checkScheme(check, `${prefix}.youtubeUrl`, ["youtube_url"], youtubeUrl, ["https"], "a YouTube video");

  const bg = meta.background_color;
  if (bg !== undefined && !(typeof bg === "string" && /^[0-9a-fA-F]{6}$/.test(bg))) {
    const hint = typeof bg === "string" && bg.startsWith("#") ? ` (drop the "#": "${bg.slice(1)}")` : "";
    check.problem(`${prefix}.backgroundColor`, ["background_color"], `expected six hex digits without "#", such as "1a2b3c", found ${describeFound(bg)}${hint}`);
  }

  const attributes = meta.attributes;
  if (attributes === undefined) return;
  if (!Array.isArray(attributes)) {
    check.problem(`${prefix}.attributes`, ["attributes"], `expected an array of {trait_type, value}, found ${describeFound(attributes)}`);
    return;
  }
  attributes.forEach((a: unknown, i) => checkOpenSeaAttribute(check, a, i, prefix));
}

function checkOpenSeaAttribute(check: FileCheck, a: unknown, i: number, prefix: string): void {
  const at = (key: string): Array<string | number> => ["attributes", i, key];
  if (!isObject(a)) {
    check.problem(`${prefix}.attribute`, ["attributes", i], `expected an object {trait_type, value}, found ${describeFound(a)}`);
    return;
  }
  if (a.trait_type !== undefined && typeof a.trait_type !== "string") {
    check.problem(`${prefix}.traitType`, at("trait_type"), `expected a string (the trait's name), found ${describeFound(a.trait_type)}`);
  }
  const value = a.value;
  if (typeof value !== "string" && typeof value !== "number") {
    check.problem(`${prefix}.value`, at("value"), `expected a string or a number, found ${describeFound(value)}`);
  }
  const displayType = a.display_type;
  if (displayType !== undefined) {
    if (typeof displayType !== "string" || !(OPENSEA_DISPLAY_TYPES as readonly string[]).includes(displayType)) {
      check.problem(`${prefix}.displayType`, at("display_type"), `expected one of ${OPENSEA_DISPLAY_TYPES.join(", ")} (OpenSea's display types), found ${describeFound(displayType)}`);
    } else if (typeof value === "string") {
      check.problem(`${prefix}.numericValue`, at("value"), `expected a number (display_type "${displayType}" shows numbers only), found ${describeFound(value)}`);
    } else if (displayType === "date" && typeof value === "number" && value > DATE_SECONDS_MAX) {
      check.problem(`${prefix}.date`, at("value"), `expected unix seconds (OpenSea's "date"), found ${value}, which is milliseconds (divide by 1000)`);
    }
  }
  const maxValue = a.max_value;
  if (maxValue !== undefined) {
    if (typeof maxValue !== "number") {
      check.problem(`${prefix}.maxValue`, at("max_value"), `expected a number (the ceiling of a numeric trait), found ${describeFound(maxValue)}`);
    } else if (typeof value !== "number") {
      if (typeof value === "string") check.problem(`${prefix}.maxValue`, at("max_value"), `expected max_value only on a numeric value, found it on ${describeFound(value)}`);
    } else if (value > maxValue) {
      check.problem(`${prefix}.maxValue`, at("value"), `expected at most max_value ${maxValue}, found ${value}`);
    }
  }
}

/** The collection file HashLips and Traitloom put next to the token files: not a token. */
export const ALL_METADATA_FILE = "_metadata.json";

/**
 * Checks a folder of ERC-721 / OpenSea metadata files (`<id>.json`, as a contract's `tokenURI` = baseURI + id +
 * ".json" finds them). Non-JSON files and `_metadata.json` are left alone.
 */
export async function validateOpenSeaDir(view: FolderView, dir: string, findings: Findings): Promise<number> {
  const names = (await fileNames(view, dir)).filter((n) => n.toLowerCase().endsWith(".json") && n !== ALL_METADATA_FILE);
  for (const name of names) {
    if (!/^(0|[1-9][0-9]*)\.json$/.test(name)) {
      findings.problem("opensea.fileName", name, undefined, 'expected a token id and ".json" such as "12.json" (the contract\'s tokenURI is baseURI + id + ".json"), found another name');
    }
  }
  await forEachJson(view, dir, names, findings, "opensea.json", (name, value) => {
    const check = new FileCheck(findings, name);
    if (!isObject(value)) {
      check.problem("opensea.json", [], `expected a JSON object, found ${describeFound(value)}`);
      return;
    }
    checkOpenSeaFields(check, value, "opensea");
  });
  return names.length;
}

/**
 * The option schemas of every target and `outputs` itself, apart from the writers: config.ts reads them, and the
 * writers import metadata.ts, which (through the planner) imports config.ts. Only zod, bs58, hashes and bytes here.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import bs58 from "bs58";
import { z } from "zod";
import { utf8Length } from "./bytes.js";
import type { TargetName } from "./types.js";

/** `outputs.erc721`: no options; the files are today's. */
export const erc721OptionsSchema = z.strictObject({});
export type Erc721Options = z.infer<typeof erc721OptionsSchema>;

export const erc1155OptionsSchema = z.strictObject({
  dir: z.string().optional().describe('Folder in the collection for metadata/ and images/ named by hex id. Default "erc1155".'),
  imageBaseUri: z
    .string()
    .min(1)
    .optional()
    .describe("Where the hex-named images (<dir>/images/) are uploaded: image URLs are <imageBaseUri>/<64 hex>.<ext>. Default baseUri."),
  metadataUri: z
    .string()
    .min(1)
    .optional()
    .describe('Where <dir>/metadata/ is uploaded: the contract\'s uri is "<metadataUri>/{id}.json". Default ipfs://REPLACE_WITH_METADATA_CID.'),
});
export type Erc1155Options = z.infer<typeof erc1155OptionsSchema>;

/** Token Metadata's MAX_NAME_LENGTH, in bytes (Sugar checks Rust `str::len()`). */
export const SOLANA_NAME_MAX_BYTES = 32;
/** Token Metadata's MAX_SYMBOL_LENGTH, in bytes. */
export const SOLANA_SYMBOL_MAX_BYTES = 10;
/** Token Metadata's MAX_URI_LENGTH, in bytes: Sugar's check_url for image, animation_url and external_url. */
export const SOLANA_URI_MAX_BYTES = 200;
/** Token Metadata's MAX_CREATOR_LIMIT. */
export const SOLANA_MAX_CREATORS = 5;
/** Sugar's VALID_CATEGORIES (constants.rs). */
export const SOLANA_CATEGORIES = ["image", "video", "audio", "vr", "html"] as const;

/** A Solana public key as Sugar's `Pubkey::from_str` takes it: base58 of exactly 32 bytes. */
export function isSolanaAddress(text: string): boolean {
  if (text.length === 0 || text.length > 44) return false;
  const bytes = bs58.decodeUnsafe(text);
  return bytes !== undefined && bytes.length === 32;
}

const creatorSchema = z.strictObject({
  address: z.string().refine(isSolanaAddress, { error: "expected a Solana address (base58 of 32 bytes)" }),
  share: z.number().int().min(0).max(100).describe("Percent of the royalties; the shares add up to 100."),
});

export const solanaOptionsSchema = z.strictObject({
  dir: z.string().optional().describe('Folder of the Sugar assets in the collection. Default "solana/assets".'),
  symbol: z
    .string()
    .refine((s) => utf8Length(s) <= SOLANA_SYMBOL_MAX_BYTES, { error: `expected at most ${SOLANA_SYMBOL_MAX_BYTES} bytes (Metaplex symbol limit)` })
    .optional()
    .describe("Token symbol, at most 10 bytes."),
  sellerFeeBasisPoints: z.number().int().min(0).max(10000).optional().describe("Royalties in basis points: 500 = 5%. At most 10000."),
  creators: z
    .array(creatorSchema)
    .refine((cs) => cs.length >= 1 && cs.length <= SOLANA_MAX_CREATORS, { error: `expected 1 to ${SOLANA_MAX_CREATORS} creators (Metaplex limit)` })
    .refine((cs) => cs.reduce((a, c) => a + c.share, 0) === 100, { error: "expected creators' shares adding up to 100" })
    .optional()
    .describe("Creators written to properties.creators: base58 addresses and shares adding up to 100, at most 5."),
  collection: z
    .strictObject({
      name: z
        .string()
        .min(1)
        .refine((s) => utf8Length(s) <= SOLANA_NAME_MAX_BYTES, { error: `expected at most ${SOLANA_NAME_MAX_BYTES} bytes (Metaplex name limit)` }),
      image: z
        .string()
        .regex(/\.(png|jpe?g|gif)$/i, { error: "expected a .png, .jpg, .jpeg or .gif file (the formats Sugar takes)" })
        .describe("The collection's image, relative to the config file; copied in as collection.<ext>."),
      description: z.string().optional().describe("Default: the collection's description."),
      family: z.string().optional().describe("Written to every token as collection: {name, family}."),
    })
    .optional()
    .describe("Writes collection.json + collection.<ext>, so Sugar sets the Candy Machine's collection."),
});
export type SolanaOptions = z.infer<typeof solanaOptionsSchema>;

export const cardanoOptionsSchema = z.strictObject({
  dir: z.string().optional().describe('Folder of the per-token CIP-25 files in the collection. Default "cardano".'),
  policyId: z
    .string()
    .regex(/^[0-9a-f]{56}$/, { error: "expected the minting policy id: 56 lower-case hex digits" })
    .describe("The minting policy id (hex of the 28-byte script hash)."),
  assetName: z
    .string()
    .min(1)
    .optional()
    .describe('Each token\'s asset name, "{id}" replaced by its id; at most 32 bytes. Default: namePrefix without spaces or signs, then the id ("Loom12").'),
  files: z.boolean().optional().describe("Also list the image in files[] {name, mediaType, src}. Default false."),
});
export type CardanoOptions = z.infer<typeof cardanoOptionsSchema>;

/** Base58check prefixes of Tezos addresses: implicit accounts tz1–tz4 and contracts KT1 (20-byte hashes). */
const TEZOS_ADDRESS_PREFIXES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ["tz1", [6, 161, 159]],
  ["tz2", [6, 161, 161]],
  ["tz3", [6, 161, 164]],
  ["tz4", [6, 161, 166]],
  ["KT1", [2, 90, 121]],
];

/** A tz1/tz2/tz3/tz4/KT1 address with a good base58check checksum. */
export function isTezosAddress(text: string): boolean {
  const prefix = TEZOS_ADDRESS_PREFIXES.find(([p]) => text.startsWith(p));
  if (!prefix) return false;
  const bytes = bs58.decodeUnsafe(text);
  if (!bytes || bytes.length !== 27) return false;
  const payload = bytes.subarray(0, 23);
  const checksum = sha256(sha256(payload)).subarray(0, 4);
  return prefix[1].every((b, i) => payload[i] === b) && checksum.every((b, i) => bytes[23 + i] === b);
}

const uniqueStrings = (what: string) =>
  z
    .array(z.string().min(1))
    .refine((xs) => new Set(xs).size === xs.length, { error: `expected each ${what} once (TZIP-21: unique items)` });

export const tezosOptionsSchema = z.strictObject({
  dir: z.string().optional().describe('Folder of the per-token TZIP-21 files in the collection. Default "tezos".'),
  symbol: z.string().min(1).optional().describe("TZIP-12 symbol of the tokens."),
  minter: z
    .string()
    .refine(isTezosAddress, { error: "expected a Tezos address (tz1…, tz2…, tz3…, tz4… or KT1…)" })
    .optional()
    .describe("The address that mints the tokens."),
  creators: uniqueStrings("creator").optional().describe("Creators (addresses or names). Default none."),
  rights: z.string().optional().describe('A rights statement, such as "© 2026 Studio, all rights reserved".'),
  tags: uniqueStrings("tag").optional(),
  displayBaseUri: z.string().min(1).optional().describe("Where display-size copies <id>.<ext> are uploaded. Default: the image itself."),
  thumbnailBaseUri: z.string().min(1).optional().describe("Where thumbnails (TZIP-21 suggests at most 350x350) <id>.<ext> are uploaded. Default: the image itself."),
});
export type TezosOptions = z.infer<typeof tezosOptionsSchema>;

/**
 * `outputs` in traitloom.json: which targets to write, each with its options. Without `outputs` a collection gets
 * `erc721` alone, as before targets existed; with it, exactly the targets listed.
 *
 * @example { "erc721": {}, "solana": { "symbol": "LOOM", "sellerFeeBasisPoints": 500, "creators": [{ "address": "…", "share": 100 }] } }
 */
export const outputsSchema = z.strictObject({
  erc721: erc721OptionsSchema.optional().describe("ERC-721 / OpenSea metadata, metadata/<id>.json (the default)."),
  erc1155: erc1155OptionsSchema.optional().describe("ERC-1155 metadata named by the id in 64 lower-case hex digits."),
  solana: solanaOptionsSchema.optional().describe("A Sugar / Candy Machine assets folder, 0.json + 0.png … numbered from 0."),
  cardano: cardanoOptionsSchema.optional().describe("Cardano CIP-25 metadata (label 721) per token."),
  tezos: tezosOptionsSchema.optional().describe("Tezos TZIP-21 metadata per token."),
});
export type OutputsConfig = z.infer<typeof outputsSchema>;

export const TARGET_NAMES: readonly TargetName[] = ["erc721", "erc1155", "solana", "cardano", "tezos"];

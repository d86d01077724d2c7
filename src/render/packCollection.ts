/**
 * The rules of packing a finished collection for IPFS that `traitloom pack` (src/node/pack.ts, streaming from disk)
 * and the studio (src/browser/packArchive.ts, from the run's archive) share: which files go into each CAR and under
 * which names, how each is checked against the manifest, how the metadata's `image` is rewritten to point into the
 * images' root, and cids.json. The CIDs and CARs themselves are src/render/ipfs.ts's.
 */
import { TraitloomError } from "../core/errors.js";
import { sha256Hex } from "../core/hash.js";
import { TOOL_NAME, TOOL_VERSION } from "../core/output.js";
import { imageExtensionOf } from "../core/settings.js";
import type { StoredManifest } from "../core/stored.js";
import { ipfsUri, withImageUri, type IpfsProfile, type PackedFile, type PackResult } from "./ipfs.js";

function badArgument(message: string): TraitloomError {
  return new TraitloomError("BAD_ARGUMENT", message);
}

/** One token's files in the pack: its image in images.car, its metadata (rewritten) in metadata.car. */
export interface PackToken {
  id: number;
  /** The name inside the images' root: "<id>.<ext>". */
  image: string;
  /** Where the image is in the collection: "images/<id>.<ext>". */
  imagePath: string;
  /** The name inside the metadata root: "<id>.json". */
  metadata: string;
  /** Where the metadata is in the collection: "metadata/<id>.json". */
  metadataPath: string;
  /** sha256 of the image, as the manifest records it. */
  imageSha256: string;
  /** sha256 of the metadata file, where the manifest records it (0.2.0 on). */
  metadataSha256: string | undefined;
}

/** The tokens of a manifest as the pack takes them, in manifest order (the order of both CARs' files). */
export function packTokens(manifest: StoredManifest): PackToken[] {
  const ext = imageExtensionOf(manifest.format);
  return manifest.tokens.map((t) => {
    const recorded = (t as { metadata?: unknown }).metadata;
    return {
      id: t.id,
      image: `${t.id}.${ext}`,
      imagePath: `images/${t.id}.${ext}`,
      metadata: `${t.id}.json`,
      metadataPath: `metadata/${t.id}.json`,
      imageSha256: t.image,
      metadataSha256: typeof recorded === "string" ? recorded : undefined,
    };
  });
}

/** The whole collection or a refusal naming `path`: a shard is packed once merged. */
export function checkPackable(manifest: StoredManifest, path: string): void {
  if (manifest.shard) {
    const { index, of } = manifest.shard;
    throw badArgument(`${path}: expected a whole collection, found shard ${index}/${of} of one; pack the folder traitloom merge makes of all ${of} shards`);
  }
}

/** The refusal of an image that is not there. */
export function missingImage(shown: string, found = "nothing there"): TraitloomError {
  return badArgument(`${shown}: expected the token's image the manifest records, found ${found}`);
}

/** The refusal of an image whose bytes are not the ones the manifest records. */
export function otherImage(shown: string, recorded: string, have: string): TraitloomError {
  return badArgument(`${shown}: expected the image the manifest records (sha256 ${recorded.slice(0, 16)}…), found other bytes (sha256 ${have.slice(0, 16)}…); run traitloom generate on the folder again to repair it`);
}

/** The refusal of metadata that is not there. */
export function missingMetadata(shown: string, found = "nothing there"): TraitloomError {
  return badArgument(`${shown}: expected the token's metadata, found ${found}`);
}

/**
 * A token's metadata as it goes into metadata.car: checked against the sha256 the manifest records (what goes up is
 * what generate or update wrote), then its `image` set to `ipfs://<images root>/<id>.<ext>`, nothing else changed.
 */
export function packedMetadata(raw: Uint8Array, token: PackToken, imagesRoot: string): Uint8Array {
  if (token.metadataSha256 !== undefined) {
    const have = sha256Hex(raw);
    if (have !== token.metadataSha256) {
      throw badArgument(`${token.metadataPath}: expected the metadata the manifest records (sha256 ${token.metadataSha256.slice(0, 16)}…), found other bytes (sha256 ${have.slice(0, 16)}…); run traitloom generate on the folder again to repair it`);
    }
  }
  return new TextEncoder().encode(withImageUri(new TextDecoder().decode(raw), ipfsUri(imagesRoot, token.image), token.metadataPath));
}

/** cids.json, a line per file, so 100,000 tokens never make one giant string. */
export function* cidsJsonChunks(profile: IpfsProfile, images: PackResult, metadata: PackResult, imageBaseUri: string, baseUri: string): Generator<string> {
  const head = { tool: TOOL_NAME, version: TOOL_VERSION, profile, imageBaseUri, baseUri };
  yield `${JSON.stringify(head, null, 2).slice(0, -2)},\n`;
  const folder = function* (key: string, car: string, r: PackResult, last: boolean): Generator<string> {
    yield `  "${key}": {\n    "root": "${r.root}",\n    "car": "${car}",\n    "files": [\n`;
    let first = true;
    for (const f of r.files) {
      yield `${first ? "" : ",\n"}      ${JSON.stringify({ path: f.path, cid: f.cid, bytes: f.bytes } satisfies PackedFile)}`;
      first = false;
    }
    yield `\n    ]\n  }${last ? "" : ","}\n`;
  };
  yield* folder("images", "images.car", images, false);
  yield* folder("metadata", "metadata.car", metadata, true);
  yield "}\n";
}

import { tokenMetadata, type TokenMetadata } from "../metadata.js";
import { imageExtensionOf, type CollectionSettings, type ImageFormat } from "../settings.js";
import type { TargetToken } from "./types.js";

/** The MIME type of an image file Traitloom writes. */
export function imageMimeType(format: ImageFormat): string {
  return `image/${format}`;
}

/** One attribute as the ERC-721 metadata holds it (layer traits, then `extraAttributes`). */
export interface BaseAttribute {
  trait_type: string;
  value: string | number;
  display_type?: string;
}

/**
 * The ERC-721 metadata of a token, which every other target is made from: the same name, description, traits
 * (without "None" traits) and extra attributes in every target, however each spells them.
 */
export function baseMetadata(input: TargetToken, settings: CollectionSettings): { meta: TokenMetadata; attributes: BaseAttribute[]; name: string } {
  const meta = tokenMetadata(input.token, settings);
  return { meta, attributes: meta.attributes as BaseAttribute[], name: String(meta.name) };
}

/** `<baseUri>/<file>` without a doubled slash. */
export function joinUri(base: string, file: string): string {
  return `${base.replace(/\/+$/, "")}/${file}`;
}

export function extensionOf(settings: CollectionSettings): string {
  return imageExtensionOf(settings.format);
}

/** `{ "dir": "x/" }` and `"x"` are the same folder; "" stays the collection's root. */
export function cleanDir(dir: string): string {
  return dir.replace(/^\.\/+/, "").replace(/\/+$/, "");
}

export function inDir(dir: string, name: string): string {
  return dir === "" ? name : `${dir}/${name}`;
}

/**
 * sha256 of an image for the manifest: the browser's native digest where the page is a secure context
 * (https or localhost), else core's pure-JS sha256, which gives the same hex.
 */
import { sha256Hex } from "../core/hash.js";

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export async function sha256HexOf(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return sha256Hex(bytes);
  const digest = new Uint8Array(await subtle.digest("SHA-256", bytes));
  let s = "";
  for (const b of digest) s += HEX[b];
  return s;
}

/**
 * A trait file to straight-alpha RGBA pixels at its place on the canvas: decoded once with createImageBitmap
 * (scaled there where its size differs: stretched over the canvas, or fitted keeping aspect and centred), drawn
 * once on a scratch canvas and read back once.
 */
import type { RenderInit, TraitSource } from "./protocol.js";

/** Where a trait of another size goes on the canvas. */
export function placement(src: { width: number; height: number }, r: Pick<RenderInit, "width" | "height" | "resize">): { x: number; y: number; width: number; height: number } {
  if (src.width === r.width && src.height === r.height) return { x: 0, y: 0, width: r.width, height: r.height };
  if (r.resize === "stretch") return { x: 0, y: 0, width: r.width, height: r.height };
  const scale = Math.min(r.width / src.width, r.height / src.height);
  const width = Math.max(1, Math.round(src.width * scale));
  const height = Math.max(1, Math.round(src.height * scale));
  return { x: Math.floor((r.width - width) / 2), y: Math.floor((r.height - height) / 2), width, height };
}

/** Decodes a trait to an ImageBitmap at its drawn size, with where it goes. */
export async function decodeBitmap(src: TraitSource, r: Pick<RenderInit, "width" | "height" | "resize">): Promise<{ bitmap: ImageBitmap; x: number; y: number }> {
  const at = placement(src, r);
  const options: ImageBitmapOptions = { colorSpaceConversion: "none", premultiplyAlpha: "default" };
  // Scaling once at decode keeps every drawImage a 1:1 copy.
  if (at.width !== src.width || at.height !== src.height) Object.assign(options, { resizeWidth: at.width, resizeHeight: at.height, resizeQuality: "high" });
  return { bitmap: await createImageBitmap(src.file, options), x: at.x, y: at.y };
}

/** The trait as a full-canvas straight-alpha RGBA buffer. */
export async function decodeTrait(src: TraitSource, r: Pick<RenderInit, "width" | "height" | "resize">): Promise<Uint8Array> {
  const placed = await decodeBitmap(src, r);
  const scratch = new OffscreenCanvas(r.width, r.height);
  const g = scratch.getContext("2d", { willReadFrequently: true });
  if (!g) throw new Error("render: OffscreenCanvas has no 2d context in this browser");
  g.drawImage(placed.bitmap, placed.x + (src.x ?? 0), placed.y + (src.y ?? 0));
  placed.bitmap.close();
  const rgba = g.getImageData(0, 0, r.width, r.height).data;
  return new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length);
}

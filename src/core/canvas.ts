import { TraitloomError } from "./errors.js";

export interface ImageSize {
  /** Path as shown in messages. */
  file: string;
  width: number;
  height: number;
}

export type ResizeMode = "error" | "fit" | "stretch";

/**
 * Largest canvas side, as the config's width and height allow and merge reads back from a manifest: a
 * 16384x16384 token is already 1 GiB of RGBA per render worker.
 */
export const MAX_CANVAS_SIDE = 16384;

/**
 * The canvas every token is drawn on: the config's width/height, else the most common trait size (ties: the
 * larger area, then the first listed). With resize "error" a trait of another size is an error naming the
 * file and both sizes; "fit" and "stretch" let the backend scale it.
 */
export function chooseCanvasSize(
  sizes: readonly ImageSize[],
  config: { width?: number | undefined; height?: number | undefined; resize?: ResizeMode | undefined },
): { width: number; height: number } {
  const tally = new Map<string, { width: number; height: number; n: number; first: number }>();
  sizes.forEach((s, i) => {
    const key = `${s.width}x${s.height}`;
    const entry = tally.get(key);
    if (entry) entry.n++;
    else tally.set(key, { width: s.width, height: s.height, n: 1, first: i });
  });
  const common = [...tally.values()].sort((a, b) => b.n - a.n || b.width * b.height - a.width * a.height || a.first - b.first)[0];
  const width = config.width ?? common?.width;
  const height = config.height ?? common?.height;
  if (width === undefined || height === undefined) throw new TraitloomError("LAYER_EMPTY", "traits: expected trait images to take the canvas size from, found none");
  if ((config.resize ?? "error") === "error") {
    const odd = sizes.find((s) => s.width !== width || s.height !== height);
    if (odd) {
      const why = config.width !== undefined || config.height !== undefined ? "the config's width/height" : "the most common trait size";
      throw new TraitloomError(
        "SIZE_MISMATCH",
        `${odd.file}: expected ${width}x${height} (${why}), found ${odd.width}x${odd.height}; set "resize": "fit" or "stretch" in traitloom.json to scale it`,
      );
    }
  }
  return { width, height };
}

/**
 * Refuses a canvas past MAX_CANVAS_SIDE, which merge would refuse to read back from the manifest: one line
 * naming the trait file that set the size. Only the traits can set such a canvas (the config's width and height
 * are bounded by its schema), so this runs once the traits' sizes are known, before any is decoded.
 */
export function checkCanvasLimit(canvas: { width: number; height: number }, sizes: readonly ImageSize[]): void {
  const { width, height } = canvas;
  if (width <= MAX_CANVAS_SIDE && height <= MAX_CANVAS_SIDE) return;
  const from = sizes.find((s) => s.width === width && s.height === height) ?? sizes.find((s) => s.width > MAX_CANVAS_SIDE || s.height > MAX_CANVAS_SIDE);
  throw new TraitloomError(
    "SIZE_MISMATCH",
    `${from?.file ?? "traits"}: expected a canvas of at most ${MAX_CANVAS_SIDE}x${MAX_CANVAS_SIDE} (the most common trait size sets it), found ${width}x${height}; draw the traits smaller, or set "width" and "height" in traitloom.json with "resize": "fit"`,
  );
}

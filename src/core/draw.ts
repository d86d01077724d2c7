/**
 * What a token draws, in order: every part of every layer's trait (its variant art where the layer has
 * `variantOf`), sorted by one key for every dialect: (z, layer index, part index). The renderer sees only
 * "drawables" — an image with its blend mode, opacity and offset — and a token's list of them, so both backends
 * composite exactly what core decided.
 */
import type { BlendMode, PartSpec } from "./model.js";

/** One thing a renderer draws: an image file with how it is drawn. */
export interface Drawable {
  /** Path relative to the layers folder. */
  file: string;
  blend: BlendMode;
  opacity: number;
  x: number;
  y: number;
}

/** What the draw table needs of a layer. */
export interface DrawLayer {
  /** Per trait (DNA index): the parts it draws by default. */
  parts: ReadonlyArray<readonly PartSpec[]>;
  /** Per trait: variant art by the name of the trait the `variantOf` layer drew. */
  variants?: ReadonlyArray<Readonly<Record<string, readonly PartSpec[]>> | undefined>;
  /** The layer (index) whose drawn trait picks the variant, and that layer's trait names by index. */
  variantOf?: { layer: number; traitNames: readonly string[] } | undefined;
}

interface Step {
  drawable: number;
  z: number;
  layer: number;
  part: number;
}

/**
 * Every distinct drawable of a layer set, and for each token its draw list. Drawables are numbered in first-seen
 * order (layer by layer, trait by trait, part by part, variants after), so a flat HashLips layer set numbers them
 * exactly as its traits: layer 0's traits first, then layer 1's.
 */
export class DrawTable {
  readonly drawables: Drawable[] = [];
  private readonly ids = new Map<string, number>();
  /** steps[layer][trait]: default steps; variantSteps[layer][trait][variant name]. */
  private readonly steps: Step[][][] = [];
  private readonly variantSteps: Array<Array<Map<string, Step[]> | undefined>> = [];

  constructor(private readonly layers: readonly DrawLayer[]) {
    layers.forEach((layer, l) => {
      this.steps.push(layer.parts.map((parts) => parts.map((p, k) => this.step(p, l, k))));
      this.variantSteps.push(
        layer.parts.map((_, t) => {
          const variants = layer.variants?.[t];
          if (!variants) return undefined;
          return new Map(Object.entries(variants).map(([name, parts]) => [name, parts.map((p, k) => this.step(p, l, k))]));
        }),
      );
    });
  }

  private step(part: PartSpec, layer: number, index: number): Step {
    const key = JSON.stringify([part.file, part.blend, part.opacity, part.x, part.y]);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.drawables.length;
      this.drawables.push({ file: part.file, blend: part.blend, opacity: part.opacity, x: part.x, y: part.y });
      this.ids.set(key, id);
    }
    return { drawable: id, z: part.z, layer, part: index };
  }

  /** The drawables a token with `traits` (trait index per layer) draws, bottom first. */
  drawList(traits: readonly number[]): number[] {
    const steps: Step[] = [];
    this.layers.forEach((layer, l) => {
      const t = traits[l] ?? 0;
      let chosen = this.steps[l]?.[t] ?? [];
      const variantOf = layer.variantOf;
      if (variantOf) {
        const parent = variantOf.traitNames[traits[variantOf.layer] ?? 0];
        const variant = parent === undefined ? undefined : this.variantSteps[l]?.[t]?.get(parent);
        if (variant) chosen = variant;
      }
      steps.push(...chosen);
    });
    // Array.prototype.sort is stable: equal keys keep layer and part order.
    steps.sort((a, b) => a.z - b.z || a.layer - b.layer || a.part - b.part);
    return steps.map((s) => s.drawable);
  }
}

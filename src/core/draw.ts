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

/** One decoded image a renderer keeps: a part file at an offset (the same file at two offsets is two images). */
export interface RenderImage {
  /** Path relative to the layers folder. */
  file: string;
  x: number;
  y: number;
}

/** A drawable as a renderer draws it: which image, with which blend mode and opacity. */
export interface RenderStep {
  /** Index in RenderPlan.images. */
  image: number;
  blend: BlendMode;
  opacity: number;
}

/**
 * How a layer set that is not flat is drawn: one image per distinct part file (and offset), the drawables made of
 * them, and each token's draw list (drawable indices, bottom first) from its traits.
 */
export interface RenderPlan {
  images: RenderImage[];
  steps: RenderStep[];
  drawList(traits: readonly number[]): number[];
}

/** What a render plan needs of a layer set (layers.ts's LayerSet has it). */
interface PlanLayer {
  index: number;
  variantOf?: number | undefined;
  traits: ReadonlyArray<{ name: string; file: string; parts?: readonly PartSpec[] | undefined; variants?: Readonly<Record<string, readonly PartSpec[]>> | undefined }>;
}

const plans = new WeakMap<readonly PlanLayer[], RenderPlan | null>();

/**
 * The render plan of a layer set, or undefined where every trait is one file of its layer drawn plainly in layer
 * order (today's flat HashLips and nftool folders): those render as they always have, one trait per layer. A
 * trait without parts of its own (a flat layer in a set with trees) is its file at z 10 × layer index, Traitloom's
 * default. Made once per layer list.
 *
 * @example
 * const plan = renderPlanOf(layerSet); // nftchef's sample: 19 images, Purple Glasses' back part at z -10
 * plan?.drawList([0, 0, 1, 0, 2, 1, 3, 0]).map((d) => plan.images[plan.steps[d]!.image]!.file);
 */
export function renderPlanOf(layerSet: { layers: readonly PlanLayer[] }): RenderPlan | undefined {
  const layers = layerSet.layers;
  const known = plans.get(layers);
  if (known !== undefined) return known ?? undefined;
  let plan: RenderPlan | null = null;
  if (layers.some((l) => l.traits.some((t) => t.parts !== undefined))) {
    const drawLayers: DrawLayer[] = layers.map((l) => {
      const parts = l.traits.map((t) => t.parts ?? [{ file: t.file, z: 10 * l.index, blend: "source-over", opacity: 1, x: 0, y: 0 } satisfies PartSpec]);
      const parent = l.variantOf === undefined ? undefined : layers[l.variantOf];
      if (!parent) return { parts };
      return { parts, variants: l.traits.map((t) => t.variants), variantOf: { layer: l.variantOf as number, traitNames: parent.traits.map((t) => t.name) } };
    });
    const table = new DrawTable(drawLayers);
    const images: RenderImage[] = [];
    const imageIds = new Map<string, number>();
    const steps = table.drawables.map((d) => {
      const key = JSON.stringify([d.file, d.x, d.y]);
      let image = imageIds.get(key);
      if (image === undefined) {
        image = images.push({ file: d.file, x: d.x, y: d.y }) - 1;
        imageIds.set(key, image);
      }
      return { image, blend: d.blend, opacity: d.opacity };
    });
    plan = { images, steps, drawList: (traits) => table.drawList(traits) };
  }
  plans.set(layers, plan);
  return plan ?? undefined;
}

/**
 * The image files a renderer decodes, in the rows its trait pack and sources use: per layer its traits' files
 * (a flat set: [layer][trait], as always), or one row of the render plan's images.
 */
export function renderImagesOf(layerSet: { layers: readonly PlanLayer[] }): RenderImage[][] {
  const plan = renderPlanOf(layerSet);
  if (plan) return [plan.images];
  return layerSet.layers.map((l) => l.traits.map((t) => ({ file: t.file, x: 0, y: 0 })));
}

/**
 * sha256 per trait ([layer][trait]) for the input hash, from each file's: a flat trait's is its file's (as
 * always), a trait of parts hashes the hashes of every file it may draw, variants included, in order.
 */
export function traitFileHashes(
  layerSet: { layers: readonly PlanLayer[] },
  fileHash: (file: string) => string,
  combine: (text: string) => string,
): string[][] {
  return layerSet.layers.map((l) =>
    l.traits.map((t) => {
      if (!t.parts) return fileHash(t.file);
      const own = t.parts.map((p) => fileHash(p.file));
      const variants = Object.entries(t.variants ?? {}).map(([k, parts]) => [k, parts.map((p) => fileHash(p.file))]);
      return combine(JSON.stringify([own, variants]));
    }),
  );
}

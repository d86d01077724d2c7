/**
 * Writes test/fixtures/nftchef-mini and test/fixtures/datlips-mini: small folders with the structure of the shared
 * nftchef and datlips samples (FIELD.md §3) for the trait model's generate tests — nested weighted folders,
 * multi-part traits in byte order, a z-10 part under a semi-transparent background, a 0-byte NONE, two pairs of
 * identical images and a trailing space (nftchef); named weights, a Variant first layer with colour folders (one
 * trait with two colours missing, one with none), a z prefix, sub-trait parts, an excluded layer, colour art of
 * another size stretched to the canvas, and a second layer configuration (datlips). Every part is a rectangle of
 * its own colour, partly transparent and overlapping the others, so a wrong draw order shows in the pixels.
 * Run `npx tsx scripts/make-model-fixtures.ts`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";

const ROOT = fileURLToPath(new URL("../test/fixtures/", import.meta.url));
const S = 24;

let hue = 0;
/** A rectangle [x0, y0, x1, y1) of a new colour at `alpha` on a transparent S×S canvas (or w×h, scaled). */
async function rect(path: string, box: [number, number, number, number], alpha = 200, size: [number, number] = [S, S]): Promise<void> {
  const [w, h] = size;
  const data = Buffer.alloc(w * h * 4);
  hue = (hue + 67) % 360;
  const f = (n: number): number => {
    const k = (n + hue / 60) % 6;
    return Math.round(255 * (1 - Math.max(0, Math.min(k, 4 - k, 1))));
  };
  const [r, g, b] = [f(5), f(3), f(1)];
  const sx = w / S;
  const sy = h / S;
  for (let y = Math.floor(box[1] * sy); y < Math.floor(box[3] * sy); y++)
    for (let x = Math.floor(box[0] * sx); x < Math.floor(box[2] * sx); x++) data.set([r, g, b, alpha], (y * w + x) * 4);
  mkdirSync(dirname(path), { recursive: true });
  await sharp(data, { raw: { width: w, height: h, channels: 4 } }).png().toFile(path);
}

function empty(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, "");
}

async function nftchef(): Promise<void> {
  const dir = join(ROOT, "nftchef-mini/layers");
  rmSync(join(ROOT, "nftchef-mini"), { recursive: true, force: true });
  const p = (rel: string): string => join(dir, rel);
  await rect(p("Background/coulds#5.png"), [0, 0, 24, 24], 120);
  await rect(p("Background/stars#5.png"), [0, 0, 24, 24], 90);
  await rect(p("Back Accessory/Backpack#50/1backpack-lines.png"), [2, 2, 12, 12]);
  await rect(p("Back Accessory/Backpack#50/backpack-FILL.png"), [6, 6, 16, 16]);
  await rect(p("Back Accessory/rockets#40.png"), [2, 2, 10, 20]);
  await rect(p("Head/faceA#3.png"), [4, 4, 20, 20], 180);
  await sharp(p("Head/faceA#3.png")).toFile(p("Head/faceB#3.png"));
  await rect(p("Clothes/Shirt three#44/3shadow.png"), [0, 14, 18, 24]);
  await rect(p("Clothes/Shirt three#44/shirt-FILL.png"), [6, 16, 24, 24]);
  await rect(p("Clothes/floral#30.png"), [0, 16, 24, 24]);
  await rect(p("Clothes/shirt one #3.png"), [2, 15, 22, 24]);
  await sharp(p("Clothes/shirt one #3.png")).toFile(p("Clothes/shirt two#3.png"));
  await rect(p("Eyes/z1,eye#50/happy#50/eye2.png"), [6, 6, 18, 10]);
  await rect(p("Eyes/z1,eye#50/normal#50/eye1.png"), [6, 7, 18, 11]);
  await rect(p("Eyes/z1,star eyes#30.png"), [5, 5, 19, 11]);
  empty(p("Accessory/NONE#100.png"));
  await rect(p("Accessory/Purple Glasses#25/Glasses front.png"), [4, 6, 20, 12]);
  await rect(p("Accessory/Purple Glasses#25/z-10,Glasses back.png"), [0, 4, 24, 14], 230);
  await rect(p("Accessory/Helmet#10/Helmet.png"), [3, 0, 21, 9]);
}

async function datlips(): Promise<void> {
  const dir = join(ROOT, "datlips-mini/layers");
  rmSync(dir, { recursive: true, force: true });
  const p = (rel: string): string => join(dir, rel);
  const big: [number, number] = [58, 44];
  await rect(p("Variant/Blue#Rare.png"), [0, 0, 1, 1], 2);
  await rect(p("Variant/Red#Common.png"), [1, 0, 2, 1], 2);
  await rect(p("Arms/BetaArms#Common.png"), [0, 8, 24, 12]);
  await rect(p("Arms/LureArms#Rare.png"), [0, 9, 24, 13]);
  await rect(p("Arms/LobsterClaws#Epic.png"), [0, 10, 24, 14]);
  await rect(p("Arms/Blue/BetaArms.png"), [0, 8, 24, 12], 200, big);
  await rect(p("Arms/Red/BetaArms.png"), [0, 8, 24, 12], 200, big);
  await rect(p("Arms/Red/LobsterClaws.png"), [0, 10, 24, 14], 200, big);
  await rect(p("Body/Smooth#Common.png"), [4, 4, 20, 22]);
  await rect(p("Body/Scales#Uncommon.png"), [5, 4, 19, 22]);
  await rect(p("Eyes/BaseEyes#Common.png"), [6, 5, 18, 9]);
  await rect(p("Eyes/AnglerEyes#Rare.png"), [6, 5, 18, 9]);
  await rect(p("Eyes/AnglerEyes/Shadow.png"), [4, 3, 20, 11], 255);
  await rect(p("Eyes/AnglerEyes/Light.png"), [10, 0, 14, 4]);
  await rect(p("Head/FishHead#Common.png"), [6, 0, 18, 6]);
  await rect(p("Head/Blue/FishHead.png"), [6, 0, 18, 6], 200, big);
  await rect(p("Head/Red/FishHead.png"), [6, 0, 18, 6], 200, big);
  await rect(p("Legs/BetaLegs#Common.png"), [4, 18, 20, 24]);
  await rect(p("Legs/z25$TentacleLegs#Legendary.png"), [2, 14, 22, 24]);
  await rect(p("SkeletalArms/BoneArms#Common.png"), [0, 8, 24, 12]);
  await rect(p("SkeletalArms/z15$SkeletalTentacleArms#Rare.png"), [0, 6, 24, 16]);
  await rect(p("SkeletalArms/Blue/BoneArms.png"), [0, 8, 24, 12]);
  await rect(p("SkeletalBody/Skeleton#Common.png"), [4, 4, 20, 22]);
  await rect(p("SkeletalBody/Bones#Uncommon.png"), [5, 3, 19, 21]);
  await rect(p("SkeletalAccessories/None#Common.png"), [0, 0, 0, 0], 0, big);
  await rect(p("SkeletalAccessories/Seaweed#Rare.png"), [8, 10, 16, 24]);
  await rect(p("SkeletalAccessories/Seaweed/Behind.png"), [6, 8, 18, 24]);
  await rect(p("SkeletalAccessories/Seaweed/Light.png"), [10, 6, 14, 20]);
}

await nftchef();
await datlips();

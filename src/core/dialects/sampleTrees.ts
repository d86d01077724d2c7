/**
 * The structure of the four engines' sample layer folders (HashLips v1.1.1, nftchef v2.2.0, datlips v1.4.0,
 * nftool), written out by hand as ListedDir trees (names and sizes; FIELD.md §3), plus a small HashLips v2 tree:
 * what the dialect tests read, and what a studio demo can show without shipping the images.
 */
import type { ListedDir } from "../model.js";

type Entry = string | { name: string; size: number } | ListedDir;

/** A folder of files (names; size 100 unless given) and folders. */
export function dir(name: string, ...entries: Entry[]): ListedDir {
  const out: ListedDir = { name, files: [], dirs: [] };
  for (const e of entries) {
    if (typeof e === "string") out.files.push({ name: e, size: 100 });
    else if ("dirs" in e) out.dirs.push(e);
    else out.files.push(e);
  }
  return out;
}

/** A 0-byte file (nftchef's `NONE#100.png`). */
export function emptyFile(name: string): { name: string; size: number } {
  return { name, size: 0 };
}

/** HashLips v1.1.1's sample: eight flat folders; Goo is not in its default order. */
export function hashlipsSample(): ListedDir {
  return dir(
    "layers",
    dir("Background", "Black#1.png"),
    dir("Bottom lid", "High#20.png", "Low#40.png", "Middle#40.png"),
    dir("Eye color", "Cyan#1.png", "Green#1.png", "Pink#1.png", "Purple#1.png", "Red#1.png", "Yellow#10.png"),
    dir("Eyeball", "Red#50.png", "White#50.png"),
    dir("Goo", "Green#1.png"),
    dir("Iris", "Large#20.png", "Medium#20.png", "Small#60.png"),
    dir("Shine", "Shapes#100.png"),
    dir("Top lid", "High#30.png", "Low#20.png", "Middle#50.png"),
  );
}

/** HashLips v1.1.1's default layersOrder. */
export const HASHLIPS_ORDER = ["Background", "Eyeball", "Eye color", "Iris", "Shine", "Bottom lid", "Top lid"];

/** nftchef v2.2.0's sample: weighted folders, required parts, z flags, a 0-byte NONE, a trailing space. */
export function nftchefSample(): ListedDir {
  return dir(
    "layers",
    dir("Accessory", dir("Helmet#10", "Helmet.png"), "MetallicShades#1.png", emptyFile("NONE#100.png"), dir("Purple Glasses#25", "Glasses front.png", "z-10,Glasses back.png")),
    dir("Back Accessory", dir("Backpack#50", "1backpack-lines.png", "backpack-FILL.png"), "rockets#40.png"),
    dir("Background", "coulds#5.png", "stars#5.png", "swirl#5.png"),
    dir("Clothes", dir("Shirt three#44", "3shadow.png", "shirt-FILL.png"), "floral#30.png", "gray tee#30.png", "shirt one #3.png", "shirt two#3.png"),
    dir("Eyes", dir("z1,eye#50", dir("happy#50", "eye2.png"), dir("normal#50", "eye1.png")), "z1,star eyes#30.png"),
    dir("Hair", dir("z1,Hair#20", "bluehair#50.png", "purplehair#50.png")),
    dir("Head", "faceA#3.png", "faceB#3.png"),
    dir("Shirt Accessories", "Golden Sakura#1.png", "gold chain#40.png", "nametag#40.png"),
  );
}

/** nftchef's default layersOrder. */
export const NFTCHEF_ORDER = ["Background", "Back Accessory", "Head", "Clothes", "Eyes", "Hair", "Accessory", "Shirt Accessories"];

const COLOURS = ["Blue", "Green", "Purple", "Red"];
const ARMS = ["BetaArms", "FidlerClaws", "FinArms", "NemoFins", "TentacleArms", "TurtleArms"];

/** datlips v1.4.0's sample: named weights, z$ prefixes, a Variant layer with colour folders, sub-trait folders. */
export function datlipsSample(): ListedDir {
  const colourArms = (c: string, prefix = ""): ListedDir => {
    const names = c === "Purple" || c === "Red" ? [...ARMS.slice(0, 3), "LobsterClaws", ...ARMS.slice(3)] : ARMS;
    return dir(c, ...names.map((n) => `${prefix}${n}.png`));
  };
  return dir(
    "layers",
    dir(
      "Arms",
      "BetaArms#Common.png",
      "FidlerClaws#Common.png",
      "FinArms#Uncommon.png",
      "LobsterClaws#Mythic.png",
      "LureArms#Rare.png",
      "NemoFins#Rare.png",
      "TentacleArms#Epic.png",
      "TurtleArms#Legendary.png",
      ...COLOURS.map((c) => colourArms(c)),
    ),
    dir("Back", "BetaFins#Common.png", "Blowhole#Common.png", "DolphinFin#Uncommon.png", "DorsalFins#Rare.png", "SharkFin#Epic.png", "StrapOnShark#Legendary.png", "TurtleShell#Mythic.png"),
    dir(
      "Body",
      "ScalesBeta#Common.png",
      "ScalesForked#Common.png",
      "ScalesLunate#Common.png",
      "ScalesPointed#Uncommon.png",
      "ScalesRounded#Uncommon.png",
      "ScalesTruncate#Rare.png",
      "SmoothBeta#Rare.png",
      "SmoothForked#Epic.png",
      "SmoothLunate#Legendary.png",
      "SmoothPointed#Mythic.png",
      "SmoothRounded#Mythic.png",
      "SmoothTruncate#Common.png",
    ),
    dir(
      "Eyes",
      "AnglerEyes#Common.png",
      dir("AnglerEyes", "Light.png"),
      "BaseEyes#Uncommon.png",
      "EyeScar#Uncommon.png",
      "LobsterEye#Rare.png",
      "SharkEyes#Epic.png",
      "ThreeEyes#Legendary.png",
      "TurtleEyes#Mythic.png",
    ),
    dir("Head", "FishHead#Common.png", ...COLOURS.map((c) => dir(c, "FishHead.png"))),
    dir("Legs", "BetaLegs#Common.png", "FinLegs#Uncommon.png", "LobsterLegs#Rare.png", "LureLegs#Epic.png", "TurtleLegs#Mythic.png", "z35$TentacleLegs#Legendary.png"),
    dir("Mouth", "AnglerMouth#Common.png", "BaseMouth#Rare.png", "CatfishMouth#Epic.png", "SwordfishMouth#Legendary.png", "TurtleBeak#Mythic.png"),
    dir("SkeletalAccessories", "None#Common.png", "Seaweed#Rare.png", dir("Seaweed", "Behind.png", "Light.png")),
    dir(
      "SkeletalArms",
      "SkeletalBetaArms#Common.png",
      "SkeletalFidlerClaws#Common.png",
      "SkeletalFinArms#Uncommon.png",
      "SkeletalLobsterClaws#Mythic.png",
      "SkeletalLureArms#Rare.png",
      "SkeletalNemoFins#Rare.png",
      "SkeletalTurtleArms#Legendary.png",
      "z19$SkeletalTentacleArms#Epic.png",
      ...COLOURS.map((c) => colourArms(c, "Skeletal")),
    ),
    dir(
      "SkeletalBack",
      "SkeletalBetaFins#Common.png",
      "SkeletalBlowhole#Common.png",
      "SkeletalDolphinFin#Uncommon.png",
      "SkeletalDorsalFins#Rare.png",
      "SkeletalSharkFin#Epic.png",
      "z18$SkeletalStrapOnShark#Legendary.png",
      "z9$SkeletalTurtleShell#Mythic.png",
    ),
    dir(
      "SkeletalBody",
      "SkeletalScalesBeta#Common.png",
      "SkeletalScalesForked#Common.png",
      "SkeletalScalesLunate#Common.png",
      "SkeletalScalesPointed#Uncommon.png",
      "SkeletalScalesRounded#Uncommon.png",
      "SkeletalScalesTruncate#Uncommon.png",
      "SkeletalSmoothBeta#Rare.png",
      "SkeletalSmoothForked#Rare.png",
      "SkeletalSmoothLunate#Epic.png",
      "SkeletalSmoothPointed#Epic.png",
      "SkeletalSmoothRounded#Legendary.png",
      "SkeletalSmoothTruncate#Mythic.png",
    ),
    dir(
      "SkeletalLegs",
      "SkeletalBetaLegs#Common.png",
      "SkeletalFinLegs#Uncommon.png",
      "SkeletalLobsterLegs#Rare.png",
      "SkeletalLureLegs#Epic.png",
      "SkeletalTentacleLegs#Legendary.png",
      "SkeletalTurtleLegs#Mythic.png",
    ),
    dir("Variant", "Blue#Rare.png", "Green#Common.png", "Purple#Epic.png", "Red#Uncommon.png"),
  );
}

/** datlips' sample config, layer configuration 0 ("Your Collection", 50 tokens), as layer entries. */
export const DATLIPS_CONFIG_0 = [
  { name: "Variant", displayName: "Color" },
  { name: "Arms" },
  { name: "Back" },
  { name: "Body" },
  { name: "Eyes", parts: { "*/Shadow": { blend: "multiply", opacity: 0.5, z: 35 } } },
  { name: "Head" },
  { name: "Legs" },
  { name: "Mouth" },
];

/** Layer configuration 1 ("Skeletal Your Collection", 15 tokens): SkeletalArms `exclude: true`, accessories `subTraits: [{ zindex: 35 }]`. */
export const DATLIPS_CONFIG_1 = [
  { name: "SkeletalArms", inMetadata: false },
  { name: "SkeletalBack" },
  { name: "SkeletalBody" },
  { name: "SkeletalLegs" },
  { name: "SkeletalAccessories", parts: { "*": { z: 35 } } },
];

/** nftool's example: `NN-Layer/W-Value.png`, 24 combinations. */
export function nftoolSample(): ListedDir {
  return dir(
    "layers",
    dir("00-Background", "1-Green.png", "1-Red.png", "1-Yellow.png"),
    dir("01-Shape", "1-Circle.png", "1-Square.png"),
    dir("02-Direction", "1-Down.png", "2-Left.png", "2-Right.png", "2-Top.png"),
  );
}

/** A HashLips v2 tree (no sample ships with the datasets): `__w`, `__z` on files and folders, parts, edge cases. */
export function hl2Sample(): ListedDir {
  return dir(
    "layers",
    dir("Background", "Blue__w3.png", "Red.png"),
    dir("Body__z10", "Round__w2.png", "Square__w1.png"),
    dir("Hat__z20", "Cap__w5__z5.png", "Cap__z-25__x10__y-4.png", "Crown.png", dir("edge-cases", "Cap__tBody__vSquare.png", "Cap__tBody__vSquare__z-25.png")),
  );
}

/**
 * What the user picked, read as a layers folder: the folder itself (one sub-folder per layer), the project folder
 * around it (README, LICENSE, a `layers/` sub-folder, an engine's `src/config.js`, a traitloom.json), or a flat
 * folder of images (no layer folders at all). Pure: paths in, a decision out; the loaders apply it.
 */
import { TraitloomError } from "../core/errors.js";
import { imageExtension, isJunkFile, isJunkFolder } from "../core/weights.js";

/** A config file found with the layers, by its index in the input. */
export interface FoundFile {
  /** Its path as picked, for messages ("hashlips_art_engine/src/config.js"). */
  path: string;
  index: number;
}

export interface Layout {
  /** The layers folder's name in messages. */
  root: string;
  /** Per input path: its path under the layers folder, or undefined where it is not part of the layers. */
  paths: Array<string | undefined>;
  /** Said to the user where the studio chose for them (the layers/ sub-folder of a project folder). */
  notice: string | undefined;
  /** An engine's config.js (HashLips, nftchef, datlips) beside the layers: where its layer order comes from. */
  engineConfig: FoundFile | undefined;
  /** A traitloom.json beside or in the layers folder: the settings of the project. */
  traitloomJson: FoundFile | undefined;
}

/** Names of the sub-folder a project folder keeps its layers in (HashLips, nftchef, datlips, Traitloom's project file). */
const LAYERS_FOLDER_NAMES = ["layers"];
/** Where an engine keeps its config.js, relative to its project folder. */
const ENGINE_CONFIG_PATHS = ["src/config.js", "config.js"];

function split(p: string): string[] {
  return p.replaceAll("\\", "/").split("/").filter((s) => s.length > 0 && s !== ".");
}

const isImage = (name: string): boolean => imageExtension(name) !== undefined;

/**
 * Reads what was picked as a layers folder. `picked` says whether every path starts with the picked folder's name
 * (a folder input, a dropped folder); a ZIP's entries may or may not share a top folder, which is then dropped.
 *
 * - Layer folders at the top: that is the layers folder.
 * - No images in any top folder but a `layers/` sub-folder with them: a project folder; its `layers/` is used, with
 *   a notice saying so, and its `src/config.js` (an engine's) or `traitloom.json` come along.
 * - Images at the top and no layer folders: a flat folder, refused with what to pick instead (one folder per layer).
 *
 * @throws TraitloomError LAYERS_NOT_FOUND for a flat folder and for one without any image.
 */
export function detectLayout(fallbackRoot: string, inputPaths: readonly string[], picked: boolean): Layout {
  let parts = inputPaths.map(split);
  let root = fallbackRoot;
  const first = parts[0]?.[0];
  if (first !== undefined && parts.every((s) => s.length >= 2 && s[0] === first) && (picked || parts.some((s) => s.length >= 3))) {
    root = first;
    parts = parts.map((s) => s.slice(1));
  }
  const joined = parts.map((s) => s.join("/"));
  const find = (names: readonly string[], prefix: string[] = []): FoundFile | undefined => {
    for (const name of names) {
      const want = [...prefix, ...split(name)].join("/").toLowerCase();
      const index = joined.findIndex((p) => p.toLowerCase() === want);
      if (index >= 0) return { path: `${root}/${joined[index]}`, index };
    }
    return undefined;
  };
  // Top folders holding images directly: layer folders.
  const layerFolders = new Set(parts.filter((s) => s.length === 2 && !isJunkFolder(s[0] ?? "") && !isJunkFile(s[1] ?? "") && isImage(s[1] ?? "")).map((s) => s[0] ?? ""));
  const topImages = parts.filter((s) => s.length === 1 && isImage(s[0] ?? "") && !isJunkFile(s[0] ?? ""));
  if (layerFolders.size === 0) {
    const sub = LAYERS_FOLDER_NAMES.map((n) => parts.find((s) => s.length >= 3 && s[0]?.toLowerCase() === n && isImage(s[s.length - 1] ?? ""))?.[0]).find((n) => n !== undefined);
    if (sub !== undefined) {
      const others = [...new Set(parts.filter((s) => s.length >= 1 && s[0] !== sub).map((s) => s[0] ?? ""))].slice(0, 4);
      const traitloomJson = find(["traitloom.json"]);
      const engineConfig = traitloomJson ? undefined : find(ENGINE_CONFIG_PATHS);
      const notice = traitloomJson
        ? `“${root}” is a project (${sub}/ and traitloom.json): its layers and settings were loaded.`
        : `“${root}” is a project folder (${others.join(", ") || "no other files"}${others.length === 4 ? ", …" : ""}), not a layers folder: its ${sub}/ sub-folder was loaded${engineConfig ? `, with the layer order of ${engineConfig.path}` : ""}. Next time pick ${sub}/ itself.`;
      return {
        root: `${root}/${sub}`,
        paths: parts.map((s) => (s[0] === sub && s.length >= 2 ? s.slice(1).join("/") : undefined)),
        notice,
        engineConfig,
        traitloomJson,
      };
    }
    if (topImages.length > 0) {
      throw new TraitloomError(
        "LAYERS_NOT_FOUND",
        `${root}: expected one sub-folder per layer (layers/Background/Blue#10.png, layers/Eyes/Green#5.png, …), found ${topImages.length} image(s) and no layer folders: pick the folder that holds the layer folders, or put each layer's images in a folder of its own`,
      );
    }
    throw new TraitloomError("LAYERS_NOT_FOUND", `${root}: expected one sub-folder per layer holding .png, .jpg, .jpeg or .webp images, found none`);
  }
  // A layers folder: config files at its top are settings, not layers.
  const engineConfig = find(["config.js"]);
  const traitloomJson = find(["traitloom.json"]);
  const taken = new Set([engineConfig?.index, traitloomJson?.index]);
  return {
    root,
    paths: parts.map((s, i) => (taken.has(i) || s.length === 0 ? undefined : s.join("/"))),
    notice: undefined,
    engineConfig,
    traitloomJson,
  };
}

/**
 * The constants an engine's config.js requires from its neighbours, as those files define them, so that
 * `MODE.multiply` or `NETWORK.sol` can be read without running anything.
 */

/** HashLips' (and datlips') `constants/blend_mode.js`: canvas `globalCompositeOperation` names by MODE key. */
export const HASHLIPS_MODE: Readonly<Record<string, string>> = {
  sourceOver: "source-over",
  sourceIn: "source-in",
  sourceOut: "source-out",
  // As HashLips v1.1.1 ships it (code and README), inherited by datlips; nftchef fixed it (FIELD.md F8).
  sourceAtop: "source-out",
  destinationOver: "destination-over",
  destinationIn: "destination-in",
  destinationOut: "destination-out",
  destinationAtop: "destination-atop",
  lighter: "lighter",
  copy: "copy",
  xor: "xor",
  multiply: "multiply",
  screen: "screen",
  overlay: "overlay",
  darken: "darken",
  lighten: "lighten",
  colorDodge: "color-dodge",
  colorBurn: "color-burn",
  hardLight: "hard-light",
  softLight: "soft-light",
  difference: "difference",
  exclusion: "exclusion",
  hue: "hue",
  saturation: "saturation",
  color: "color",
  luminosity: "luminosity",
};

/** nftchef's `src/blendMode.js`: the same keys, with `sourceAtop` mapped to what its name says. */
export const NFTCHEF_MODE: Readonly<Record<string, string>> = { ...HASHLIPS_MODE, sourceAtop: "source-atop" };

/**
 * `constants/network.js`: HashLips v1.1.1 defines eth and sol; datlips adds sei. A HashLips config naming
 * `NETWORK.sei` would read undefined there; it is read as "sei" here and the converter reports it as not carried.
 */
export const NETWORK: Readonly<Record<string, string>> = { eth: "eth", sol: "sol", sei: "sei" };

/** A module a config.js requires, as far as reading it goes. */
export type RequiredModule =
  | { kind: "path" }
  /** `constants/blend_mode.js` (HashLips, datlips) or `src/blendMode.js` (nftchef), relative to the project. */
  | { kind: "blendMode"; file: string; flavour: "hashlips" | "nftchef" }
  | { kind: "network"; file: string }
  /** Anything else (`fs`, `dotenv`, the engine's own files): its exports are never read. */
  | { kind: "other"; name: string };

/** Which module a require names: `file` is a project-relative path, or a bare package name ("path", "fs"). */
export function classifyModule(file: string, relative: boolean): RequiredModule {
  if (!relative && (file === "path" || file === "node:path" || file === "path/posix" || file === "node:path/posix")) return { kind: "path" };
  if (relative) {
    const base = (file.split("/").pop() ?? "").replace(/\.(c?js)$/, "");
    if (base === "blend_mode") return { kind: "blendMode", file, flavour: "hashlips" };
    if (base === "blendMode") return { kind: "blendMode", file, flavour: "nftchef" };
    if (base === "network") return { kind: "network", file };
  }
  return { kind: "other", name: file };
}

/**
 * A project-relative path, POSIX style, with "." and ".." resolved: "" is the project folder itself.
 * A part starting with "/" is joined as path.join does (a separator, not a new root).
 */
export function joinProjectPath(...parts: string[]): string {
  const out: string[] = [];
  for (const part of parts) {
    for (const seg of part.split(/[\\/]+/)) {
      if (seg === "" || seg === ".") continue;
      if (seg === ".." && out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else out.push(seg);
    }
  }
  return out.join("/");
}

/** Where the engines keep config.js: `src/config.js`, so `./x` and `__dirname` are read from `src/`. */
export const CONFIG_DIR = "src";

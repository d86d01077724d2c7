export * from "./core/index.js";
export { compositeTraits, prepareTrait } from "./render/composite.js";
export type { PreparedTrait } from "./render/composite.js";
export { generateCollection, prepareCollection, readConfigFile } from "./node/generate.js";
export type { GenerateOptions, GenerateResult, GenerateProgress } from "./node/generate.js";
export { encodePng, PNG_PRESETS } from "./node/png.js";

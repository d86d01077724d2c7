export { readExports, formatKeyPath, type ResolvedConstant, type StaticExports, type UnreadableValue, type RequireSeen } from "./evaluate.js";
export { readEngineConfig, ENGINE_NAMES, type EngineConfigRead, type EngineName } from "./readEngineConfig.js";
export {
  initFromEngineConfig,
  toTraitloomConfig,
  type BlendSetting,
  type ConvertOptions,
  type EngineConversion,
  type EngineEdition,
  type EngineLayer,
  type EngineRules,
  type LayerBlend,
  type LayerSublayerOptions,
  type LayerSubTraits,
  type SublayerOption,
  type SubTrait,
} from "./toTraitloomConfig.js";
export { HASHLIPS_MODE, NFTCHEF_MODE, NETWORK } from "./constants.js";
export { convertDatlipsRules, convertNftchefRules, readDatlipsIncompatibilities, type ConvertedRules, type DatlipsIncompatibility } from "./engineRules.js";

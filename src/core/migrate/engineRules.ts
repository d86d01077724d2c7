/**
 * Other engines' trait rules as Traitloom rules: nftchef's `incompatible` / `forcedCombinations` (config.js) and
 * datlips' `compatibility/incompatibilities.json`. Both name traits by their clean names (file name without weight
 * and extension); Traitloom's rules name them `Layer/Trait`, so every name is looked up in the layers of the first
 * layer configuration, read from the folder.
 *
 * nftchef (main.js L486-626, FIELD.md F4) applies a rule while picking, in layersOrder order: the key's trait must be
 * picked before its values, so a key in a later layer than a value does nothing there (silently). Traitloom's rules
 * hold on the finished token whatever the order, so such a rule is converted as the user wrote it, and said to be one
 * nftchef itself would have ignored.
 */
import { z } from "zod";
import { TraitloomError } from "../errors.js";
import type { Layer } from "../layers.js";
import type { RuleConfig } from "../rules.js";
import { canonicalName } from "../weights.js";
import type { EngineEdition, EngineRules } from "./toTraitloomConfig.js";

/** What the rules of another engine became. */
export interface ConvertedRules {
  rules: RuleConfig[];
  /** One line per rule written: where it came from and what it is. */
  converted: string[];
  /** Rules converted that the engine itself would not have applied, one line each, saying why. */
  ignoredByEngine: string[];
  /** Rules or names that could not be converted, one line each. */
  notCarried: string[];
}

function emptyResult(): ConvertedRules {
  return { rules: [], converted: [], ignoredByEngine: [], notCarried: [] };
}

/** How nftchef compares names: clean names, ends trimmed (Traitloom cuts the spaces of `shirt one #3.png`), NFC. */
function cleanKey(name: string): string {
  return canonicalName(name.trim());
}

interface Placed {
  id: string;
  layer: number;
}

/** Every layer where a trait of that clean name is, as `Layer/Trait` ids, in layer order. */
function placesOf(layers: readonly Layer[], name: string): Placed[] {
  const key = cleanKey(name);
  const out: Placed[] = [];
  for (const layer of layers) {
    const trait = layer.traits.find((t) => cleanKey(t.name) === key);
    if (trait) out.push({ id: `${layer.name}/${trait.name}`, layer: layer.index });
  }
  return out;
}

function label(rule: RuleConfig): string {
  const list = (x: string | readonly string[]): string => (typeof x === "string" ? `"${x}"` : x.map((y) => `"${y}"`).join(", "));
  if ("never" in rule) return `never ${list(rule.never[0])} with ${list(rule.never[1])}`;
  if ("only" in rule) return `only ${list(rule.only)} with ${list(rule.with)}`;
  if ("always" in rule) return `always ${list(rule.always)} together`;
  return `if ${list(rule.if)} then ${list(rule.then)}`;
}

function quoted(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/**
 * nftchef's rules on the layers of its first layer configuration (`layers`, in layersOrder order):
 * `incompatible: { K: [V…] }` → `never: [K, [V…]]`, `forcedCombinations: { K: [V…] }` → `if: K, then: [V…]`, each
 * bare name resolved to the layer that has a trait of that name (a name in two layers gives a rule per layer of
 * the key, and every layer of a value). A value in a layer before its key's, or in the key's own layer, is one
 * nftchef never applies: said in `ignoredByEngine`.
 *
 * @example
 * convertNftchefRules({ incompatible: { Backpack: ["Helmet"] }, forcedCombinations: {} }, layers).rules
 * // [{ never: ["Back Accessory/Backpack", "Accessory/Helmet"] }]
 */
export function convertNftchefRules(engineRules: EngineRules, layers: readonly Layer[]): ConvertedRules {
  const out = emptyResult();
  const kinds = [
    ["incompatible", engineRules.incompatible],
    ["forcedCombinations", engineRules.forcedCombinations],
  ] as const;
  for (const [key, table] of kinds) {
    for (const [subject, values] of Object.entries(table)) {
      const path = `${key}${quoted(subject)}`;
      const subjects = placesOf(layers, subject);
      if (subjects.length === 0) {
        out.notCarried.push(`${path}: no trait named "${subject}" in the layers (${layers.map((l) => l.name).join(", ")}); the rule is left out`);
        continue;
      }
      const targets: Placed[] = [];
      values.forEach((value, i) => {
        const found = placesOf(layers, value);
        if (found.length === 0) out.notCarried.push(`${path}[${i}]: no trait named "${value}" in the layers; left out of the rule`);
        targets.push(...found);
      });
      for (const s of subjects) {
        const others = targets.filter((t) => t.layer !== s.layer);
        const sameLayer = targets.filter((t) => t.layer === s.layer);
        if (sameLayer.length > 0) {
          out.ignoredByEngine.push(
            `${path}: ${sameLayer.map((t) => `"${t.id}"`).join(", ")} ${sameLayer.length > 1 ? "are" : "is"} in the layer of "${s.id}": a token has one trait per layer, so ${key === "incompatible" ? "the pair never meets anyway" : "it cannot be forced with it"}; left out`,
          );
        }
        if (others.length === 0) continue;
        const ids = others.map((t) => t.id);
        const rule: RuleConfig =
          key === "incompatible" ? { never: [s.id, ids.length === 1 ? (ids[0] as string) : ids] } : { if: s.id, then: ids.length === 1 ? (ids[0] as string) : ids };
        const index = out.rules.length;
        out.rules.push(rule);
        out.converted.push(`${path} → rules[${index}]: ${label(rule)}`);
        const before = others.filter((t) => t.layer < s.layer);
        if (before.length > 0) {
          out.ignoredByEngine.push(
            `${path} → rules[${index}]: nftchef itself would have ignored it for ${before.map((t) => `"${t.id}"`).join(", ")}: its key "${s.id}" is in a later layer (it applies rules in layersOrder order, key first); Traitloom keeps it on every token`,
          );
        }
        if (key === "forcedCombinations") {
          const byLayer = new Map<number, string[]>();
          for (const t of others) byLayer.set(t.layer, [...(byLayer.get(t.layer) ?? []), t.id]);
          for (const ids of byLayer.values()) {
            if (ids.length > 1) out.converted.push(`${path} → rules[${index}]: ${ids.map((x) => `"${x}"`).join(", ")} share a layer, so a token with "${s.id}" has one of them (nftchef picks the first it finds)`);
          }
        }
      }
    }
  }
  return out;
}

/**
 * One incompatibility as datlips' wizard writes it (modules/isCompatible.js): the child trait is never drawn after
 * the listed parents; `forced` makes the parents force it instead; `universal` (v1.5) applies it to every layer
 * configuration. Indices are into the layersOrder of configuration `layerIndex`.
 */
const datlipsEntrySchema = z.looseObject({
  incompatibleParents: z.array(z.string()),
  parentIndex: z.number().int().min(0),
  childIndex: z.number().int().min(0),
  layerIndex: z.number().int().min(0).optional(),
  forced: z.boolean().optional(),
  universal: z.boolean().optional(),
});

type DatlipsEntry = z.infer<typeof datlipsEntrySchema>;

/** One entry read from the file, with its place in it. */
export interface DatlipsIncompatibility extends DatlipsEntry {
  child: string;
  path: string;
}

/**
 * Reads datlips' `compatibility/incompatibilities.json`: `{ "<child>": { "<parent layer index>": { incompatibleParents,
 * parentIndex, childIndex, layerIndex, forced?, universal?, … } } }` (v1.4; an entry straight under the child, as
 * earlier versions wrote, is read too). Throws one BAD_CONFIG line naming the file and the entry where it is not so.
 */
export function readDatlipsIncompatibilities(text: string, fileName: string): DatlipsIncompatibility[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text.startsWith("\uFEFF") ? text.slice(1) : text);
  } catch (e) {
    throw new TraitloomError("BAD_CONFIG", `${fileName}: expected JSON, found a syntax error (${e instanceof Error ? e.message : String(e)})`);
  }
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (!isRecord(raw)) throw new TraitloomError("BAD_CONFIG", `${fileName}: expected an object of child traits, found ${Array.isArray(raw) ? "an array" : String(raw)}`);
  const out: DatlipsIncompatibility[] = [];
  for (const [child, value] of Object.entries(raw)) {
    if (!isRecord(value)) throw new TraitloomError("BAD_CONFIG", `${fileName}: ${JSON.stringify(child)}: expected an object, found ${Array.isArray(value) ? "an array" : String(value)}`);
    const entries: Array<[string, unknown]> = "parentIndex" in value ? [["", value]] : Object.entries(value);
    for (const [k, item] of entries) {
      const path = `${JSON.stringify(child)}${k === "" ? "" : `.${JSON.stringify(k)}`}`;
      const parsed = datlipsEntrySchema.safeParse(item);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `.${issue.path.join(".")}` : "";
        throw new TraitloomError(
          "BAD_CONFIG",
          `${fileName}: ${path}${where}: expected { incompatibleParents: [names], parentIndex, childIndex, layerIndex } as datlips' wizard writes it, found ${issue?.code === "invalid_type" ? `${issue.path.length > 0 ? "a value of another type" : "something else"}` : (issue?.message ?? "something else")}`,
        );
      }
      out.push({ ...parsed.data, child, path });
    }
  }
  return out;
}

/**
 * datlips' incompatibilities on the layers of its first layer configuration: each parent and the child as
 * `Layer/Trait` by the layers the entry's indices name (`never: [parent, child]`, or `if: parent, then: child` where
 * `forced`). Entries of another configuration (not universal) are not carried: Traitloom's config holds the
 * first configuration's layers.
 */
export function convertDatlipsRules(entries: readonly DatlipsIncompatibility[], editions: readonly EngineEdition[], layers: readonly Layer[], fileName: string): ConvertedRules {
  const out = emptyResult();
  const first = editions[0];
  for (const e of entries) {
    const at = `${fileName}: ${e.path}`;
    const config = e.layerIndex ?? 0;
    const edition = editions[config];
    if (!edition) {
      out.notCarried.push(`${at}: layerIndex ${config}: no such layer configuration (${editions.length} in config.js); left out`);
      continue;
    }
    if (config !== first?.index && e.universal !== true) {
      out.notCarried.push(`${at}: a rule of layerConfigurations[${config}] (editions are not supported yet: traitloom.json holds layerConfigurations[0]'s layers)`);
      continue;
    }
    const parentFolder = edition.layers[e.parentIndex]?.folder;
    const childFolder = edition.layers[e.childIndex]?.folder;
    const layerOf = (folder: string | undefined): Layer | undefined => (folder === undefined ? undefined : layers.find((l) => l.folder === folder || l.name === folder));
    const parentLayer = layerOf(parentFolder);
    const childLayer = layerOf(childFolder);
    if (!parentLayer || !childLayer) {
      const which = !parentLayer ? `parentIndex ${e.parentIndex}${parentFolder ? ` (${parentFolder})` : ""}` : `childIndex ${e.childIndex}${childFolder ? ` (${childFolder})` : ""}`;
      out.notCarried.push(`${at}: ${which}: no such layer in traitloom.json's layers; left out`);
      continue;
    }
    const child = childLayer.traits.find((t) => cleanKey(t.name) === cleanKey(e.child));
    if (!child) {
      out.notCarried.push(`${at}: no trait "${e.child}" in layer ${childLayer.name}; left out`);
      continue;
    }
    const childId = `${childLayer.name}/${child.name}`;
    const parents: string[] = [];
    for (const p of e.incompatibleParents) {
      const t = parentLayer.traits.find((x) => cleanKey(x.name) === cleanKey(p));
      if (t) parents.push(`${parentLayer.name}/${t.name}`);
      else out.notCarried.push(`${at}: incompatibleParents: no trait "${p}" in layer ${parentLayer.name}; left out`);
    }
    if (parents.length === 0) continue;
    const rules: RuleConfig[] = e.forced === true ? parents.map((p) => ({ if: p, then: childId })) : [{ never: [childId, parents.length === 1 ? (parents[0] as string) : parents] }];
    for (const rule of rules) {
      const index = out.rules.length;
      out.rules.push(rule);
      out.converted.push(`${at} → rules[${index}]: ${label(rule)}`);
    }
    if (parentLayer.index > childLayer.index) {
      out.ignoredByEngine.push(`${at}: parent layer ${parentLayer.name} comes after the child's ${childLayer.name}: datlips only filters later layers by earlier ones; Traitloom keeps the rule on every token`);
    }
  }
  return out;
}

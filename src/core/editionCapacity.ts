/**
 * What an `editions` collection can hold before it is planned, in the planner's own words: each edition's unique
 * combinations on its own layers (under the rules and counts that fall to it), and for an edition whose count is
 * more, the line the planner refuses it with. The studio shows these beside its editions; the CLI's run says the same
 * line when it plans.
 */
import { editionLayers, rulesByEdition, type EditionInfo } from "./editions.js";
import { isTraitloomError } from "./errors.js";
import type { LayerSet } from "./layers.js";
import { planCollection } from "./planner.js";
import { withRules } from "./ruleModel.js";
import { collectionCapacity } from "./rulePlanner.js";

/** The run's refusal of 1-of-1s in a collection with editions (the CLI and the studio's worker throw it). */
export const ONE_OF_ONES_WITH_EDITIONS = "oneOfOnes: expected a collection without editions, found both (1-of-1s among editions are not supported yet)";

export interface EditionCapacity {
  id: string;
  count: number;
  /** Unique combinations of the edition's own layers, under its rules. */
  capacity: bigint;
  /** Where `count` is more than `capacity`: the line planning refuses the collection with; else undefined. */
  refusal: string | undefined;
}

/**
 * Each edition's capacity and, where its count is more, the planner's refusal (`editions[1] ("Skeletal"): count:
 * expected at most 8 tokens …`). The refusal is the planner's own: it fails at once where the count is more than
 * the capacity, before any token is laid out, so asking it costs nothing.
 *
 * @throws TraitloomError BAD_CONFIG where a rule or fixed count fits no edition (as planning would).
 */
export function editionCapacities(layerSet: LayerSet & { editions: readonly EditionInfo[] }): EditionCapacity[] {
  const editions = layerSet.editions;
  const split = rulesByEdition(layerSet, editions);
  const source = layerSet.editionRules?.source ?? "traitloom.json";
  return editions.map((edition, e) => {
    const bare: LayerSet = { ...layerSet, layers: editionLayers(layerSet, edition), editions: undefined, editionRules: undefined };
    const spec = split[e];
    const own = spec ? withRules(bare, spec, source) : bare;
    const capacity = collectionCapacity(own);
    let refusal: string | undefined;
    if (BigInt(edition.count) > capacity) {
      refusal = `editions[${e}] ("${edition.id}"): count: expected at most ${capacity} tokens, found ${edition.count}`;
      try {
        planCollection(own, edition.count, "capacity");
      } catch (err) {
        if (!isTraitloomError(err)) throw err;
        refusal = `editions[${e}] ("${edition.id}"): ${err.message}`;
      }
    }
    return { id: edition.id, count: edition.count, capacity, refusal };
  });
}

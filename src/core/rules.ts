/**
 * The config shapes of trait rules, fixed counts and uniqueness (the `rules`, `counts` and `uniqueness` keys of
 * traitloom.json). Only zod here, so config.ts can import these without a cycle; ruleModel.ts resolves the ids
 * against a layer set and compiles the rules, ruleCount.ts counts what they allow, rulePlanner.ts plans under them.
 */
import { z } from "zod";

const traitId = z
  .string()
  .min(1)
  .describe('A trait id: "Layer/Trait", or "Layer/*" for every trait of a layer. Layer is the layer\'s name (trait_type) or its folder.');

const idList = z.union([traitId, z.array(traitId).min(1)]);

const neverRule = z
  .strictObject({
    never: z.tuple([traitId, idList]),
  })
  .describe('["A", "B"]: no token has both, either way round. ["A", ["B", "C"]]: no token has A with any of them.');

const onlyRule = z
  .strictObject({
    only: traitId,
    with: idList,
  })
  .describe('"only" A "with" [B, C]: A appears only on tokens that have one of B, C. One way: B and C are free.');

const alwaysRule = z
  .strictObject({
    always: z.array(traitId).min(2),
  })
  .describe("All of these or none: a token with one of them has all of them. Chains across rules (A with B, B with C: all three).");

const ifRule = z
  .strictObject({
    if: traitId,
    then: idList,
  })
  .describe('"if" A "then" [B, C]: a token with A has every listed trait; several listed from one layer mean any one of them. One way.');

export const ruleSchema = z.union([neverRule, onlyRule, alwaysRule, ifRule]);

export const rulesSchema = z
  .array(ruleSchema)
  .describe("Constraints on the finished token, independent of layer order: never, only/with, always, if/then. Counted in the capacity.");

const countBounds = z
  .strictObject({
    min: z.number().int().min(0).optional().describe("At least this many tokens have the trait."),
    max: z.number().int().min(0).optional().describe("At most this many tokens have the trait."),
  })
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, { message: "expected min <= max" });

/**
 * Fixed quantities by trait id: a number is an exact count, `{ min, max }` bounds it. On a wildcard
 * (`"Eyes/*"`) the number or bounds apply to EACH trait of the layer, not to their sum: `"Eyes/*": { "min": 1 }`
 * means every eye appears at least once. Other traits of the layer share the rest of the tokens by weight.
 */
export const countsSchema = z
  .record(traitId, z.union([z.number().int().min(0), countBounds]))
  .describe('Fixed quantities by trait id: 10 = exactly ten tokens, { "min": 1 } = at least one. On "Layer/*" they apply to each trait of the layer.');

export const uniquenessSchema = z
  .strictObject({
    layers: z
      .array(z.string().min(1))
      .min(1)
      .optional()
      .describe("Tokens are unique on these layers only (names or folders); the others may repeat. Replaces each layer's countsForUniqueness."),
    minDifferences: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Every two tokens differ in at least this many of the unique layers. Default 1. Counted in the capacity where it can be exactly (every unique layer, no rules), else bounded and checked."),
  })
  .describe("Which layers make a token unique, and by how much two tokens must differ.");

export type RuleConfig = z.infer<typeof ruleSchema>;
export type RulesConfig = z.infer<typeof rulesSchema>;
export type CountsConfig = z.infer<typeof countsSchema>;
export type UniquenessConfig = z.infer<typeof uniquenessSchema>;

/** The part of traitloom.json the rule engine reads; TraitloomConfig has these keys once config.ts lists them. */
export interface RuleSpec {
  rules?: RulesConfig | undefined;
  counts?: CountsConfig | undefined;
  uniqueness?: UniquenessConfig | undefined;
}

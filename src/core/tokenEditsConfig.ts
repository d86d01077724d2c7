/**
 * The `reroll` and `ban` keys of traitloom.json: edits of single planned tokens made before anything is generated
 * (zod only, so config.ts imports it without a cycle; tokenEdits.ts resolves and applies them in the planner).
 */
import { z } from "zod";

/** Most re-rolls of one token: each one is a draw of its own, made again on every plan. */
export const MAX_REROLL_TIMES = 100;

const traitId = z.string().min(1).describe('A trait id "Layer/Trait", as rules name traits. Layer is the layer\'s name (trait_type) or its folder.');

export const rerollSchema = z
  .array(
    z.strictObject({
      id: z.number().int().min(0).describe("The token id to give a new combination."),
      avoid: z.array(traitId).min(1).optional().describe("Traits the new combination must not have."),
      times: z
        .number()
        .int()
        .min(1)
        .max(MAX_REROLL_TIMES, { error: `expected at most ${MAX_REROLL_TIMES}` })
        .optional()
        .describe("Re-rolled this many times (default 1): each time another draw, unlike the ones before it."),
    }),
  )
  .describe(
    'Tokens given a new combination before generating, by token id, e.g. [{ "id": 42 }, { "id": 57, "avoid": ["Hat/Crown"] }]. Drawn from the seed; unique, keeping the rules; every other token keeps its combination.',
  );

export const banSchema = z
  .array(z.array(traitId).min(1))
  .describe(
    'Combinations no token may have, each one trait id per layer, e.g. [["Background/Blue", "Eyes/Red", "Hat/Crown"]]. A planned token with one is given a new combination, as `reroll` does.',
  );

export type RerollConfig = z.infer<typeof rerollSchema>;
export type BanConfig = z.infer<typeof banSchema>;

/** The part of a config the token edits read. */
export interface TokenEditSpec {
  reroll?: RerollConfig | undefined;
  ban?: BanConfig | undefined;
  startId?: number | undefined;
  editions?: unknown;
  oneOfOnes?: unknown;
}

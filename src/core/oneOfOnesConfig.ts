/** The `oneOfOnes` key of traitloom.json (zod only, so config.ts imports it without a cycle; oneOfOnes.ts places them). */
import { z } from "zod";

export const oneOfOnesSchema = z
  .strictObject({
    dir: z.string().min(1).describe("The folder of 1-of-1 images (relative to traitloom.json), each with an optional <name>.json of name, description and attributes."),
    place: z
      .union([z.literal("seeded"), z.record(z.string(), z.number().int().min(0))])
      .optional()
      .describe('"seeded" (default): ids chosen by the seed. Or { "<file>": <id> } for the files given; the others are placed by the seed.'),
  })
  .describe("Hand-made 1-of-1 tokens placed into the collection at ids chosen by the seed or given.");

export type OneOfOnesConfig = z.infer<typeof oneOfOnesSchema>;

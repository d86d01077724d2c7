/**
 * zod schemas for what the collection worker is sent: worker messages are outside input like any other
 * (STYLE.md), so a malformed request fails with a message naming the field, not deep inside core.
 * The config itself is validated by core's parseConfig.
 */
import { z } from "zod";
import { TraitloomError } from "../core/errors.js";
import { oneOfOnesSchema } from "../core/oneOfOnesConfig.js";

const fileSchema = z.strictObject({ name: z.string().min(1), size: z.number().int().min(0) });

/** A folder with everything under it (core/model.ts ListedDir): what the trait model's dialects read. */
interface ListedDirShape {
  name: string;
  files: Array<{ name: string; size: number }>;
  dirs: ListedDirShape[];
}
const listedDirSchema: z.ZodType<ListedDirShape> = z.lazy(() => z.strictObject({ name: z.string().min(1), files: z.array(fileSchema), dirs: z.array(listedDirSchema) }));

const listingSchema = z.strictObject({
  root: z.string(),
  folders: z.array(
    z.strictObject({
      folder: z.string().min(1),
      files: z.array(fileSchema),
      subfolders: z.array(z.string()),
      tree: listedDirSchema.optional(),
    }),
  ),
  rootFiles: z.array(z.string()),
});

export const collectionInputSchema = z.object({
  listing: listingSchema,
  config: z.record(z.string(), z.unknown()),
  count: z.number().int().min(1),
  seed: z.string().min(1),
  oneOfOnes: z.strictObject({ config: oneOfOnesSchema, files: z.array(z.strictObject({ name: z.string().min(1), bytes: z.instanceof(Uint8Array) })) }).optional(),
});

/** Checks a plan/start request; throws a TraitloomError "BAD_ARGUMENT" naming the first bad field. */
export function checkCollectionInput(method: string, input: unknown): void {
  const result = collectionInputSchema.safeParse(input);
  if (result.success) return;
  const issue = result.error.issues[0];
  const path = (issue?.path ?? []).map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  throw new TraitloomError("BAD_ARGUMENT", `${method}${path}: ${issue?.message ?? "invalid request"}`);
}

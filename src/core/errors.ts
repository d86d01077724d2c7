/** Every failure a user can cause or meet, as a string union so the CLI can map it to an exit code and one line. */
export type TraitloomErrorCode =
  | "LAYERS_NOT_FOUND"
  | "LAYER_MISSING"
  | "LAYER_EMPTY"
  | "LAYER_NESTED"
  | "BAD_WEIGHT"
  | "DUPLICATE_TRAIT"
  | "NOT_AN_IMAGE"
  | "BAD_IMAGE"
  | "SIZE_MISMATCH"
  | "BAD_CONFIG"
  | "CAPACITY"
  | "BAD_ARGUMENT"
  | "OUTPUT_CONFLICT"
  | "WRITE_FAILED"
  | "ABORTED";

/** A user-facing error: `message` is one line naming the file or field, what was expected and what was found. */
export class TraitloomError extends Error {
  readonly code: TraitloomErrorCode;
  constructor(code: TraitloomErrorCode, message: string) {
    super(message);
    this.name = "TraitloomError";
    this.code = code;
  }
}

export function isTraitloomError(e: unknown): e is TraitloomError {
  return e instanceof TraitloomError;
}

export function assertNever(x: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

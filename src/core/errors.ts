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
  | "ABORTED"
  /** Several problems found in one pass (layer files, say): each is in `problems` with its own code. */
  | "PROBLEMS";

/** One of several problems found in one pass, the shape of a TraitloomError that was not thrown on its own. */
export interface TraitloomProblem {
  code: TraitloomErrorCode;
  /** What it is about, as the message names it first: "layers/02-Body/notes.txt", "traitloom.json: layers[0]". */
  path: string;
  /** What was expected and what was found, the message after the path. */
  detail: string;
  /** One line: `${path}: ${detail}`. */
  message: string;
}

/** Builds a problem, so that `message` is always the path and the detail. */
export function problem(code: TraitloomErrorCode, path: string, detail: string): TraitloomProblem {
  return { code, path, detail, message: `${path}: ${detail}` };
}

/** How many problems an error's message lists before "… and K more": the rest stay in `problems`. */
export const PROBLEMS_IN_MESSAGE = 10;

/**
 * A user-facing error: `message` is one line naming the file or field, what was expected and what was found.
 * Where one pass found several problems (code "PROBLEMS"), the first line sums them up and each further line is
 * one of them, the first PROBLEMS_IN_MESSAGE and then how many more; `problems` holds them all.
 */
export class TraitloomError extends Error {
  readonly code: TraitloomErrorCode;
  /** Every problem this error stands for: itself (with an empty path where it was made without) unless the code is "PROBLEMS". */
  readonly problems: readonly TraitloomProblem[];
  constructor(code: TraitloomErrorCode, message: string, problems?: readonly TraitloomProblem[]) {
    super(message);
    this.name = "TraitloomError";
    this.code = code;
    this.problems = problems ?? [{ code, path: "", detail: message, message }];
  }
}

/**
 * One error for the problems of one pass: a single problem is its own one-line error, exactly as if thrown
 * alone; several are summed up on the first line (`layers: 3 problems:`) and listed under it, two spaces in.
 *
 * @example throw problemsError("layers", analysis.problems)
 */
export function problemsError(subject: string, problems: readonly TraitloomProblem[]): TraitloomError {
  const [first] = problems;
  if (!first) throw new Error("problemsError: expected at least one problem, found none");
  if (problems.length === 1) return new TraitloomError(first.code, first.message, problems);
  const shown = problems.slice(0, PROBLEMS_IN_MESSAGE).map((p) => `  ${p.message}`);
  const more = problems.length - PROBLEMS_IN_MESSAGE;
  const head = more > 0 ? `${subject}: ${problems.length} problems, the first ${PROBLEMS_IN_MESSAGE} below:` : `${subject}: ${problems.length} problems:`;
  const lines = [head, ...shown, ...(more > 0 ? [`  … and ${more} more`] : [])];
  return new TraitloomError("PROBLEMS", lines.join("\n"), problems);
}

export function isTraitloomError(e: unknown): e is TraitloomError {
  return e instanceof TraitloomError;
}

export function assertNever(x: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(x)}`);
}

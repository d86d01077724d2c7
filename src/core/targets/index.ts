/**
 * Every metadata target a launch needs, and a validator per target. Writers are pure functions of (collection,
 * target options, token) → files; validators read any folder through a FolderView, so the CLI (node:fs), the
 * studio (a ZIP or a directory handle) and tests (memory) run the same checks.
 */
import { isTraitloomError, problem, problemsError, type TraitloomProblem } from "../errors.js";
import { cardanoCollectionFiles, cardanoTokenFiles, CARDANO_DEFAULT_DIR, validateCardanoDir } from "./cardano.js";
import { entryOf, Findings } from "./check.js";
import { erc1155CollectionFiles, erc1155TokenFiles, ERC1155_DEFAULT_DIR, validateErc1155Dirs } from "./erc1155.js";
import { erc721CollectionFiles, erc721TokenFiles, validateOpenSeaDir } from "./erc721.js";
import { solanaCollectionFiles, solanaFormatProblem, solanaTokenFiles, SOLANA_DEFAULT_DIR, validateSolanaDir } from "./solana.js";
import { tezosCollectionFiles, tezosTokenFiles, TEZOS_DEFAULT_DIR, validateTezosDir } from "./tezos.js";
import { TARGET_NAMES, type OutputsConfig } from "./options.js";
export { outputsSchema, TARGET_NAMES, type OutputsConfig } from "./options.js";
import type { CollectionFiles, FolderEntry, FolderView, TargetCollection, TargetName, TargetToken, TokenFiles, ValidateTarget, ValidationReport } from "./types.js";

export * from "./types.js";
export { splitUtf8, stringOrPieces, utf8Length } from "./bytes.js";
export * from "./erc721.js";
export * from "./erc1155.js";
export * from "./solana.js";
export * from "./cardano.js";
export * from "./tezos.js";


/** The targets a config asks for: `erc721` where it names none. */
export function resolveOutputs(outputs: OutputsConfig | undefined): OutputsConfig {
  return outputs === undefined ? { erc721: {} } : outputs;
}

/** The targets set in `outputs`, in TARGET_NAMES order. */
export function enabledTargets(outputs: OutputsConfig): TargetName[] {
  return TARGET_NAMES.filter((t) => outputs[t] !== undefined);
}

/** Every configured target's files for one token, in TARGET_NAMES order. Throws a BAD_CONFIG error naming the token where a target's limit is broken. */
export function tokenFiles(outputs: OutputsConfig, collection: TargetCollection, input: TargetToken): TokenFiles[] {
  const out: TokenFiles[] = [];
  if (outputs.erc721) out.push(erc721TokenFiles(collection, outputs.erc721, input));
  if (outputs.erc1155) out.push(erc1155TokenFiles(collection, outputs.erc1155, input));
  if (outputs.solana) out.push(solanaTokenFiles(collection, outputs.solana, input));
  if (outputs.cardano) out.push(cardanoTokenFiles(collection, outputs.cardano, input));
  if (outputs.tezos) out.push(tezosTokenFiles(collection, outputs.tezos, input));
  return out;
}

/** Every configured target's collection-level files, copies and closing notes. */
export function collectionFiles(outputs: OutputsConfig, collection: TargetCollection): CollectionFiles[] {
  const out: CollectionFiles[] = [];
  if (outputs.erc721) out.push(erc721CollectionFiles());
  if (outputs.erc1155) out.push(erc1155CollectionFiles(collection, outputs.erc1155));
  if (outputs.solana) out.push(solanaCollectionFiles(collection, outputs.solana));
  if (outputs.cardano) out.push(cardanoCollectionFiles());
  if (outputs.tezos) out.push(tezosCollectionFiles());
  return out;
}

/**
 * Checks the targets against the collection before anything is rendered: WebP with Solana, and every token's files
 * made once (names over 32 bytes for Solana, over 64 for Cardano, attribute keys CIP-25 cannot take). Throws one
 * error listing the first failing token of each target; returns quietly where all is well.
 *
 * @example checkOutputs(outputs, { settings, width, height }, (function* () { for (let i = 0; i < n; i++) yield { token: tokenRecord(set, plan, i, settings), index: i }; })())
 */
export function checkOutputs(outputs: OutputsConfig, collection: TargetCollection, tokens: Iterable<TargetToken> = []): void {
  const problems: TraitloomProblem[] = [];
  const failed = new Set<TargetName>();
  const formatProblem = outputs.solana ? solanaFormatProblem(collection) : undefined;
  if (formatProblem) {
    problems.push(problem("BAD_CONFIG", "outputs.solana", formatProblem.replace(/^outputs\.solana: /, "")));
    failed.add("solana");
  }
  const targets = enabledTargets(outputs);
  for (const input of tokens) {
    for (const target of targets) {
      if (failed.has(target)) continue;
      try {
        tokenFiles({ [target]: outputs[target] }, collection, input);
      } catch (e) {
        if (!isTraitloomError(e)) throw e;
        failed.add(target);
        const [path, ...rest] = e.message.split(": ");
        problems.push(problem(e.code, path ?? "", rest.join(": ")));
      }
    }
    if (failed.size === targets.length) break;
  }
  if (problems.length > 0) throw problemsError("outputs", problems);
}

// ---- validation --------------------------------------------------------------------------------------------

/** Where each target's files sit inside a Traitloom collection folder (the default `dir`s), and in other tools'. */
const KNOWN_DIRS: Record<TargetName, readonly string[]> = {
  erc721: ["metadata", "json", "build/json"],
  erc1155: [`${ERC1155_DEFAULT_DIR}/metadata`, ERC1155_DEFAULT_DIR, "metadata"],
  solana: [SOLANA_DEFAULT_DIR, "assets", "build/assets"],
  cardano: [CARDANO_DEFAULT_DIR],
  tezos: [TEZOS_DEFAULT_DIR],
};

async function isFolder(view: FolderView, path: string): Promise<boolean> {
  const cut = path.lastIndexOf("/");
  const entry: FolderEntry | undefined = await entryOf(view, cut < 0 ? "" : path.slice(0, cut), cut < 0 ? path : path.slice(cut + 1));
  return entry?.folder === true;
}

/**
 * The folder inside `view` that holds the target's files: the folder itself where it holds token JSON files, else
 * (a Traitloom collection, a HashLips build/) the first known sub-folder that exists.
 */
export async function locateTargetFolder(view: FolderView, target: ValidateTarget): Promise<{ folder: string; missing?: string }> {
  const name: TargetName = target === "opensea" ? "erc721" : target;
  const root = await view.list("");
  const isCollectionRoot = root.some((e) => !e.folder && e.name === "manifest.json");
  const hasTokenJson = root.some((e) => !e.folder && e.name.toLowerCase().endsWith(".json") && e.name !== "_metadata.json");
  if (hasTokenJson && !isCollectionRoot) return { folder: "" };
  for (const dir of KNOWN_DIRS[name]) if (await isFolder(view, dir)) return { folder: dir };
  // A Traitloom collection written without this target: say so rather than read its manifest as token files.
  return isCollectionRoot ? { folder: "", missing: KNOWN_DIRS[name][0] ?? "" } : { folder: "" };
}

/**
 * Checks a folder against a target's rules and lists every problem with its file and field, e.g.
 * `3.json: attributes[2].value: expected a string (Sugar reads attribute values as strings), found the number 7`.
 * The folder may be the target's own (a Sugar assets folder, a metadata folder) or a whole Traitloom collection,
 * in which case the target's folder in it is checked (`report.folder`).
 */
export async function validateFolder(files: FolderView, target: ValidateTarget): Promise<ValidationReport> {
  const { folder, missing } = await locateTargetFolder(files, target);
  const findings = new Findings();
  if (missing !== undefined) {
    const name = target === "opensea" ? "erc721" : target;
    findings.problem(`${target}.empty`, "", undefined, `expected ${missing}/ in this Traitloom collection, found none (it was written without the ${name} target: add "outputs": { "${name}": … } to the config)`);
    return { target, folder: missing, tokens: 0, problems: findings.problems, warnings: findings.warnings };
  }
  let tokens: number;
  switch (target) {
    case "opensea":
    case "erc721":
      tokens = await validateOpenSeaDir(files, folder, findings);
      break;
    case "erc1155": {
      // Traitloom's layout: <dir>/metadata/ beside <dir>/images/; another tool's: images next to the JSON.
      const images = folder.endsWith("metadata") ? `${folder.slice(0, -"metadata".length)}images` : folder;
      tokens = await validateErc1155Dirs(files, folder, (await isFolder(files, images)) || images === folder ? images : undefined, findings);
      break;
    }
    case "solana":
      tokens = await validateSolanaDir(files, folder, findings);
      break;
    case "cardano":
      tokens = await validateCardanoDir(files, folder, findings);
      break;
    case "tezos":
      tokens = await validateTezosDir(files, folder, findings);
      break;
  }
  if (tokens === 0 && findings.problems.length === 0) {
    const where = folder === "" ? "the folder" : `${folder}/`;
    findings.problem(`${target}.empty`, folder, undefined, `expected token metadata files (*.json) in ${where}, found none`);
  }
  return { target, folder, tokens, problems: findings.problems, warnings: findings.warnings };
}

/** What `dir` holds among "/"-separated file paths: each name once, a folder where a path goes on below it. */
export function entriesIn(paths: Iterable<string>, dir: string): FolderEntry[] {
  const prefix = dir === "" ? "" : `${dir}/`;
  const seen = new Map<string, FolderEntry>();
  for (const path of paths) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const cut = rest.indexOf("/");
    const name = cut < 0 ? rest : rest.slice(0, cut);
    if (name !== "" && !seen.has(name)) seen.set(name, { name, folder: cut >= 0 });
  }
  return [...seen.values()];
}

/** A FolderView over files in memory (path → text): for tests and for the studio's generated files. */
export function memoryFolder(files: Readonly<Record<string, string>>): FolderView {
  return {
    list(dir: string): Promise<FolderEntry[]> {
      return Promise.resolve(entriesIn(Object.keys(files), dir));
    },
    readText(path: string): Promise<string> {
      const text = files[path];
      return text === undefined ? Promise.reject(new Error(`${path}: no such file`)) : Promise.resolve(text);
    },
  };
}

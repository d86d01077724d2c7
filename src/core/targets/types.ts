import type { TokenRecord } from "../metadata.js";
import type { CollectionSettings } from "../settings.js";

/** The metadata targets a collection can be written for (`outputs` in the config). */
export type TargetName = "erc721" | "erc1155" | "solana" | "cardano" | "tezos";

/** What every target of one collection shares. */
export interface TargetCollection {
  settings: CollectionSettings;
  /** Canvas size in pixels: Tezos records it in `formats[].dimensions`. */
  width: number;
  height: number;
}

/** One token as a target writes it. */
export interface TargetToken {
  token: TokenRecord;
  /** 0-based position in the collection (output order): the Solana asset number, whatever `startId` says. */
  index: number;
}

/** A text file a target writes; `path` is relative to the collection folder, "/"-separated. */
export interface TargetFile {
  path: string;
  text: string;
}

/** A file the writer of the folder copies in from the user's project (Solana's collection image). */
export interface CopiedFile {
  path: string;
  /** The source as the user gave it in the config (relative to the config file). */
  from: string;
  /** What it is, for messages: "Solana collection image". */
  what: string;
}

/** What one target writes for one token. */
export interface TokenFiles {
  target: TargetName;
  /** The token's metadata files. */
  files: TargetFile[];
  /**
   * Where this target needs the token's image, relative to the collection folder: `images/<id>.<ext>` where it
   * uses the collection's own images, otherwise a copy of that image under another name (`solana/assets/0.png`,
   * `erc1155/images/<64 hex>.png`). Same bytes, so the provenance hash is the same.
   */
  image: string;
  /** Solana: the token's number in the assets folder (its 0-based position), to record id ↔ asset in the manifest. */
  assetIndex?: number;
}

/** What one target writes once per collection. */
export interface CollectionFiles {
  target: TargetName;
  files: TargetFile[];
  copies: CopiedFile[];
  /** Lines to show the user when the run is done, such as ERC-1155's `{id}` URI for the contract. */
  notes: string[];
}

/** One entry of a folder. */
export interface FolderEntry {
  name: string;
  folder: boolean;
}

/**
 * A folder as a validator reads it: the CLI backs it with node:fs, the studio with a ZIP or a directory handle,
 * tests with memory. Paths are relative to the folder, "/"-separated, "" being the folder itself.
 */
export interface FolderView {
  /** The entries directly under `dir`; an empty list where `dir` does not exist. */
  list(dir: string): Promise<readonly FolderEntry[]>;
  /** The UTF-8 text of the file at `path`. */
  readText(path: string): Promise<string>;
}

/** One thing a validator found wrong, with the file and field it is in. */
export interface FolderProblem {
  /** Which check failed, stable for tests and the studio: "solana.attributeValue". */
  rule: string;
  /** The file, relative to the folder validated ("3.json"); "" for the folder as a whole. */
  file: string;
  /** The field within the file ("attributes[2].value"), where the problem is in one. */
  field?: string;
  /** What was expected and what was found. */
  detail: string;
  /** One line: `file: field: detail`. */
  message: string;
}

/** Something worth knowing that a marketplace or uploader does not refuse; counted, not listed per file. */
export interface FolderWarning {
  rule: string;
  /** How many files it applies to. */
  count: number;
  /** The first file it applies to. */
  file: string;
  message: string;
}

export interface ValidationReport {
  target: ValidateTarget;
  /** The folder checked, relative to the one given: "" itself, or e.g. "solana/assets" inside a Traitloom collection. */
  folder: string;
  /** Tokens found: metadata files (Cardano: assets). */
  tokens: number;
  problems: FolderProblem[];
  warnings: FolderWarning[];
}

/** What `traitloom validate --target` accepts: the targets, with "opensea" naming the ERC-721 / OpenSea rules. */
export type ValidateTarget = "opensea" | TargetName;
